"""X: recent search for the event's tags (tweepy ``Client.search_recent_tweets``), since-id incremental.

X is pay-per-use (the default since February 2026): every post and user a response returns is billed, once
per UTC day. Each response's reads are recorded (``store.x_reads``) and a run stops before a page could take the
estimated spend past ``networks.x.budget_usd``.

Pages come newest first; the cursor (``since_id``) moves to the newest id only
once every page back to the old cursor is stored. tweepy hard-codes its host
and sets no timeout: an adapter mounted on its session adds both.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import requests
import tweepy
from requests.adapters import HTTPAdapter

from summitpulse.normalise import normalise
from summitpulse.settings.config import Config
from summitpulse.settings.secrets import get_secret
from summitpulse.store import x_reads
from summitpulse.store.x_reads import x_usage

from . import budget, cursors
from .retry import Fault, retrying
from .runs import Run, StopRun

API = "https://api.twitter.com"
MAX_PAGES = 30
PAGE = 100  # posts per page: recent search's and tweet lookup's maximum
OVERLAP = timedelta(seconds=30)  # a post reaches recent search a moment after it is created
TWITTER_EPOCH_MS = 1288834974657
FIELDS = {
    "expansions": [
        "author_id",
        "geo.place_id",
        "referenced_tweets.id",
        "referenced_tweets.id.author_id",
        "entities.mentions.username",
        "attachments.media_keys",
        "in_reply_to_user_id",
    ],
    "tweet_fields": [
        "created_at",
        "lang",
        "public_metrics",
        "entities",
        "geo",
        "referenced_tweets",
        "in_reply_to_user_id",
        "conversation_id",
        "attachments",
        "author_id",
    ],
    "user_fields": ["location", "description", "public_metrics", "profile_image_url", "name", "username"],
    "place_fields": ["full_name", "geo", "country_code", "place_type", "name"],
    "media_fields": ["url", "preview_image_url", "type", "alt_text"],
}
logging.getLogger("tweepy").setLevel(logging.INFO)  # its debug log prints the Authorization header


class BaseAndTimeout(HTTPAdapter):
    """Sends tweepy's requests to ``base`` (a proxy, a test server) with a timeout, each spent from its
    endpoint's shared rate budget (X limits each endpoint per app and 15-minute window) and its answer's
    ``x-rate-limit-*`` headers read into it."""

    def __init__(self, engine, base: str | None, timeout: float):
        super().__init__()
        self.engine, self.base, self.timeout = engine, base.rstrip("/") if base else None, timeout

    def send(self, request, **kwargs):
        endpoint = f"{urlparse(API).netloc}{urlparse(request.url).path}"
        if self.base and request.url.startswith(API):
            request.url = self.base + request.url[len(API) :]
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        budget.spend(self.engine, endpoint, budget.X)
        response = super().send(request, **kwargs)
        budget.note(self.engine, endpoint, budget.X, response.headers, response.status_code)
        return response


def client(config: Config, engine, timeout: float = 10.0) -> tweepy.Client:
    token = get_secret("x_bearer_token")
    if not token:
        raise StopRun("no X bearer token: set SUMMITPULSE_X_BEARER_TOKEN")
    api = tweepy.Client(bearer_token=token, return_type=dict, wait_on_rate_limit=False)
    adapter = BaseAndTimeout(engine, config.networks.x.base_url, timeout)
    api.session.mount("https://", adapter)
    api.session.mount("http://", adapter)
    return api


def classify(exc: BaseException) -> Fault | None:
    """tweepy's and requests' errors as faults; a body cut short mid-way is requests' ChunkedEncodingError."""
    if isinstance(exc, tweepy.TooManyRequests):
        reset = exc.response.headers.get("x-rate-limit-reset")
        return Fault("rate_limit", reset_at=float(reset) if reset and reset.isdigit() else None)
    if isinstance(exc, (tweepy.Unauthorized, tweepy.Forbidden)):
        return Fault("refused", retry=False)
    if isinstance(exc, tweepy.TwitterServerError):
        return Fault("server_error", message=f"{exc.response.status_code} {exc.response.reason}: {exc}"[:300])
    if isinstance(exc, requests.Timeout):
        return Fault("timeout")
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return Fault("dropped", message=f"connection dropped: {type(exc).__name__} {exc}"[:300])
    if isinstance(exc, ValueError):  # a body that is not JSON (an HTML page)
        return Fault("bad_page", message=f"not JSON (an HTML page?): {exc}"[:300])
    return None


def query(config: Config) -> str:
    return " OR ".join(f"#{t}" for t in config.hashtags.all)


def within_budget(run: Run, config: Config) -> None:
    """Stop the run (and X collection, till the budget is raised) before a page could take spend past the budget."""
    with run.engine.connect() as conn:
        usage = x_usage(conn, config)
    x = config.networks.x
    if usage.spend_usd + PAGE * (x.post_read_usd + x.user_read_usd) > usage.budget_usd:
        message = (
            f"X budget reached: ${usage.spend_usd:,.2f} of ${usage.budget_usd:,.2f} spent "
            f"({usage.posts:,} posts, {usage.users:,} users read); raise networks.x.budget_usd to go on"
        )
        run.fault("budget", message)
        raise StopRun(message)


def charge(run: Run, page: dict) -> dict:
    """Record what X bills for this response (each post and user, once a day), then hand it on."""
    with run.engine.begin() as conn:
        x_reads.record(conn, x_reads.resources(page))
    return page


@retrying(classify)
@budget.budgeted
def fetch(run: Run, api: tweepy.Client, q: str, **params) -> dict:
    return api.search_recent_tweets(q, max_results=PAGE, **FIELDS, **params)


def id_at(when: datetime) -> int:
    """The smallest tweet id of that moment: a snowflake's milliseconds since the Twitter epoch, shifted 22 bits."""
    return max(0, int(when.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22


def since_of(state: dict, collected: datetime) -> dict:
    """A walk's lower bound: the unfinished walk's own; else ``OVERLAP`` before the newest id stored or now
    (a post reaches search a moment after X gives it its id); the event's start the first time."""
    if state.get("next_token"):
        since = state.get("since_id")
    elif state.get("since_id"):
        since = str(cursors.reread_from(int(state["since_id"]), collected, OVERLAP, id_at))
    else:
        since = None
    return {"since_id": since} if since else {}


def collect(config: Config, engine, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """Every page from ``since_of`` (or back to the event's start), then the new cursor.

    A run stops after MAX_PAGES; each page is stored with the state that resumes the walk (its since_id,
    the newest id seen, the next token), so a long backlog is finished by later runs — or by a killed run's
    successor — and the cursor moves to the newest id (never past the collection time) only at the end.
    """
    name = f"x:search:{query(config)}"
    with Run(engine, name, sleep=sleep, max_wait=max_wait) as run:
        api, state, collected = client(config, engine, timeout), run.state("since_id"), cursors.now()
        since = since_of(state, collected)
        bound = since or {"start_time": _start(config)}
        token = state.get("next_token")
        newest = state.get("newest") if token else state.get("since_id")  # never moves back
        for _ in range(MAX_PAGES):
            within_budget(run, config)
            page = charge(run, fetch(run, api, query(config), **bound, **({"next_token": token} if token else {})))
            meta = page.get("meta") or {}
            seen = [int(meta["newest_id"])] if str(meta.get("newest_id", "")).isdigit() else []
            newest = str(cursors.advance(int(newest) if newest else None, seen, collected, id_at) or "") or None
            token = meta.get("next_token")
            resume = json.dumps({**since, "newest": newest, "next_token": token})
            run.store(normalise("x_page", page, config.hashtags.all, source="x"), cursor=resume if token else newest)
            _note_reach(run, page)
            if not token:
                break


def _start(config: Config) -> str:
    """The event's start, or as far back as recent search reaches (7 days)."""
    earliest = datetime.now(UTC) - timedelta(days=7) + timedelta(minutes=1)
    return max(config.event.start.astimezone(UTC), earliest).strftime("%Y-%m-%dT%H:%M:%SZ")


def _note_reach(run: Run, page: dict) -> None:
    times = [t.get("created_at") for t in page.get("data") or [] if isinstance(t, dict) and t.get("created_at")]
    if times:
        run.reached(datetime.fromisoformat(min(times).replace("Z", "+00:00")))


def jobs(config: Config) -> list[tuple[str, dict]]:
    return [(f"x:search:{query(config)}", {})]
