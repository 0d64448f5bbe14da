"""Bluesky: ``app.bsky.feed.searchPosts`` for each event tag (atproto), after an app-password login.

The ``tag`` parameter has been reported as ignored by the server (atproto
issue 3301), so the query is ``q="#tag"`` and the tag facets are checked
here (``keep_unmatched=False``). The session is saved and reused:
createSession is limited to about 30 per 5 minutes. Search needs the login
(public unauthenticated search answers 403 since 2025).

What search publishes, and when (lexicons/app/bsky/feed/searchPosts.json): ``since``/``until`` filter on
``sortAt``, "which may not match createdAt" — it is the earlier of ``createdAt`` and ``indexedAt``; a post
becomes searchable a moment after it is created (index lag); and the offset cursor "may not necessarily allow
scrolling through entire result set" (about 10,000 posts a query). So a run walks back in time windows
(``until`` just past the oldest post seen, see ``collect``), re-reads ``OVERLAP`` back from the collection time
(index lag), never moves its cursor past the collection time plus a tolerance (a device clock hours ahead),
and every ``networks.bluesky.sweep_minutes`` re-reads the last ``SWEEP_BACK`` (a device clock behind puts a new post's ``sortAt``
up to a day in the past, where only a window reaching back that far finds it).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path

import httpx
from atproto import Client
from atproto_client.exceptions import (
    BadRequestError,
    InvokeTimeoutError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.models.utils import get_model_as_dict

from summitpulse.normalise import normalise
from summitpulse.normalise.common import NormaliseError, parse_time
from summitpulse.settings.config import Config
from summitpulse.settings.secrets import get_secret

from . import budget, cursors
from .retry import Fault, retrying
from .runs import Run, StopRun

MAX_PAGES = 30
OVERLAP = timedelta(minutes=2)  # index lag: "moments"; the fakes model up to 10 s
SWEEP_BACK = timedelta(hours=25)  # clocks a day behind, and an hour to spare
SESSION_FILE = "data/.bluesky-session"  # a secret: 0600, never in the database or logs


def _session_path(config: Config) -> Path:
    return config.path(SESSION_FILE)


def _save_session(path: Path, session: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(session)


# docs.bsky.app/docs/advanced-guides/rate-limits: createSession has its own, much smaller limit (30 per 5 minutes).
SESSION = budget.Policy("bluesky", 30, 300, budget.BLUESKY.headers)


def _budget_key(request: httpx.Request) -> tuple[str, budget.Policy]:
    host = request.url.netloc.decode()
    if request.url.path.endswith("com.atproto.server.createSession"):
        return f"{host} createSession", SESSION
    return host, budget.BLUESKY


def _budget_hooks(engine) -> dict:
    """httpx event hooks spending every request from its host's shared budget and reading ``RateLimit-*``."""

    def spend(request: httpx.Request) -> None:
        budget.spend(engine, *_budget_key(request))

    def note(response: httpx.Response) -> None:
        budget.note(engine, *_budget_key(response.request), response.headers, response.status_code)

    return {"request": [spend], "response": [note]}


def client(config: Config, engine, timeout: float = 10.0) -> Client:
    """A logged-in client: the saved session if it still works, else a new app-password login. Every request
    it sends is spent from its host's budget."""
    handle, password = get_secret("bluesky_handle"), get_secret("bluesky_app_password")
    api = Client(base_url=config.networks.bluesky.base_url or "https://bsky.social")
    api.request._client.timeout = timeout
    api.request._client.event_hooks = _budget_hooks(engine)
    path = _session_path(config)
    api.on_session_change(lambda _event, _session: _save_session(path, api.export_session_string()))
    if path.exists():
        try:
            api.login(session_string=path.read_text(), fetch_bsky_profile=False)
            return api
        except Exception:  # an expired or unreadable session: log in afresh below
            path.unlink(missing_ok=True)
    if not handle or not password:
        raise StopRun("no Bluesky login: set SUMMITPULSE_BLUESKY_HANDLE and SUMMITPULSE_BLUESKY_APP_PASSWORD")
    api.login(handle, password, fetch_bsky_profile=False)
    return api


def classify(exc: BaseException) -> Fault | None:
    """atproto's errors as faults. It raises NetworkError for a 502 too (with the response), lets httpx's
    RemoteProtocolError (a body cut short) through unwrapped, and ModelError for a 200 that is not the
    lexicon's JSON (an HTML page from a proxy)."""
    if isinstance(exc, RateLimitExceededError):
        headers = getattr(getattr(exc, "response", None), "headers", None) or {}
        reset = headers.get("ratelimit-reset") or headers.get("RateLimit-Reset")
        return Fault("rate_limit", reset_at=float(reset) if reset and str(reset).isdigit() else None)
    if isinstance(exc, (UnauthorizedError, BadRequestError)):
        return Fault("refused", retry=False)
    if isinstance(exc, InvokeTimeoutError) or isinstance(exc, httpx.TimeoutException):
        return Fault("timeout")
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(exc, RequestException) or (isinstance(exc, NetworkError) and status):
        return Fault("server_error", message=_status_text(status, exc))
    if isinstance(exc, (NetworkError, httpx.TransportError)):
        return Fault("dropped", message=f"connection dropped: {type(exc.__cause__ or exc).__name__} {exc}")
    if isinstance(exc, (ModelError, ValueError)):
        return Fault("bad_page", message=f"not the JSON the lexicon describes (an HTML page?): {exc}"[:300])
    return None


def _status_text(status: int | None, exc: BaseException) -> str:
    """``502 Bad Gateway: …``: what the health page shows."""
    try:
        name = HTTPStatus(status).phrase
    except ValueError:
        name = "error"
    return f"{status} {name}: {str(exc)[:200]}"


@retrying(classify)
@budget.budgeted
def fetch(run: Run, api: Client, **params) -> dict:
    return get_model_as_dict(api.app.bsky.feed.search_posts(params))


def window(config: Config, state: dict, collected: datetime) -> tuple[str, bool]:
    """Where a new walk starts (``since``) and whether it is a sweep: the event's start the first time; every
    ``networks.bluesky.sweep_minutes``, SWEEP_BACK before now; else OVERLAP before the newest post seen (or
    before now, if earlier)."""
    newest, swept, start = state.get("newest"), state.get("swept"), config.event.start
    if not newest:
        return _stamp(start), True
    if not swept or collected - parse_time(swept) >= timedelta(minutes=config.networks.bluesky.sweep_minutes):
        return _stamp(max(start, collected - SWEEP_BACK)), True
    return _stamp(max(start, cursors.reread_from(parse_time(newest) - OVERLAP, collected, OVERLAP))), False


def collect(config: Config, engine, tag: str, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """One run for one tag: a walk back from now to its ``since`` (``window``), newest first.

    Each page after the first asks for posts ``until`` just past the oldest seen (posts at that instant come
    again; storing is idempotent) rather than at the server's offset cursor: an offset shifts when a post of
    the window is deleted mid-walk, and one query's offsets run out at about 10,000 posts. Only a page that did
    not get older (more than a page of posts at one instant) goes on by the offset. A run stops after MAX_PAGES;
    each page is stored with the state that resumes the walk, so a long backlog is finished by later runs — or
    a killed run's successor. The newest post time seen is capped at the collection time plus a tolerance.
    """
    name = f"bluesky:search:#{tag}"
    with Run(engine, name, sleep=sleep, max_wait=max_wait) as run:
        api, state, collected = client(config, engine, timeout), _state(run), cursors.now()
        newest, swept, until, offset = state.get("newest"), state.get("swept"), state.get("until"), None
        since, sweep = (state["since"], False) if until else window(config, state, collected)
        swept = _stamp(collected) if sweep else swept
        for _ in range(MAX_PAGES):
            params = {"q": f"#{tag}", "sort": "latest", "limit": 100, "since": since}
            page = fetch(
                run, api, **params, **({"until": until} if until else {}), **({"cursor": offset} if offset else {})
            )
            posts = page.get("posts") or []
            times = [t for t in map(sort_at, posts) if t]
            older = until
            if times:
                run.reached(min(times))
                newest = cursors.advance(newest, map(_stamp, times), collected, _stamp)
                older = _stamp(min(times) + timedelta(milliseconds=1))
            more = bool(posts and page.get("cursor"))
            offset = page.get("cursor") if more and older == until else None
            until = older if more else None
            resume = {"since": since, "newest": newest, "swept": swept, "until": until}
            run.store(
                normalise("bluesky_search", page, config.hashtags.all, source="bluesky", keep_unmatched=False),
                cursor=json.dumps({k: v for k, v in resume.items() if v}),
            )
            if not more:
                break


def sort_at(post: dict) -> datetime | None:
    """What search sorts and filters on: the earlier of the record's ``createdAt`` and the view's ``indexedAt``."""
    stamps = [(post.get("record") or {}).get("createdAt"), post.get("indexedAt")]
    times = [t for t in (_time_or_none(s) for s in stamps) if t]
    return min(times) if times else None


def _time_or_none(stamp) -> datetime | None:
    try:
        return parse_time(stamp)
    except NormaliseError:  # a hostile or missing time: the post still goes to the normaliser, which says so
        return None


def _state(run: Run) -> dict:
    """The stored state; a cursor of an earlier version is the newest post time as plain text."""
    state = run.state("newest")
    return {k: v for k, v in state.items() if v}


def _stamp(when: datetime) -> str:
    """A UTC time as searchPosts takes it, to the millisecond (sortable as text)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def jobs(config: Config) -> list[tuple[str, dict]]:
    return [(f"bluesky:search:#{t}", {"tag": t}) for t in config.hashtags.all]
