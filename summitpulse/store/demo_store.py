"""Which store belongs to the demo: the demo plays into, and empties, only a store of its own.

The demo marks the store it claims (a ``meta`` row) while it holds no posts; from then on it is the demo's, and
``collect`` and ``import`` refuse it. A store with posts and no mark holds an event's posts: the demo refuses it.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from . import schema
from .engine import get_meta, set_meta

DEMO_MARK = "demo_store"


class StoreOwnerError(Exception):
    """A command was pointed at a store that is not its own (the message says which and what to do)."""


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def claim_for_demo(engine: Engine, event: str) -> None:
    """Mark the store as the demo's of ``event``; StoreOwnerError when it holds posts and is not the demo's."""
    with engine.begin() as conn:
        if get_meta(conn, DEMO_MARK):
            return
        if conn.execute(select(schema.posts.c.native_id).limit(1)).first() is not None:
            raise StoreOwnerError(
                f"the store at {_where(engine)} holds posts that are not the demo's: the demo never plays into "
                "or empties it. The demo keeps its own store, demo.database_url in the config (default "
                "sqlite:///data/demo.db beside it) or $SUMMITPULSE_DEMO_DATABASE_URL: point that at another store."
            )
        set_meta(conn, DEMO_MARK, event)


def refuse_demo_store(engine: Engine) -> None:
    """StoreOwnerError when the store is the demo's, which empties it at every replay: no event's posts go there."""
    with engine.connect() as conn:
        demo = get_meta(conn, DEMO_MARK)
    if demo:
        raise StoreOwnerError(
            f"the store at {_where(engine)} is the demo's ({demo}), which the demo empties whenever it starts "
            "again: set database_url (or $SUMMITPULSE_DATABASE_URL) to the event's own store."
        )
