"""Schema migrations with Alembic, run from the installed package (no alembic.ini, whatever the working folder).

A new store is created from ``schema.metadata`` at the head revision. A store of the releases before Alembic
(``meta.schema_version`` 1–6) is stamped with the revision of its version and upgraded in place; each revision
under ``versions/`` brings a store of the one before to its shape, filling in data where it must. To change the
schema: edit ``schema.py`` and add a revision here (``alembic revision`` with this folder as script location, or
by hand after the last one).
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

from .. import schema

HERE = Path(__file__).resolve().parent
LEGACY = {version: f"{version:04d}" for version in range(1, 7)}  # meta.schema_version → its revision
TOMBSTONE = "7"  # meta.schema_version of an Alembic store: releases before Alembic refuse it as newer than they know
LOCK_ID = 7351001  # PostgreSQL advisory lock: one process migrates at a time


def alembic_config(conn: Connection, **attributes) -> AlembicConfig:
    """Alembic's configuration for ``conn``: this folder as script location, nothing read from disk."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes.update(connection=conn, **attributes)
    return cfg


def head() -> str:
    return ScriptDirectory(str(HERE)).get_current_head()


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def legacy_version(conn: Connection) -> int | None:
    """``meta.schema_version`` of a store from before Alembic, or None."""
    if not inspect(conn).has_table("meta"):
        return None
    value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    return int(value) if value is not None else None


def migrate(engine: Engine, **attributes) -> str:
    """Bring the store to the head revision (creating it if empty) and return that revision. ``attributes`` reach
    the revisions (``context.config.attributes``). Two SQLite processes opening a new store at once: the one that
    finds it locked tries again and then finds it done."""
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_ID})"))
                return _migrate(conn, attributes)
        except OperationalError:
            if engine.dialect.name != "sqlite" or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _migrate(conn: Connection, attributes: dict) -> str:
    latest, current = head(), current_revision(conn)
    if current == latest:
        return latest
    cfg = alembic_config(conn, **attributes)
    if current is None:
        version = legacy_version(conn)
        if version is None and not inspect(conn).has_table("posts"):
            schema.metadata.create_all(conn)
            command.stamp(cfg, "head")
            _tombstone(conn)
            return latest
        if version not in LEGACY:
            raise RuntimeError(
                f"this database is at schema version {version}, newer than this release knows; upgrade Summit Pulse"
            )
        command.stamp(cfg, LEGACY[version])
    elif current not in {s.revision for s in ScriptDirectory(str(HERE)).walk_revisions()}:
        raise RuntimeError(
            f"this database was migrated by a newer release than this one (revision {current}); upgrade Summit Pulse"
        )
    command.upgrade(cfg, "head")
    _tombstone(conn)
    if (
        attributes.get("config") is not None
    ):  # figures from the posts already stored, read as the last revision has them
        from ...figures import adopt

        adopt(conn, attributes["config"])
    return latest


def _tombstone(conn: Connection) -> None:
    conn.execute(text("DELETE FROM meta WHERE key = 'schema_version'"))
    conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"), {"v": TOMBSTONE})
