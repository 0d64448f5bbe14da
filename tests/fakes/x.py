"""A fake X API v2 recent search serving real documented and recorded tweets."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import yaml

from .server import FakeServer, Reply


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

    def __init__(self, fixtures: Path, page_size: int = 4):
        self.tweets, self.users = {}, {}
        for page in recorded(fixtures):
            self.tweets.update({t["id"]: t for t in page["data"]})
            self.users.update({u["id"]: u for u in (page.get("includes") or {}).get("users", [])})
        self.page_size = page_size
        super().__init__(
            {("GET", "/2/tweets/search/recent"): self._search, ("GET", "/2/tweets"): self._lookup}, timeout_s=3
        )

    def _lookup(self, path, params, body):
        ids = params.get("ids", [""])[0].split(",")
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
        newest_first = sorted(self.tweets.values(), key=lambda t: -int(t["id"]))
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
        return Reply(
            {"data": page, "includes": {"users": users}, "meta": meta} if page else {"meta": meta},
            headers={"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449"},
        )
