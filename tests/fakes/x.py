"""A fake X API v2 (recent search, tweet lookup) serving real documented and recorded tweets, as X behaves.

What it models, and from where:
- Tweet ids are snowflakes (developer.x.com "Twitter IDs"): milliseconds since the Twitter epoch
  (1288834974657) shifted left 22 bits; X assigns them and ``created_at`` itself when a post is created, so a
  device's wrong clock changes neither. A post reaches recent search a moment later (``arrive(..., lag=)``), so
  it can appear behind posts with higher ids already read: ``since_id`` alone would skip it.
- Rate limits (docs.x.com/x-api/fundamentals/rate-limits): per endpoint and app, a 15-minute window (450 for
  recent search; tweet lookup has its own); every answer carries ``x-rate-limit-limit``, ``-remaining`` and ``-reset`` (epoch seconds); past it, 429 with the problem
  body ``{"title": "Too Many Requests", ...}``.
- Tweet lookup (``GET /2/tweets``) takes at most 100 ids; more is a 400.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from .mastodon import Window
from .server import FakeServer, Reply

TWITTER_EPOCH_MS = 1288834974657


def snowflake(when: float, sequence: int = 0) -> str:
    return str(((int(when * 1000) - TWITTER_EPOCH_MS) << 22) + sequence)


class XWindow(Window):
    """A fixed window with X's headers: ``x-rate-limit-*``, reset in epoch seconds."""

    def headers(self, remaining: int, reset: float) -> dict:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(max(0, remaining)),
            "x-rate-limit-reset": str(int(reset)),
        }


def recorded(fixtures: Path) -> list[dict]:
    """Real response pages: the tweepy search cassette and the docs' examples with users."""
    pages = [
        json.loads((fixtures / "x" / name).read_text())
        for name in (
            "docs_tweets_with_users.json",
            "docs_tweets_with_users_and_referenced.json",
            "docs_tweets_with_users_and_referenced_2.json",
            "docs_recent_search_with_users.json",
        )
    ]
    cassette = yaml.safe_load((fixtures / "x/test_client_search_recent_tweets.yaml").read_text())
    pages.append(json.loads(gzip.decompress(cassette["interactions"][0]["response"]["body"]["string"])))
    return pages


class FakeX(FakeServer):
    """Tweets (newest first) with their users, paged by max_results/next_token, filtered by since_id."""

    def __init__(self, fixtures: Path, page_size: int = 4, window: Window | None = None):
        self.tweets, self.users = {}, {}
        for page in recorded(fixtures):
            self.tweets.update({t["id"]: t for t in page["data"]})
            self.users.update({u["id"]: u for u in (page.get("includes") or {}).get("users", [])})
        self.page_size, self.window = page_size, window or XWindow(450, 900)  # recent search, per app
        self.lookup_window = XWindow(300, 900)  # tweet lookup: its own window
        self.searchable: dict[str, float] = {}  # tweet id → when search finds it (absent: already)
        self.lock = threading.Lock()
        super().__init__(
            {("GET", "/2/tweets/search/recent"): self._search, ("GET", "/2/tweets"): self._lookup}, timeout_s=3
        )

    def arrive(self, like: dict, created: float, lag: float = 0.0, sequence: int = 0) -> dict:
        """A tweet like ``like``, created at ``created`` (its id and created_at X's), searchable ``lag`` s later."""
        tweet = {
            **like,
            "id": snowflake(created, sequence),
            "created_at": datetime.fromtimestamp(created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        with self.lock:
            self.tweets[tweet["id"]] = tweet
            self.searchable[tweet["id"]] = created + lag
        return tweet

    def limit(self, path: str) -> tuple[Reply | None, dict]:
        window = self.lookup_window if path.rstrip("/") == "/2/tweets" else self.window
        remaining, reset = window.count(time.time())
        refusal = Reply(
            {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}, 429
        )
        return (refusal if remaining < 0 else None), window.headers(remaining, reset)

    def _lookup(self, path, params, body):
        ids = params.get("ids", [""])[0].split(",")
        if len(ids) > 100:
            return Reply({"title": "Invalid Request", "detail": "ids: at most 100", "status": 400}, 400)
        found = [self.tweets[i] for i in ids if i in self.tweets]
        errors = [
            {
                "resource_id": i,
                "resource_type": "tweet",
                "title": "Not Found Error",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
            for i in ids
            if i not in self.tweets
        ]
        users = [self.users[t["author_id"]] for t in found if t.get("author_id") in self.users]
        return Reply({"data": found, "includes": {"users": users}, "errors": errors} if found else {"errors": errors})

    def _search(self, path, params, body):
        now = time.time()
        with self.lock:
            found = [t for t in self.tweets.values() if self.searchable.get(t["id"], 0) <= now]
        newest_first = sorted(found, key=lambda t: -int(t["id"]))
        if "since_id" in params:
            newest_first = [t for t in newest_first if int(t["id"]) > int(params["since_id"][0])]
        start = int(params.get("next_token", ["0"])[0])
        page = newest_first[start : start + self.page_size]
        meta = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if start + self.page_size < len(newest_first):
            meta["next_token"] = str(start + self.page_size)
        users = [self.users[t["author_id"]] for t in page if t.get("author_id") in self.users]
        return Reply({"data": page, "includes": {"users": users}, "meta": meta} if page else {"meta": meta})
