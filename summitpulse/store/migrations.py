"""Schema versions, so a newer release opens an older database.

A new database is created from ``schema.metadata`` and stamped with the
latest version; an older one runs each pending step in order, in one
transaction. To change the schema: edit ``schema.py`` and append a step
here that brings a database of the previous version to the new shape.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, text

from ..normalise.folding import folded_columns
from . import schema

Step = Callable[[Connection], None]
ALERT_TABLES = (schema.alert_incidents, schema.alert_messages, schema.heartbeats)

# (version, step): step brings a database at version-1 to version.
MIGRATIONS: list[tuple[int, Step]] = [
    (1, lambda conn: schema.metadata.create_all(conn)),
    (2, lambda conn: [index.create(conn, checkfirst=True) for index in schema.CHANGE_INDEXES]),
    (3, lambda conn: _add_folded_text(conn, "text_folded")),
    (4, lambda conn: _add_folded_text(conn, "text_stems")),
    (5, lambda conn: schema.identity_rejections.create(conn, checkfirst=True)),
    (6, lambda conn: schema.snapshots.create(conn, checkfirst=True)),
    (7, lambda conn: [t.create(conn, checkfirst=True) for t in ALERT_TABLES]),
]


def _add_folded_text(conn: Connection, *columns: str) -> None:
    """posts.text_folded and posts.text_stems (or some of them), filled for the posts already stored."""
    present = {c["name"] for c in inspect(conn).get_columns("posts")}
    for column in columns:
        if column not in present:
            conn.execute(text(f"ALTER TABLE posts ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"))
    rows = conn.execute(text("SELECT network, native_id, text FROM posts")).all()
    update = text(
        f"UPDATE posts SET {', '.join(f'{c} = :{c}' for c in columns)} "
        "WHERE network = :network AND native_id = :native_id"
    )
    for i in range(0, len(rows), 5000):
        conn.execute(
            update,
            [{**folded_columns(r.text), "network": r.network, "native_id": r.native_id} for r in rows[i : i + 5000]],
        )


def latest(migrations: list[tuple[int, Step]] = MIGRATIONS) -> int:
    return migrations[-1][0]


def current_version(conn: Connection) -> int | None:
    """The stored version, or None for a database Summit Pulse never opened."""
    if not inspect(conn).has_table("meta"):
        return None
    value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    return int(value) if value is not None else None


def _stamp(conn: Connection, version: int) -> None:
    conn.execute(text("DELETE FROM meta WHERE key = 'schema_version'"))
    conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"), {"v": str(version)})


def migrate(engine: Engine, migrations: list[tuple[int, Step]] = MIGRATIONS) -> int:
    """Bring the database to the latest version; returns that version."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7351001)"))
        version = current_version(conn)
        if version is None:
            schema.metadata.create_all(conn)
            _stamp(conn, latest(migrations))
        elif version > latest(migrations):
            raise RuntimeError(
                f"this database is at schema version {version}, newer than this "
                f"release knows ({latest(migrations)}); upgrade Summit Pulse"
            )
        else:
            for step_version, step in migrations:
                if step_version > version:
                    step(conn)
                    _stamp(conn, step_version)
    return latest(migrations)
