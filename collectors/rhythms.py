"""Posting rhythms: each account's own posts before the event, by hour of day (UTC), from its author feed.

What says where a person lives (``analysis.rhythm``) is when they post on ordinary days. For the accounts seen
posting with an event tag, the refresh jobs read their author feeds: Bluesky ``app.bsky.feed.getAuthorFeed``
(lexicons/app/bsky/feed/getAuthorFeed.json: up to 100 feed items a page, newest first, a ``cursor`` on), Mastodon
``GET /api/v1/accounts/lookup`` then ``GET /api/v1/accounts/:id/statuses`` (docs.joinmastodon.org/methods/accounts:
up to 40 statuses a page, ``max_id`` from the event's start, reblogs excluded) on the instance the account was
collected from (complete for its own accounts; for others, what federated to it). Only an hour-of-day histogram of
the own posts of the LOOKBACK before the event's start is kept (``rhythms``), with when it was fetched: each
account once, again only when fetched before the start and REFRESH_S ago; MAX_ACCOUNTS a run, MAX_PAGES each,
every request spent from the host's rate budget. X is not read (each post costs).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import orjson
from atproto import Client
from atproto_client.exceptions import BadRequestError
from atproto_client.models.utils import get_model_as_dict
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError, MastodonRatelimitError
from sqlalchemy import and_, func, or_, select

from summitpulse.analysis.rhythm import hours_of
from summitpulse.figures.upkeep import judge_stale, mark_stale
from summitpulse.settings.config import Config
from summitpulse.store import schema
from summitpulse.store.engine import dialect_insert, wall_clock

from . import bluesky, budget, mastodon
from .retry import retrying
from .runs import Run

LOOKBACK = timedelta(days=60)
REFRESH_S = 7 * 86400  # a history before the event changes little: once a week, and never once the event began
MAX_ACCOUNTS = 15  # a run: at most 45 Bluesky requests, 60 Mastodon ones (of 300 per 5 minutes)
MAX_PAGES = 3

acc, rh, p, s = schema.accounts, schema.rhythms, schema.posts, schema.sightings


def due(engine, network: str, start: float, now: float, source: str | None = None) -> list[str]:
    """The accounts of ``network`` with a counted post (on Mastodon, one seen through ``source``) whose rhythm was
    never fetched, or fetched before the event's ``start`` and REFRESH_S ago; never fetched first."""
    q = (
        select(acc.c.author_id)
        .select_from(acc.outerjoin(rh, and_(rh.c.network == acc.c.network, rh.c.author_id == acc.c.author_id)))
        .where(
            acc.c.network == network,
            acc.c.posts > 0,
            or_(rh.c.fetched_ts.is_(None), and_(rh.c.fetched_ts < start, rh.c.fetched_ts < now - REFRESH_S)),
        )
    )
    if source:
        seen = select(p.c.author_id).join(s, and_(s.c.network == p.c.network, s.c.native_id == p.c.native_id))
        q = q.where(acc.c.author_id.in_(seen.where(p.c.network == network, s.c.source == source)))
    q = q.order_by(func.coalesce(rh.c.fetched_ts, 0), acc.c.author_id).limit(MAX_ACCOUNTS)
    with engine.connect() as conn:
        return list(conn.execute(q).scalars())


def keep(engine, network: str, author_id: str, hours: list[int]) -> None:
    """Store an account's histogram and when it was fetched; its person is judged again in the same transaction."""
    values = {"hours": orjson.dumps(hours).decode(), "fetched_ts": wall_clock()}
    with engine.begin() as conn:
        conn.execute(
            dialect_insert(conn, rh)
            .values(network=network, author_id=author_id, **values)
            .on_conflict_do_update(index_elements=["network", "author_id"], set_=values)
        )
        mark_stale(conn, [(network, author_id)])
        judge_stale(conn)


def _before(stamps: list[datetime], start: datetime) -> list[int]:
    """The histogram of the times in the LOOKBACK before ``start``."""
    return hours_of([t.timestamp() for t in stamps if start - LOOKBACK <= t < start])


# --- Bluesky -------------------------------------------------------------------------------------------------


@retrying(bluesky.classify)
@budget.budgeted
def _feed(run: Run, api: Client, did: str, cursor: str | None) -> dict:
    """A page of the author's feed; an empty one for an actor the AppView refuses (gone, deactivated)."""
    params = {"actor": did, "limit": 100, "filter": "posts_with_replies", **({"cursor": cursor} if cursor else {})}
    try:
        return get_model_as_dict(api.app.bsky.feed.get_author_feed(params))
    except BadRequestError:
        return {"feed": []}


def bluesky_times(run: Run, api: Client, did: str, start: datetime) -> list[datetime]:
    """When the account's own posts (its reposts aside) were made, newest first, back to LOOKBACK before
    ``start`` or MAX_PAGES."""
    out, cursor = [], None
    for _ in range(MAX_PAGES):
        page = _feed(run, api, did, cursor)
        items = page.get("feed") or []
        times = [bluesky.sort_at(i["post"]) for i in items if not i.get("reason") and i["post"]["author"]["did"] == did]
        out += [t for t in times if t]
        cursor = page.get("cursor")
        if not items or not cursor or (out and min(out) < start - LOOKBACK):
            break
    return out


def refresh_bluesky(run: Run, api: Client, config: Config) -> None:
    """Fetch and keep the rhythms of the due Bluesky accounts, one at a time."""
    start = config.event.start
    for did in _due(run, "bluesky", config):
        keep(run.engine, "bluesky", did, _before(bluesky_times(run, api, did, start), start))


def _due(run: Run, network: str, config: Config, source: str | None = None) -> list[str]:
    return due(run.engine, network, config.event.start.timestamp(), time.time(), source)


# --- Mastodon ------------------------------------------------------------------------------------------------


@retrying(mastodon.classify)
@budget.budgeted
def _account_id(run: Run, api: Mastodon, acct: str) -> str | None:
    """The instance's id of ``user@domain``, None when it does not know the account."""
    try:
        return str(api.account_lookup(acct)["id"])
    except MastodonNotFoundError:
        return None
    except MastodonRatelimitError as exc:
        exc.reset_at = api.ratelimit_reset
        raise


@retrying(mastodon.classify)
@budget.budgeted
def _statuses(run: Run, api: Mastodon, account_id: str, max_id: int) -> list:
    try:
        return list(api.account_statuses(account_id, exclude_reblogs=True, max_id=max_id, limit=40))
    except MastodonRatelimitError as exc:
        exc.reset_at = api.ratelimit_reset
        raise


def mastodon_times(run: Run, api: Mastodon, acct: str, start: datetime) -> list[datetime]:
    """When the account's own statuses before ``start`` were made, back to LOOKBACK before it or MAX_PAGES."""
    account_id, out, max_id = _account_id(run, api, acct), [], mastodon.id_at(start)
    for _ in range(MAX_PAGES if account_id else 0):
        page = _statuses(run, api, account_id, max_id)
        out += [status["created_at"] for status in page]
        if not page or min(out) < start - LOOKBACK:
            break
        max_id = min(int(str(status["id"])) for status in page)
    return out


def refresh_mastodon(run: Run, api: Mastodon, config: Config, instance: str) -> None:
    """Fetch and keep the rhythms of the due Mastodon accounts seen through ``instance``, one at a time."""
    start = config.event.start
    for acct in _due(run, "mastodon", config, instance):
        keep(run.engine, "mastodon", acct, _before(mastodon_times(run, api, acct, start), start))
