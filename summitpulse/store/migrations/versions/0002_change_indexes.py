"""Schema version 2: indexes on what changed since a moment (collected, deleted, profile and moderation times).

The first release's earliest stores also lacked ``sightings.local_id``: it is added where missing.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "local_id" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("sightings")}:
        op.add_column("sightings", sa.Column("local_id", sa.String(64), nullable=True))
    op.create_index("ix_posts_collected", "posts", ["collected_ts", "network", "native_id"])
    deleted = sa.text("deleted_ts IS NOT NULL")
    op.create_index("ix_posts_deleted", "posts", ["deleted_ts"], sqlite_where=deleted, postgresql_where=deleted)
    op.create_index("ix_authors_updated", "authors", ["updated_ts"])
    op.create_index("ix_moderation_updated", "moderation", ["updated_ts"])
