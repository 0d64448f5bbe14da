"""A fake Bluesky PDS/AppView serving variations of a real recorded PostView, as Bluesky behaves.

What it models, and from where:
- ``app.bsky.feed.searchPosts`` (lexicons/app/bsky/feed/searchPosts.json): ``since`` (inclusive) and ``until``
  (not inclusive) filter on ``sortAt``, "which may not match createdAt" — the earlier of the record's
  ``createdAt`` and the view's ``indexedAt`` (the search service's rule: a post dated ahead sorts at the time
  it was indexed); ``sort=latest`` orders by it. The offset ``cursor`` "may not necessarily allow scrolling
  through entire result set": past ``cursor_cap`` posts (about 10,000 on the real service) there is no next
  cursor. Search needs a login: without a bearer token it answers 403 (public search is closed since 2025).
- Index lag: a post is searchable only from its ``indexedAt`` (``arrive(..., lag=)``), a moment after it is
  created; a post's ``createdAt`` is what its device's clock said (``skew``), which can be hours off.
- ``app.bsky.feed.getPosts`` and ``app.bsky.actor.getProfiles`` (lexicons app/bsky/feed/getPosts.json,
  app/bsky/actor/getProfiles.json): at most 25 uris or actors a call, more is a 400 InvalidRequest.
  ``getProfiles`` answers ``profileViewDetailed`` (``followersCount``).
- ``app.bsky.feed.getAuthorFeed`` (lexicons/app/bsky/feed/getAuthorFeed.json): the actor's feed newest first as
  ``feedViewPost`` items (a repost carries ``reason: reasonRepost`` and the original author's post), ``limit`` 1 to
  100 (more is a 400 InvalidRequest), an opaque ``cursor``; an actor it does not know answers 400 InvalidRequest
  "Profile not found" (the AppView's answer). What a test adds with ``history`` is served there with the actor's
  searchable posts.
- Rate limits (docs.bsky.app/docs/advanced-guides/rate-limits): a fixed window per client, ``RateLimit-Limit``,
  ``-Remaining``, ``-Reset`` (epoch seconds) and ``-Policy`` (``3000;w=300``) on every answer, 429
  ``RateLimitExceeded`` past it; createSession has its own window (30 per 5 minutes).
"""

from __future__ import annotations

import base64
import copy
import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from .mastodon import Window
from .server import FakeServer, Reply

MAX_ITEMS = 25  # getPosts uris, getProfiles actors


def jwt(seconds: int = 3600) -> str:
    """An unsigned but well-formed JWT with an ``exp`` claim, as the client decodes it."""
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return ".".join(
        [
            part({"alg": "ES256K", "typ": "at+jwt"}),
            part(
                {
                    "scope": "com.atproto.appPass",
                    "sub": "did:plc:collector",
                    "exp": int(time.time()) + seconds,
                    "iat": int(time.time()),
                }
            ),
            "c2lnbmF0dXJl",
        ]
    )


def stamp(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _view(fixtures: Path) -> dict:
    return json.loads((fixtures / "bluesky/thread_view_post_with_embed_media.json").read_text())["thread"]["post"]


def post(view: dict, i: int, tag: str, created: str, author: str | None = None) -> dict:
    """The real PostView as post ``i`` carrying ``#tag`` as text and facet, created (and indexed) at ``created``."""
    v = copy.deepcopy(view)
    v["uri"] = v["uri"].rsplit("/", 1)[0] + f"/3kaheyt6v{i:05d}"
    if author:
        v["uri"] = f"at://{author}/app.bsky.feed.post/3kaheyt6v{i:05d}"
        v["author"] = {**v["author"], "did": author, "handle": f"{author.rsplit(':', 1)[-1]}.bsky.social"}
    text = f"post {i} #{tag}"
    v["record"]["text"] = text
    v["record"]["createdAt"] = v["indexedAt"] = created
    v["record"]["facets"] = [
        {
            "index": {"byteStart": text.index("#"), "byteEnd": len(text)},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
        }
    ]
    return v


def posts(fixtures: Path, tag: str, n: int) -> list[dict]:
    """``n`` PostViews (newest first) made from the real one."""
    view = _view(fixtures)
    out = [post(view, i, tag, f"2026-08-01T10:{i // 60:02d}:{i % 60:02d}.000Z") for i in range(n)]
    return sorted(out, key=lambda v: v["record"]["createdAt"], reverse=True)


def _time(stamp_: str) -> datetime:
    return datetime.fromisoformat(stamp_.replace("Z", "+00:00"))


def sort_at(p: dict) -> datetime:
    """The earlier of ``createdAt`` and ``indexedAt``."""
    return min(_time(p["record"]["createdAt"]), _time(p["indexedAt"]))


class BlueskyWindow(Window):
    """A fixed window with Bluesky's headers: ``RateLimit-*``, reset in epoch seconds."""

    def headers(self, remaining: int, reset: float) -> dict:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(0, remaining)),
            "RateLimit-Reset": str(int(reset)),
            "RateLimit-Policy": f"{self.limit};w={int(self.period)}",
        }


class FakeBluesky(FakeServer):
    def __init__(
        self,
        fixtures: Path,
        tag: str,
        n: int = 25,
        page_size: int = 10,
        cursor_cap: int = 10_000,
        window: Window | None = None,
    ):
        self.view, self.tag = _view(fixtures), tag
        self.posts, self.page_size, self.cursor_cap, self.logins = posts(fixtures, tag, n), page_size, cursor_cap, 0
        self.window, self.session_window = window or BlueskyWindow(3000, 300), BlueskyWindow(30, 300)
        self.followers: dict[str, int] = {}  # did → followersCount, for getProfiles
        self.profile_asks: list[list[str]] = []
        self.own: dict[str, list[dict]] = {}  # did → feed items on the actor's profile only (``history``)
        self.lock = threading.Lock()
        self.after_search = lambda: None  # a test's hook: the world changing between two pages
        super().__init__(
            {
                ("POST", "/xrpc/com.atproto.server.createSession"): self._login,
                ("GET", "/xrpc/app.bsky.feed.searchPosts"): self._search,
                ("GET", "/xrpc/app.bsky.feed.getPosts"): self._get,
                ("GET", "/xrpc/app.bsky.actor.getProfiles"): self._profiles,
                ("GET", "/xrpc/app.bsky.feed.getAuthorFeed"): self._author_feed,
            },
            timeout_s=3,
        )

    def arrive(self, i: int, created: float, lag: float = 0.0, skew: float = 0.0, author: str | None = None) -> dict:
        """Post ``i``, created at ``created`` (epoch seconds) by a device whose clock is ``skew`` seconds off,
        searchable ``lag`` seconds later."""
        p = post(self.view, i, self.tag, stamp(created + skew), author)
        p["indexedAt"] = stamp(created + lag)
        with self.lock:
            self.posts.insert(0, p)
        return p

    def history(self, i: int, did: str, created: float, repost: bool = False) -> dict:
        """A feed item on ``did``'s profile only: their post ``i`` created at ``created``, or with ``repost`` their
        repost then of someone else's post."""
        view = post(self.view, i, "elsewhere", stamp(created), "did:plc:someoneelse" if repost else did)
        item = {"post": view}
        if repost:
            who = {k: self.view["author"][k] for k in ("did", "handle")}
            item["reason"] = {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": {**who, "did": did},
                "indexedAt": stamp(created),
            }
        with self.lock:
            self.own.setdefault(did, []).append(item)
        return item

    def _author_feed(self, path, params, body):
        actor, limit = params.get("actor", [""])[0], int(params.get("limit", ["50"])[0])
        if not 1 <= limit <= 100:
            return Reply({"error": "InvalidRequest", "message": "limit must be less than or equal to 100"}, 400)
        with self.lock:
            own = list(self.own.get(actor, []))
        items = [{"post": p} for p in self.visible() if p["author"]["did"] == actor] + own
        if not items:
            return Reply({"error": "InvalidRequest", "message": "Profile not found"}, 400)
        when = lambda item: _time(item["reason"]["indexedAt"]) if "reason" in item else sort_at(item["post"])  # noqa: E731
        items.sort(key=when, reverse=True)
        start = int(params.get("cursor", ["0"])[0])
        reply = {"feed": items[start : start + limit]}
        if start + limit < len(items):
            reply["cursor"] = str(start + limit)
        return Reply(reply)

    def visible(self) -> list[dict]:
        """The posts indexed by now, newest ``sortAt`` first."""
        now = datetime.now(UTC)
        with self.lock:
            return sorted((p for p in self.posts if _time(p["indexedAt"]) <= now), key=sort_at, reverse=True)

    def limit(self, path: str) -> tuple[Reply | None, dict]:
        window = self.session_window if path.endswith("createSession") else self.window
        remaining, reset = window.count(time.time())
        refusal = Reply({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429)
        return (refusal if remaining < 0 else None), window.headers(remaining, reset)

    def _too_many(self, items: list) -> Reply | None:
        if len(items) > MAX_ITEMS:
            return Reply({"error": "InvalidRequest", "message": f"Array too long (maxLength {MAX_ITEMS})"}, 400)
        return None

    def _get(self, path, params, body):
        uris = params.get("uris", [])
        return self._too_many(uris) or Reply({"posts": [p for p in self.visible() if p["uri"] in set(uris)]})

    def _profiles(self, path, params, body):
        actors = params.get("actors", [])
        self.profile_asks.append(actors)
        authors = {p["author"]["did"]: p["author"] for p in self.visible()}
        found = [
            {**authors[a], "followersCount": self.followers.get(a, 0), "followsCount": 3, "postsCount": 9}
            for a in actors
            if a in authors
        ]
        return self._too_many(actors) or Reply({"profiles": found})

    def _login(self, path, params, body):
        self.logins += 1
        return Reply(
            {"did": "did:plc:collector", "handle": "collector.test", "accessJwt": jwt(), "refreshJwt": jwt(86400)}
        )

    def _search(self, path, params, body):
        if not self.authorised:
            return Reply({"error": "Forbidden", "message": "search requires authentication"}, 403)
        since, until = (params.get(k, [None])[0] for k in ("since", "until"))
        matching = [
            p
            for p in self.visible()
            if (not since or sort_at(p) >= _time(since)) and (not until or sort_at(p) < _time(until))
        ]
        start = int(params.get("cursor", ["0"])[0])
        page = matching[start : start + self.page_size]
        reply = {"posts": page, "hitsTotal": len(matching)}
        if start + self.page_size < min(len(matching), self.cursor_cap):
            reply["cursor"] = str(start + self.page_size)
        self.after_search()
        return Reply(reply)
