"""A fake Bluesky PDS/AppView: createSession and searchPosts, serving variations of a real recorded PostView."""

from __future__ import annotations

import base64
import copy
import json
import time
from datetime import datetime
from pathlib import Path

from .server import FakeServer, Reply


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


def posts(fixtures: Path, tag: str, n: int) -> list[dict]:
    """``n`` PostViews (newest first) made from the real one, each carrying ``#tag`` as text and facet."""
    view = json.loads((fixtures / "bluesky/thread_view_post_with_embed_media.json").read_text())["thread"]["post"]
    out = []
    for i in range(n):
        v = copy.deepcopy(view)
        v["uri"] = v["uri"].rsplit("/", 1)[0] + f"/3kaheyt6v{i:05d}"
        text = f"post {i} #{tag}"
        v["record"]["text"] = text
        v["record"]["createdAt"] = f"2026-08-01T10:{i // 60:02d}:{i % 60:02d}.000Z"
        v["record"]["facets"] = [
            {
                "index": {"byteStart": text.index("#"), "byteEnd": len(text)},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
            }
        ]
        out.append(v)
    return sorted(out, key=lambda v: v["record"]["createdAt"], reverse=True)


def _time(post_or_stamp) -> datetime:
    """A post's createdAt, or a since/until parameter, as a time (searchPosts: since inclusive, until not)."""
    stamp = post_or_stamp["record"]["createdAt"] if isinstance(post_or_stamp, dict) else post_or_stamp
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


class FakeBluesky(FakeServer):
    def __init__(self, fixtures: Path, tag: str, n: int = 25, page_size: int = 10):
        self.posts, self.page_size, self.logins = posts(fixtures, tag, n), page_size, 0
        self.after_search = lambda: None  # a test's hook: the world changing between two pages
        super().__init__(
            {
                ("POST", "/xrpc/com.atproto.server.createSession"): self._login,
                ("GET", "/xrpc/app.bsky.feed.searchPosts"): self._search,
                ("GET", "/xrpc/app.bsky.feed.getPosts"): self._get,
            },
            timeout_s=3,
        )

    def _get(self, path, params, body):
        uris = set(params.get("uris", []))
        return Reply({"posts": [p for p in self.posts if p["uri"] in uris]})

    def _login(self, path, params, body):
        self.logins += 1
        return Reply(
            {"did": "did:plc:collector", "handle": "collector.test", "accessJwt": jwt(), "refreshJwt": jwt(86400)}
        )

    def _search(self, path, params, body):
        since, until = (params.get(k, [None])[0] for k in ("since", "until"))
        matching = [
            p for p in self.posts if (not since or _time(p) >= _time(since)) and (not until or _time(p) < _time(until))
        ]
        start = int(params.get("cursor", ["0"])[0])
        page = matching[start : start + self.page_size]
        reply = {"posts": page, "hitsTotal": len(matching)}
        if start + self.page_size < len(matching):
            reply["cursor"] = str(start + self.page_size)
        self.after_search()
        return Reply(reply)
