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

from summitpulse.analysis.health import x_usage
from summitpulse.normalise import normalise
from summitpulse.settings.config import Config
from summitpulse.settings.secrets import get_secret
from summitpulse.store import x_reads

from . import budget
from .retry import Fault, retrying
from .runs import Run, StopRun

API = "https://api.twitter.com"
MAX_PAGES = 30
PAGE = 100  # posts per page: recent search's and tweet lookup's maximum
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
    "media_fields": ["url", "preview_image_url", "type"],
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


def collect(config: Config, engine, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """Every page newer than the cursor (or back to the event's start), then the new cursor.

    A run stops after MAX_PAGES; each page is stored with the state that resumes the walk (the old
    since_id, the newest id seen, the next token), so a long backlog is finished by later runs —
    or by a killed run's successor — and the since_id moves to the newest only at the end.
    """
    name = f"x:search:{query(config)}"
    with Run(engine, name, sleep=sleep, max_wait=max_wait) as run:
        api, state = client(config, engine, timeout), run.state("since_id")
        since = {"since_id": state["since_id"]} if state["since_id"] else {"start_time": _start(config)}
        newest, token = state.get("newest"), state.get("next_token")
        for _ in range(MAX_PAGES):
            within_budget(run, config)
            page = charge(run, fetch(run, api, query(config), **since, **({"next_token": token} if token else {})))
            meta = page.get("meta") or {}
            newest = newest or meta.get("newest_id")
            token = meta.get("next_token")
            resume = json.dumps({"since_id": state["since_id"], "newest": newest, "next_token": token})
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
