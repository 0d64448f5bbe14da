"""Release the demo day into the store on a clock, through the same path as live collection.

Each tick renders what the simulated clock has reached as API payloads per
network (and per Mastodon instance), normalises them and ingests them with a
cursor, recording a collector run — exactly what a collector does. Counts of
the last hour's posts are re-sent every few simulated minutes, as the
collectors' slower count refresh does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import Engine

from ..normalise import normalise
from ..settings.config import Config
from ..store.clock import set_clock
from ..store.engine import finish_run, ingest, start_run
from .payloads import bluesky_profiles, mastodon_status, search_page, snowflake, x_page
from .script import SimPost

log = logging.getLogger(__name__)
REFRESH_EVERY = 300  # simulated seconds between count refreshes
REFRESH_WINDOW = 3600


class Player:
    """Turns slices of the script into payloads and ingests them."""

    def __init__(self, config: Config, engine: Engine, posts: list[SimPost], archive: str | None = None):
        self.config, self.engine, self.posts = config, engine, posts
        self.tags = config.hashtags.all
        self.children: dict[int, list[SimPost]] = {}
        for p in posts:
            if p.parent:
                self.children.setdefault(p.parent.idx, []).append(p)
        self.instances = list(config.networks.mastodon.instances) or ["https://mastodon.social"]
        self.archive = Path(archive) if archive else None
        if self.archive:
            self.archive.mkdir(parents=True, exist_ok=True)
        self.last_refresh = 0.0
        self.profiled: set[str] = set()  # Bluesky authors whose profile the refresh has fetched

    def window(self, since: float, until: float) -> list[SimPost]:
        return [p for p in self.posts if since < p.ts <= until]

    def release(self, since: float, until: float) -> int:
        """Ingest the posts of (since, until]; re-send recent counts when due. Returns posts released."""
        fresh = self.window(since, until)
        if until - self.last_refresh >= REFRESH_EVERY:
            refresh = self.window(until - REFRESH_WINDOW, since)
            self.last_refresh = until
        else:
            refresh = []
        self._x([p for p in fresh + refresh if p.network == "x"], until)
        self._mastodon([p for p in fresh + refresh if p.network == "mastodon"], until)
        self._bluesky([p for p in fresh + refresh if p.network == "bluesky"], until)
        with self.engine.begin() as conn:
            set_clock(conn, until)
        return len(fresh)

    def _ingest(
        self,
        collector: str,
        kind: str,
        payload,
        source: str,
        cursor: str | None,
        archive: str | None,
        lines: Iterable | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            run_id = start_run(conn, collector)
        batch = normalise(kind, payload, self.tags, source=source)
        result = ingest(self.engine, batch, cursor=None if cursor is None else (collector, cursor))
        with self.engine.begin() as conn:
            finish_run(
                conn, run_id, fetched=result.fetched, new=result.new, updated=result.updated, errors=result.rejected
            )
        if self.archive and archive:
            with open(self.archive / archive, "a", encoding="utf-8") as out:
                for line in lines if lines is not None else [payload]:
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def _x(self, posts: list[SimPost], now: float) -> None:
        if posts:
            page = x_page(posts, self.children, now)
            self._ingest("demo:x", "x_page", page, "x", page["meta"]["newest_id"], "x.jsonl")

    def _mastodon(self, posts: list[SimPost], now: float) -> None:
        for instance in self.instances:
            seen = [p for p in posts if instance in self.seen_by(p)]
            if seen:
                statuses = [mastodon_status(p, instance, self.children, now) for p in sorted(seen, key=lambda p: -p.ts)]
                self._ingest(
                    f"demo:mastodon:{urlparse(instance).hostname}",
                    "mastodon_statuses",
                    statuses,
                    instance,
                    statuses[0]["id"],
                    "mastodon.jsonl",
                    lines=statuses,
                )

    def seen_by(self, post: SimPost) -> list[str]:
        """Which configured instances carry a status: its home, and others by federation (stable)."""
        home = post.persona.home
        out = [i for i in self.instances if urlparse(i).hostname == home]
        for i in self.instances:
            roll = int(hashlib.sha1(f"{i}|{post.idx}".encode()).hexdigest()[:4], 16) / 0xFFFF
            if i not in out and roll < 0.55:
                out.append(i)
        return out

    def _bluesky(self, posts: list[SimPost], now: float) -> None:
        if posts:
            page = search_page(posts, self.children, now, cursor=snowflake(max(posts, key=lambda p: p.ts)))
            if page["posts"]:
                self._ingest("demo:bluesky", "bluesky_search", page, "bluesky", page["cursor"], "bluesky.jsonl")
            self._profiles({p.persona.author_id: p.persona for p in posts if p.persona.author_id not in self.profiled})

    def _profiles(self, personas: dict) -> None:
        """The new Bluesky authors' profiles (their follower counts), 25 a request as the refresh asks for them."""
        found = list(personas.values())
        for i in range(0, len(found), 25):
            page = bluesky_profiles(found[i : i + 25])
            self._ingest("demo:bluesky:refresh", "bluesky_profiles", page, "bluesky", None, None)
        self.profiled.update(personas)


def load(player: Player, since: float, until: float, progress=None) -> float:
    """Release (since, until] at once, in 15-minute slices."""
    cursor = since
    while cursor < until:
        nxt = min(until, cursor + 900)
        released = player.release(cursor, nxt)
        if progress is not None:
            progress.update(released)
        cursor = nxt
    return cursor


def play(player: Player, begin: float, preload_until: float, end: float, speed: float, progress=None) -> float:
    """Load up to ``preload_until`` (to ``end`` at infinite speed) at once, then release live."""
    cursor = load(player, begin, end if speed == float("inf") else preload_until, progress)
    tick = max(1.0, player.config.networks.x.poll_seconds / speed / 4)
    started = time.monotonic()
    while cursor < end:
        time.sleep(tick)
        nxt = min(end, preload_until + (time.monotonic() - started) * speed)
        player.release(cursor, nxt)
        cursor = nxt
    return cursor
