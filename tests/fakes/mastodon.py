"""A fake Mastodon instance serving the real recorded statuses of the shared cassettes, as Mastodon behaves.

What it models, and from where:
- Status ids are ``Mastodon::Snowflake`` ids (lib/mastodon/snowflake.rb): 48 bits of milliseconds, 16 of
  sequence. A status that federates in late keeps the id of its creation time (``Snowflake::Callbacks``:
  ``record.id = Mastodon::Snowflake.id_at(record.created_at)`` when created_at is in the past), so it appears
  on the timeline behind statuses already served (``arrive``).
- Rate limits (docs.joinmastodon.org/api/rate-limits; config/initializers/rack_attack.rb): every ``/api``
  request counts in a fixed window (300 per 5 minutes), a paging one (``min_id``, ``max_id``, ``since_id``,
  ``page``) in another as well (300 per 15 minutes); each answer carries ``X-RateLimit-Limit``,
  ``-Remaining`` and ``-Reset`` (the window's end, ISO 8601 with microseconds); past the limit the answer is
  429 with ``Remaining: 0`` (Rack::Attack's throttled responder). ``over_budget`` counts requests that
  arrived with the window already spent.
- ``GET /api/v1/statuses?id[]=`` (docs: methods/statuses#index, added in 4.3.0) answers the statuses that
  exist, at most 20 ids (``DEFAULT_STATUSES_LIMIT``; more is a 422 ValidationError); a ``version`` below 4.3
  answers 404 there, as the route does not exist.
- Hashtag timelines refused to anonymous readers (4.5's ``timelines_access``, admin setting): 401 without a
  token when ``refuse_anonymous``.
- An account's own statuses (docs: methods/accounts#lookup, methods/accounts#statuses): ``GET
  /api/v1/accounts/lookup?acct=`` answers the Account the instance knows (``user`` for its own, ``user@domain``
  for others; 404 "Record not found" otherwise, no WebFinger); ``GET /api/v1/accounts/:id/statuses`` its statuses
  newest first, ``limit`` at most 40 (``DEFAULT_STATUSES_LIMIT * 2``), ``max_id``/``since_id`` paging,
  ``exclude_reblogs``. What a test adds with ``history`` (statuses not on any tag timeline) is served there too.
- Streaming (``/api/v1/streaming/hashtag``, server-sent events; docs: methods/streaming): ``update`` events
  with the status as JSON, for a request with a token, once the status has arrived.
"""

from __future__ import annotations

import copy
import json
import random
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import yaml

from .server import FakeServer, Reply


def recorded(fixtures: Path) -> tuple[list[dict], dict]:
    """The 30 real statuses of the pagination cassette (newest first) and the instance document."""
    cassette = yaml.safe_load((fixtures / "mastodon/test_pagination_iterator.yaml").read_text())
    statuses, instance = {}, None
    for i in cassette["interactions"]:
        uri, body = i["request"]["uri"], i["response"]["body"]["string"]
        if "timelines/tag" in uri:
            statuses.update({s["id"]: s for s in json.loads(body)})
        elif uri.endswith("/api/v2/instance/"):
            instance = json.loads(body)
    return sorted(statuses.values(), key=lambda s: -int(s["id"])), instance


PAGING_PARAMS = {"min_id", "max_id", "since_id", "page"}  # Rack::Attack::Request#paging_request?


def snowflake(when: float, rng: random.Random) -> int:
    """``Mastodon::Snowflake.id_at(timestamp)``: whole seconds in ms plus random ms, shifted, plus a random tail."""
    return ((int(when) * 1000 + rng.randrange(1000)) << 16) + rng.randrange(2**16)


class Window:
    """Rack::Attack's fixed window: ``limit`` requests per ``period`` seconds, aligned to the epoch."""

    def __init__(self, limit: int = 300, period: float = 300.0):
        self.limit, self.period = limit, period
        self.counts: dict[int, int] = {}
        self.over_budget, self.lock = 0, threading.Lock()

    def count(self, now: float) -> tuple[int, float]:
        """Count one request: (remaining after it, the window's end); remaining < 0 means refused."""
        with self.lock:
            key = int(now // self.period)
            self.counts[key] = self.counts.get(key, 0) + 1
            remaining = self.limit - self.counts[key]
            if remaining < 0:
                self.over_budget += 1
            return remaining, (key + 1) * self.period

    def headers(self, remaining: int, reset: float) -> dict:
        stamp = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, remaining)),
            "X-RateLimit-Reset": stamp,
        }

    def busiest(self) -> int:
        return max(self.counts.values(), default=0)


class FakeMastodon(FakeServer):
    """``statuses`` are served on every tag's timeline with min_id/max_id/since_id/limit paging."""

    def __init__(
        self,
        fixtures: Path,
        statuses: list[dict] | None = None,
        window: Window | None = None,
        paging: Window | None = None,
        version: str = "4.3.0",
        seed: int = 1,
    ):
        recorded_statuses, self.instance = recorded(fixtures)
        self.instance = {**self.instance, "version": version}
        self.statuses = statuses if statuses is not None else recorded_statuses
        self.window, self.version, self.rng = window or Window(), version, random.Random(seed)
        self.paging = paging or Window(300, 900)
        self.arrival: dict[str, float] = {}  # status id → when it reaches this instance (absent: already here)
        self.own: list[dict] = []  # statuses on their authors' profiles only (``history``)
        self.refuse_anonymous, self.lock = False, threading.Lock()
        super().__init__(
            {
                ("GET", "/api/v2/instance"): self._instance,
                ("GET", "/api/v1/instance"): self._instance,
                ("GET", "/api/v1/timelines/tag/"): self._timeline,
                ("GET", "/api/v1/statuses/"): self._status,
                ("GET", "/api/v1/statuses"): self._statuses,
                ("GET", "/api/v1/streaming/hashtag"): self._stream,
                ("GET", "/api/v1/accounts/lookup"): self._lookup,
                ("GET", "/api/v1/accounts/"): self._account_statuses,
            },
            timeout_s=3,
        )

    def arrive(self, status: dict, created: float, delay: float = 0.0) -> dict:
        """Add ``status``, created at ``created`` (epoch seconds, by its server's clock) and reaching this instance
        ``delay`` seconds later, with the id Mastodon gives it: from its creation time, or its arrival if that
        is earlier (a clock ahead)."""
        arrival = created + delay
        status = {  # Callbacks.around_create: a created_at not in the past gets the id of now
            **status,
            "id": str(snowflake(min(created, arrival), self.rng)),
            "created_at": datetime.fromtimestamp(created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        with self.lock:
            self.arrival[status["id"]] = arrival
            self.statuses.insert(0, status)
        return status

    def history(self, status: dict, account: dict, created: float, reblog: bool = False) -> dict:
        """A status by ``account`` created at ``created``, on its profile only (a reblog of ``status`` with
        ``reblog``)."""
        stamp = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        made = {
            **copy.deepcopy(status),
            "id": str(snowflake(created, self.rng)),
            "created_at": stamp,
            "account": account,
        }
        made["reblog"] = copy.deepcopy(status) if reblog else None
        with self.lock:
            self.own.append(made)
        return made

    def _known(self) -> list[dict]:
        """Every status the instance has: on timelines and on profiles."""
        with self.lock:
            own = list(self.own)
        return self.visible() + own

    def _lookup(self, path, params, body):
        wanted = params.get("acct", [""])[0].lstrip("@").casefold()
        for s in self._known():
            acct = s["account"]["acct"].casefold()
            local = "" if "@" in acct else f"{acct}@{urlparse(s['account']['url']).hostname}"  # its LOCAL_DOMAIN
            if wanted in (acct, local):
                return Reply(copy.deepcopy(s["account"]))
        return Reply({"error": "Record not found"}, 404)

    def _account_statuses(self, path, params, body):
        account_id = path.split("/")[4]
        limit = min(int(params.get("limit", ["20"])[0]), 40)
        mine = [s for s in self._known() if str(s["account"]["id"]) == account_id]
        if params.get("exclude_reblogs", ["false"])[0] in ("true", "1", "True"):
            mine = [s for s in mine if not s.get("reblog")]
        if "max_id" in params:
            mine = [s for s in mine if int(s["id"]) < int(params["max_id"][0])]
        if "since_id" in params:
            mine = [s for s in mine if int(s["id"]) > int(params["since_id"][0])]
        return Reply(copy.deepcopy(sorted(mine, key=lambda s: -int(s["id"]))[:limit]))

    def visible(self, now: float | None = None) -> list[dict]:
        """The statuses that have reached the instance by ``now``."""
        now = time.time() if now is None else now
        with self.lock:
            return [s for s in self.statuses if self.arrival.get(str(s["id"]), 0) <= now]

    def limit(self, path: str) -> tuple[Reply | None, dict]:
        """Count an /api request in its windows (the streaming server is not throttled by Rack::Attack); the
        headers speak of the one closest to its limit (app/controllers/concerns/api/rate_limit_headers.rb)."""
        if not path.startswith("/api/") or path.startswith("/api/v1/streaming"):
            return None, {}
        now, paging = time.time(), PAGING_PARAMS & set(self.local.query)
        counted = [(w, *w.count(now)) for w in ([self.window, self.paging] if paging else [self.window])]
        window, remaining, reset = min(counted, key=lambda c: c[1])
        return (Reply({"error": "Too many requests"}, 429) if remaining < 0 else None), window.headers(remaining, reset)

    def _status(self, path, params, body):
        wanted = path.rstrip("/").rsplit("/", 1)[-1]
        found = next((s for s in self.visible() if str(s["id"]) == wanted), None)
        return Reply(copy.deepcopy(found)) if found else Reply({"error": "Record not found"}, 404)

    def _statuses(self, path, params, body):
        if tuple(int(p) for p in self.version.split(".")[:2]) < (4, 3):
            return Reply({"error": "Not Found"}, 404)
        ids = list(dict.fromkeys(params.get("id[]", [])))
        if len(ids) > 20:
            return Reply({"error": "Validation failed"}, 422)
        by_id = {str(s["id"]): s for s in self.visible()}
        return Reply([copy.deepcopy(by_id[i]) for i in ids if i in by_id])

    def _instance(self, path, params, body):
        """The instance document; v1's names this server as the streaming API."""
        if path.startswith("/api/v1/"):
            return Reply({**self.instance, "urls": {"streaming_api": self.url}})
        return Reply(self.instance)

    def _timeline(self, path, params, body):
        if self.refuse_anonymous and not self.authorised:
            return Reply({"error": "This API requires an authenticated user"}, 401)
        limit = int(params.get("limit", ["20"])[0])
        ids = sorted((int(s["id"]), s) for s in self.visible())
        if "min_id" in params:  # the page right after min_id, returned newest first
            after = [s for i, s in ids if i > int(params["min_id"][0])][:limit]
            page = list(reversed(after))
        else:
            newest_first = [s for i, s in reversed(ids)]
            if "max_id" in params:
                newest_first = [s for s in newest_first if int(s["id"]) < int(params["max_id"][0])]
            if "since_id" in params:
                newest_first = [s for s in newest_first if int(s["id"]) > int(params["since_id"][0])]
            page = newest_first[:limit]
        return Reply(copy.deepcopy(page))

    def _stream(self, path, params, body):
        if not self.authorised:
            return Reply({"error": "Missing access token"}, 401)
        return Reply(stream=self._events)

    def _events(self, write) -> None:
        """Server-sent ``update`` events for each status as it arrives, until the client leaves."""
        sent = {str(s["id"]) for s in self.visible()}
        while True:
            for s in self.visible():
                if str(s["id"]) not in sent:
                    sent.add(str(s["id"]))
                    write(f"event: update\ndata: {json.dumps(s)}\n\n".encode())
            write(b":thump\n\n")
            time.sleep(0.05)
