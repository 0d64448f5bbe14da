"""Counts go stale and posts get deleted: re-fetch the last hours' posts, at a slower cadence.

Each network's look-up answers with the posts that still exist; their counts
are upserted, and every asked-for post missing from the answer is marked
deleted, so it leaves every view and report.
"""

from __future__ import annotations

import time

from atproto_client.models.utils import get_model_as_dict
from mastodon.errors import MastodonAPIError, MastodonNotFoundError
from sqlalchemy import select

from summitpulse.normalise import normalise
from summitpulse.settings.config import Config
from summitpulse.store import schema

from . import bluesky, budget, mastodon, profiles, rhythms, x
from .retry import retrying
from .runs import Run

WINDOW_S = 3 * 3600
MAX_POSTS = 300  # per network and run: a refresh must fit the rate limits


def recent(engine, network: str, source: str | None = None) -> list[tuple[str, str | None]]:
    """(native_id, the source's local id) of the network's live posts of the last hours, newest first."""
    p, s = schema.posts, schema.sightings
    q = select(p.c.native_id, s.c.local_id if source else p.c.native_id).where(
        p.c.network == network, p.c.deleted_ts.is_(None), p.c.created_ts >= int(time.time()) - WINDOW_S
    )
    if source:
        q = q.join(s, (s.c.network == p.c.network) & (s.c.native_id == p.c.native_id)).where(
            s.c.source == source, s.c.local_id.is_not(None)
        )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(q.order_by(p.c.created_ts.desc()).limit(MAX_POSTS))]


def _gone(network: str, asked: list[str], found: list) -> list[str]:
    present = {post.native_id for post in found}
    return [f"{network}:{n}" for n in asked if n not in present]


@retrying(x.classify)
@budget.budgeted
def _tweets(run: Run, api, ids: list[str]) -> dict:
    return api.get_tweets(ids, **x.FIELDS)


def _billed_tweets(run: Run, config: Config, api, ids: list[str]) -> dict:
    """Tweet lookup (up to 100 ids a call), within X's budget and recorded as billed."""
    x.within_budget(run, config)
    return x.charge(run, _tweets(run, api, ids))


def _look_up(run: Run, engine, config: Config, network: str, kind: str, fetch, size: int) -> None:
    """Ask for the network's recent posts ``size`` at a time; store what comes back, delete what does not."""
    ids = [n for n, _ in recent(engine, network)]
    for i in range(0, len(ids), size):
        batch = normalise(kind, fetch(run, ids[i : i + size]), config.hashtags.all, source=network)
        batch.deleted = _gone(network, ids[i : i + size], batch.posts)
        run.store(batch)


def refresh_x(config: Config, engine, sleep, max_wait: float, timeout: float = 10.0) -> None:
    with Run(engine, "x:refresh", sleep=sleep, max_wait=max_wait) as run:
        api = x.client(config, engine, timeout)
        _look_up(run, engine, config, "x", "x_page", lambda r, ids: _billed_tweets(r, config, api, ids), x.PAGE)


@retrying(bluesky.classify)
@budget.budgeted
def _posts(run: Run, api, uris: list[str]) -> dict:
    return get_model_as_dict(api.app.bsky.feed.get_posts({"uris": uris}))


def refresh_bluesky(config: Config, engine, sleep, max_wait: float, timeout: float = 10.0) -> None:
    with Run(engine, "bluesky:refresh", sleep=sleep, max_wait=max_wait) as run:
        api = bluesky.client(config, engine, timeout)
        _look_up(run, engine, config, "bluesky", "bluesky_search", lambda r, uris: _posts(r, api, uris), 25)
        profiles.refresh_profiles(run, api)
        if config.networks.bluesky.author_feeds:
            rhythms.refresh_bluesky(run, api, config)


BATCH = 20  # GET /api/v1/statuses takes at most DEFAULT_STATUSES_LIMIT (20) ids; more is a 422
MAX_SINGLE = 30  # per run where each status costs a request: a tenth of the instance's budget per refresh
SINGLE_ONLY: set[str] = set()  # instances without the batch lookup (before 4.3), found out in this process


@retrying(mastodon.classify)
@budget.budgeted
def _statuses(run: Run, api, local_ids: list[str]) -> list | None:
    """The statuses of ``local_ids`` that still exist, in one request (Mastodon 4.3+); None where the instance
    has no batch lookup (404: no such route before 4.3; 422: it refuses the list)."""
    try:
        return list(api.statuses(local_ids))
    except MastodonAPIError as exc:
        if isinstance(exc, MastodonNotFoundError) or (len(exc.args) > 1 and exc.args[1] == 422):
            return None
        raise


@retrying(mastodon.classify)
@budget.budgeted
def _status(run: Run, api, local_id: str) -> list:
    try:
        return [api.status(local_id)]
    except MastodonNotFoundError:
        return []


def _refreshed(run: Run, config: Config, instance: str, asked: list[str], statuses: list) -> None:
    batch = normalise("mastodon_statuses", statuses, config.hashtags.all, source=instance)
    batch.deleted = _gone("mastodon", asked, batch.posts)
    run.store(batch)


def refresh_mastodon(config: Config, engine, instance: str, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """The instance's recent statuses, 20 to a request; one at a time (the newest MAX_SINGLE) on an instance
    before 4.3; then the posting rhythms due (``rhythms``)."""
    with Run(engine, f"mastodon:{mastodon.instance_key(instance)}:refresh", sleep=sleep, max_wait=max_wait) as run:
        api, todo = mastodon.client(instance, engine, timeout), recent(engine, "mastodon", source=instance)
        while todo and instance not in SINGLE_ONLY:
            chunk, todo = todo[:BATCH], todo[BATCH:]
            found = _statuses(run, api, [local for _, local in chunk])
            if found is None:
                SINGLE_ONLY.add(instance)
                todo = chunk + todo
            else:
                _refreshed(run, config, instance, [native for native, _ in chunk], found)
        for native_id, local_id in todo[:MAX_SINGLE]:
            _refreshed(run, config, instance, [native_id], _status(run, api, local_id))
        if config.networks.mastodon.author_feeds:
            rhythms.refresh_mastodon(run, api, config, instance)


def jobs(config: Config) -> list[tuple[str, object, dict]]:
    """(name, function, kwargs) of the refresh job of every enabled network (and Mastodon instance)."""
    nets, out = config.networks, []
    if nets.x.enabled:
        out.append(("x:refresh", refresh_x, {}))
    if nets.bluesky.enabled:
        out.append(("bluesky:refresh", refresh_bluesky, {}))
    if nets.mastodon.enabled:
        out += [
            (f"mastodon:{mastodon.instance_key(i)}:refresh", refresh_mastodon, {"instance": i.rstrip("/")})
            for i in nets.mastodon.instances
        ]
    return out
