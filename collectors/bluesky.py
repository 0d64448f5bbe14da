"""Bluesky: ``app.bsky.feed.searchPosts`` for each event tag (atproto), after an app-password login.

The ``tag`` parameter has been reported as ignored by the server (atproto
issue 3301), so the query is ``q="#tag"`` and the tag facets are checked
here (``keep_unmatched=False``). The session is saved and reused:
createSession is limited to about 30 per 5 minutes. The cursor is the newest
post time stored; each run asks for posts ``since`` it and pages back (see ``collect``).
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
from summitpulse.normalise.common import parse_time
from summitpulse.settings.config import Config
from summitpulse.settings.secrets import get_secret

from .retry import Fault, retrying
from .runs import Run, StopRun

MAX_PAGES = 30
SESSION_FILE = "data/.bluesky-session"  # a secret: 0600, never in the database or logs


def _session_path(config: Config) -> Path:
    return config.path(SESSION_FILE)


def _save_session(path: Path, session: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(session)


def client(config: Config, timeout: float = 10.0) -> Client:
    """A logged-in client: the saved session if it still works, else a new app-password login."""
    handle, password = get_secret("bluesky_handle"), get_secret("bluesky_app_password")
    api = Client(base_url=config.networks.bluesky.base_url or "https://bsky.social")
    api.request._client.timeout = timeout
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
def fetch(run: Run, api: Client, **params) -> dict:
    return get_model_as_dict(api.app.bsky.feed.search_posts(params))


def collect(config: Config, engine, tag: str, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """One run for one tag: posts since the cursor (or the event's start), newest first, then the new cursor.

    Each page after the first asks for posts ``until`` just past the oldest seen (posts at that instant come
    again; storing is idempotent) rather than at the server's offset cursor: an offset shifts when a post of
    the window is deleted mid-walk, and the post after it would be skipped. Only a page that did not get
    older (more than a page of posts at one instant) goes on by the offset. A run stops after MAX_PAGES;
    each page is stored with the state that resumes the walk (the old ``since``, the newest time seen, and
    ``until``), so a long backlog is finished by later runs — or a killed run's successor — and ``since``
    moves to the newest only at the end.
    """
    name = f"bluesky:search:#{tag}"
    with Run(engine, name, sleep=sleep, max_wait=max_wait) as run:
        api, state = client(config, timeout), run.state("since")
        since = state["since"] or config.event.start.isoformat()
        newest, until, offset = state.get("newest"), state.get("until"), None
        for _ in range(MAX_PAGES):
            params = {
                "q": f"#{tag}",
                "sort": "latest",
                "limit": 100,
                "since": since,
                **({"until": until} if until else {}),
                **({"cursor": offset} if offset else {}),
            }
            page = fetch(run, api, **params)
            posts = page.get("posts") or []
            times = [parse_time(p["record"]["createdAt"]) for p in posts if (p.get("record") or {}).get("createdAt")]
            older = until
            if times:
                run.reached(min(times))
                newest = max(newest or "", _stamp(max(times)))
                older = _stamp(min(times) + timedelta(milliseconds=1))
            more = bool(posts and page.get("cursor"))
            offset = page.get("cursor") if more and older == until else None
            until = older
            resume = json.dumps({"since": since, "newest": newest, "until": until}) if more else newest
            run.store(
                normalise("bluesky_search", page, config.hashtags.all, source="bluesky", keep_unmatched=False),
                cursor=resume,
            )
            if not more:
                break


def _stamp(when: datetime) -> str:
    """A UTC time as searchPosts takes it, to the millisecond (sortable as text)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def jobs(config: Config) -> list[tuple[str, dict]]:
    return [(f"bluesky:search:#{t}", {"tag": t}) for t in config.hashtags.all]
