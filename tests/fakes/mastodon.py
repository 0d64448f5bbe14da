"""A fake Mastodon instance serving the real recorded statuses of the shared cassettes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

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


class FakeMastodon(FakeServer):
    """``statuses`` are served on every tag's timeline with min_id/max_id/since_id/limit paging."""

    def __init__(self, fixtures: Path, statuses: list[dict] | None = None):
        recorded_statuses, self.instance = recorded(fixtures)
        self.statuses = statuses if statuses is not None else recorded_statuses
        super().__init__(
            {
                ("GET", "/api/v2/instance"): self._instance,
                ("GET", "/api/v1/instance"): self._instance,
                ("GET", "/api/v1/timelines/tag/"): self._timeline,
                ("GET", "/api/v1/statuses/"): self._status,
            },
            timeout_s=3,
        )

    def _status(self, path, params, body):
        wanted = path.rstrip("/").rsplit("/", 1)[-1]
        found = next((s for s in self.statuses if str(s["id"]) == wanted), None)
        return Reply(copy.deepcopy(found)) if found else Reply({"error": "Record not found"}, 404)

    def _instance(self, path, params, body):
        return Reply(self.instance)

    def _timeline(self, path, params, body):
        limit = int(params.get("limit", ["20"])[0])
        ids = sorted((int(s["id"]), s) for s in self.statuses)
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
        return Reply(copy.deepcopy(page), headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299"})
