"""Bluesky profiles, fetched on their own: search results carry no follower counts, so without this every
Bluesky contributor shows 0 followers and the potential reach under-counts.

``app.bsky.actor.getProfiles`` answers up to 25 actors a call (lexicons/app/bsky/actor/getProfiles.json).
Each run asks first for the accounts never looked up, then for those looked up longest ago, at most once a
``REFRESH_S`` per account and ``MAX_PROFILES`` a run; when an account was looked up is kept in the store
(``profile_checks``), so every process and restart shares it.
"""

from __future__ import annotations

import time

from atproto import Client
from atproto_client.models.utils import get_model_as_dict
from sqlalchemy import and_, func, or_, select

from summitpulse.normalise import normalise
from summitpulse.store import schema
from summitpulse.store.engine import dialect_insert

from . import bluesky, budget
from .retry import retrying
from .runs import Run

BATCH = 25
REFRESH_S = 86400  # follower counts move slowly: once a day per account
MAX_PROFILES = 250  # a run: ten requests

a, pc, p = schema.authors, schema.profile_checks, schema.posts


def due(engine, now: float, limit: int = MAX_PROFILES) -> list[str]:
    """The DIDs of Bluesky accounts with a post whose profile was never looked up or not for REFRESH_S, never
    looked up first."""
    checked = func.coalesce(pc.c.checked_ts, 0)
    posted = select(p.c.author_id).where(p.c.network == "bluesky").distinct()
    q = (
        select(a.c.author_id)
        .select_from(a.outerjoin(pc, and_(pc.c.network == a.c.network, pc.c.author_id == a.c.author_id)))
        .where(
            a.c.network == "bluesky",
            a.c.author_id.in_(posted),
            or_(pc.c.checked_ts.is_(None), checked < now - REFRESH_S),
        )
        .order_by(checked, a.c.author_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return list(conn.execute(q).scalars())


@retrying(bluesky.classify)
@budget.budgeted
def fetch(run: Run, api: Client, dids: list[str]) -> dict:
    return get_model_as_dict(api.app.bsky.actor.get_profiles({"actors": dids}))


def refresh_profiles(run: Run, api: Client) -> None:
    """Look up the due profiles, BATCH a call; store them (followers reach the figures) and when they were asked."""
    now = time.time()
    dids = due(run.engine, now)
    for i in range(0, len(dids), BATCH):
        asked = dids[i : i + BATCH]
        run.store(normalise("bluesky_profiles", fetch(run, api, asked), source="bluesky"))
        with run.engine.begin() as conn:
            stmt = dialect_insert(conn, pc).values(
                [{"network": "bluesky", "author_id": d, "checked_ts": int(now)} for d in asked]
            )
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["network", "author_id"], set_={"checked_ts": int(now)})
            )
