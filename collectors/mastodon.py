"""Mastodon: every configured instance's hashtag timeline, for every event tag (Mastodon.py).

Each instance sees its own slice of the fediverse; the same status through
two instances is one post (normalised on its ``uri``). The cursor is the
instance-local id of the newest status stored. A status that federates in
late gets an id from its *creation* time (``Mastodon::Snowflake.id_at``,
lib/mastodon/snowflake.rb), so it sorts behind statuses already read: each
run pages forward with ``min_id`` from ``OVERLAP`` before now, expressed as
an id (see ``cursors``). A first run backfills backwards to the event's
start, over as many runs as it takes (see ``backfill``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlparse

from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from summitpulse.normalise import normalise
from summitpulse.normalise.common import parse_time
from summitpulse.normalise.models import Batch
from summitpulse.settings.config import Config
from summitpulse.settings.secrets import get_secret

from . import budget, cursors
from .retry import Fault, retrying
from .runs import Run, StopRun

PAGE = 40
MAX_PAGES = 50
# Late copies arrive when the author's server delivers them: seconds usually, retried by Sidekiq when a delivery
# fails. Two minutes re-read per run (a few pages at a conference's pace) catches what arrives within it.
OVERLAP = timedelta(minutes=2)
SWEEP_BACK = timedelta(days=1)  # a status dated up to a day behind (its server's clock) is found by ``sweep``


def id_at(when: datetime) -> int:
    """The smallest status id Mastodon gives a status created at ``when``: 48 bits of milliseconds (of the whole
    second: ``Mastodon::Snowflake.id_at`` adds random milliseconds), 16 bits of sequence."""
    return int(when.timestamp()) * 1000 << 16


def time_of(status_id: str | int) -> datetime:
    """When a status with this id was created, by the id's own clock."""
    return datetime.fromtimestamp((int(status_id) >> 16) / 1000, UTC)


def client(instance: str, engine, timeout: float = 10.0) -> Mastodon:
    """Mastodon.py for ``instance``, one per process and token: the instance documents it reads before a
    timeline or a stream are asked once. Every request it sends is spent from the instance's shared budget."""
    return _client(instance, engine, timeout, get_secret("mastodon_token", instance))


@lru_cache(maxsize=64)
def _client(instance: str, engine, timeout: float, token: str | None) -> Mastodon:
    return Mastodon(
        api_base_url=instance,
        access_token=token,
        ratelimit_method="throw",
        request_timeout=timeout,
        session=budget.session(engine, instance_key(instance), budget.MASTODON),
    )


def classify(exc: BaseException) -> Fault | None:
    if isinstance(exc, MastodonRatelimitError):
        return Fault("rate_limit", reset_at=getattr(exc, "reset_at", None))
    if isinstance(exc, MastodonUnauthorizedError):
        return Fault("refused", retry=False)
    if isinstance(exc, MastodonNotFoundError):
        return Fault("not_found", retry=False)
    if isinstance(exc, MastodonServerError):
        return Fault("server_error")
    if isinstance(exc, MastodonNetworkError):
        return Fault("timeout")
    if isinstance(exc, MastodonAPIError):  # e.g. a truncated page that is not JSON
        return Fault("bad_page")
    return None


@retrying(classify)
@budget.budgeted
def fetch(run: Run, api: Mastodon, tag: str, **params) -> list:
    try:
        return list(api.timeline_hashtag(tag, limit=PAGE, **params))
    except MastodonRatelimitError as exc:
        exc.reset_at = api.ratelimit_reset
        raise


def _newest(page: list) -> int:
    return max(int(str(s["id"])) for s in page)


def _oldest(page: list):
    return min(page, key=lambda s: int(str(s["id"])))


def forward(run: Run, api: Mastodon, tag: str, cursor: str, instance: str, tags: list[str]) -> None:
    """Every status from ``OVERLAP`` before now (or from ``cursor``, if older). The newest page first: a request
    without ``min_id``/``max_id`` is not a paging request, which Mastodon throttles harder (300 per 15 minutes,
    config/initializers/rack_attack.rb), and at a conference's pace it holds the whole window. Only when it does
    not reach back that far, page forward with ``min_id``; each page is stored with the cursor that covers it."""
    collected, stored = cursors.now(), int(cursor)
    position = cursors.reread_from(stored, collected, OVERLAP, id_at)
    newest = fetch(run, api, tag)
    if not newest:
        return
    if _oldest_id(newest) <= position:  # (a short page is no proof: Mastodon filters a page after reading it)
        stored = cursors.advance(stored, [_newest(newest)], collected, id_at)
        run.store(normalise("mastodon_statuses", newest, tags, source=instance), cursor=str(stored))
        return
    for _ in range(MAX_PAGES):
        page = fetch(run, api, tag, min_id=str(position))
        if not page:
            return
        position = _newest(page)
        stored = cursors.advance(stored, [position], collected, id_at)
        run.store(normalise("mastodon_statuses", page, tags, source=instance), cursor=str(stored))


def _oldest_id(page: list) -> int:
    return min(int(str(s["id"])) for s in page)


def backfill(run: Run, api: Mastodon, tag: str, instance: str, config: Config, state: dict) -> None:
    """Back from the newest status to the event's start. Each page is stored with the state that resumes the
    walk (the newest id, and ``max_id`` below the oldest seen), so a backlog longer than one run (MAX_PAGES) or
    a killed run is finished by the next runs; the cursor becomes the newest id once the walk is complete."""
    newest, max_id, collected = state.get("newest"), state.get("max_id"), cursors.now()
    for _ in range(MAX_PAGES):
        page = fetch(run, api, tag, max_id=max_id) if max_id else fetch(run, api, tag)
        if not page:
            break
        newest = newest or str(cursors.advance(None, [_newest(page)], collected, id_at))
        oldest = _oldest(page)
        run.reached(parse_time(oldest["created_at"]))
        if parse_time(oldest["created_at"]) < config.event.start:
            run.store(normalise("mastodon_statuses", page, config.hashtags.all, source=instance), cursor=newest)
            return
        max_id = str(oldest["id"])
        run.store(
            normalise("mastodon_statuses", page, config.hashtags.all, source=instance),
            cursor=json.dumps({"newest": newest, "max_id": max_id}),
        )
    else:
        return  # MAX_PAGES reached: the next run goes on from max_id
    if newest:
        run.store(Batch(), cursor=newest)


def collect(config: Config, engine, instance: str, tag: str, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """One run for one instance and one tag: forward from the newest status stored, or (first, or unfinished)
    the backfill."""
    name = job_name(instance, tag)
    with Run(engine, name, sleep=sleep, max_wait=max_wait) as run:
        api, state = client(instance, engine, timeout), run.state("newest")
        try:
            if state["newest"] and "max_id" not in state:
                forward(run, api, tag, state["newest"], instance, config.hashtags.all)
            else:
                backfill(run, api, tag, instance, config, state)
        except StopRun as stop:
            if "refused" in str(stop):
                run.fault(
                    "refused",
                    f"{instance} refuses anonymous hashtag timelines; set "
                    "SUMMITPULSE_MASTODON_TOKEN (or the instance's own variable)",
                )
            raise


def sweep(config: Config, engine, instance: str, tag: str, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """One page further back each run, from ``OVERLAP`` before now down to ``SWEEP_BACK`` (or the event's start),
    then from the top again: finds the statuses whose ids are older than any re-read reaches — copies from a
    server whose clock runs behind, or that federated very late."""
    with Run(engine, sweep_name(instance, tag), sleep=sleep, max_wait=max_wait) as run:
        collected = cursors.now()
        top = id_at(collected - OVERLAP)
        floor = id_at(max(collected - SWEEP_BACK, config.event.start))
        position = int(run.cursor() or top)
        page = fetch(run, client(instance, engine, timeout), tag, max_id=str(min(position, top)))
        oldest = min((int(str(s["id"])) for s in page), default=floor)
        run.store(
            normalise("mastodon_statuses", page, config.hashtags.all, source=instance),
            cursor=str(oldest if oldest > floor else top),
        )


def instance_key(instance: str) -> str:
    """``host[:port][/path]`` — two instances behind one host keep separate cursors."""
    url = urlparse(instance)
    return f"{url.netloc}{url.path.rstrip('/')}"


def job_name(instance: str, tag: str) -> str:
    return f"mastodon:{instance_key(instance)}:#{tag}"


def sweep_name(instance: str, tag: str) -> str:
    return f"{job_name(instance, tag)}:sweep"


def jobs(config: Config) -> list[tuple[str, dict]]:
    """(name, kwargs for collect) for every instance × tag."""
    return [
        (job_name(i, t), {"instance": i.rstrip("/"), "tag": t})
        for i in config.networks.mastodon.instances
        for t in config.hashtags.all
    ]
