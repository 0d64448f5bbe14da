"""Alembic's environment: always run by ``migrations.migrate`` on the connection it passes (no alembic.ini)."""

from alembic import context

from summitpulse.store import schema

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Summit Pulse's migrations run through summitpulse.store.migrations.migrate(engine)")
context.configure(connection=connection, target_metadata=schema.metadata)
with context.begin_transaction():
    context.run_migrations()
