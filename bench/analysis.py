"""Analysis speed: everything the live screen needs per refresh, at 10k, 100k and 1M posts.

Builds a store of demo posts through the real path (payloads → normalise →
ingest) with one participant per ten posts, then grows it to the larger sizes
by copying those rows under new ids (new posts by new people, same day), and
times each query the live screen makes on a refresh — the first refresh (which
builds the incremental tallies) and a steady refresh after 1,000 new posts.
Goal: ≤ 0.5 s per refresh at 1M posts.

    .venv/bin/python -m bench.analysis [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.ingest import payloads
from summitpulse.analysis import contributors, wall
from summitpulse.analysis.completeness import estimate
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.tallies import Tallies
from summitpulse.normalise import normalise
from summitpulse.normalise.models import Batch
from summitpulse.settings.config import load_config
from summitpulse.store import schema
from summitpulse.store.clock import now_ts, set_clock
from summitpulse.store.engine import ingest, open_store

ROOT = Path(__file__).resolve().parent.parent

COPIED = {
    "posts": ("native_id", "author_id"),
    "authors": ("author_id",),
    "post_tags": ("native_id",),
    "post_mentions": ("native_id",),
    "post_links": ("native_id",),
    "sightings": ("native_id",),
}


class LiveScreen:
    """The queries one refresh of the live screen makes (pages/live.py through ui/data.py), timed."""

    def __init__(self, engine, config):
        self.engine, self.config, self.tallies, self.timings = engine, config, Tallies(config), {}

    def refresh(self) -> None:
        with self.engine.connect() as conn:
            now = self._time("clock", now_ts, conn)
            self._time("tallies update", self.tallies.update, conn)
            self._time("headline counters", self.tallies.headline, (), now)
            self._time("in room vs remote", self.tallies.split)
            self._time("… over time", self.tallies.split_over_time, int(self.config.event.start.timestamp()) - 3 * 3600)
            last_hour = Filters(now - 3600, now + 1)
            self._time("theme pulse (last hour)", self.tallies.theme_totals, now - 3600, now + 1)
            self._time("latest posts (wall)", wall.wall, conn, self.config, Filters(), now, 3)
            self._time("leaders (last hour)", contributors.leaders, conn, self.config, last_hour, 3)

    def _time(self, label: str, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        self.timings[label] = time.perf_counter() - started
        return result


def seed(engine, config, posts: int) -> None:
    """``posts`` demo posts through the real ingest path, one author per ten posts."""
    for kind, payload in payloads(config, posts, cast_size=max(350, posts // 10)):
        batch = Batch()
        batch.extend(normalise(kind, payload, config.hashtags.all, source="bench"))
        ingest(engine, batch)


def grow(engine, copies: int) -> None:
    """Copy every row ``copies`` times under ids suffixed ``~k``: more posts by more people."""
    with engine.begin() as conn:
        for k in range(1, copies):
            for name, suffixed in COPIED.items():
                cols = [c.name for c in schema.metadata.tables[name].columns]
                picks = ", ".join(f"{c} || '~{k}'" if c in suffixed else c for c in cols)
                original = suffixed[0]  # rows of the seed have no '~' in it
                conn.execute(
                    text(
                        f"INSERT INTO {name} ({', '.join(cols)}) SELECT {picks} FROM {name} "
                        f"WHERE {original} NOT LIKE '%~%'"
                    )
                )


def add_posts(engine, config, count: int, tag: str) -> None:
    """``count`` new posts (copies of recent ones under new ids), as a collector would add between refreshes."""
    cols = [c.name for c in schema.posts.columns]
    now = int(time.time())
    picks = ", ".join(
        f"native_id || '-{tag}'" if c == "native_id" else str(now) if c in ("updated_ts", "collected_ts") else c
        for c in cols
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO posts ({', '.join(cols)}) SELECT {picks} FROM posts "
                f"ORDER BY created_ts DESC LIMIT {count}"
            )
        )


def timed(label: str, fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    seconds = time.perf_counter() - started
    print(f"    {label:<34} {seconds * 1000:8.0f} ms", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    config = load_config(ROOT / "config.yaml")
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for size in sizes:
            engine = open_store(f"sqlite:///{tmp}/analysis-{size}.db")
            t = time.perf_counter()
            seed(engine, config, min(size, 100_000))
            with engine.connect() as conn:
                seeded = conn.execute(text("SELECT count(*) FROM posts")).scalar()
            grow(engine, max(1, round(size / seeded)))
            with engine.begin() as conn:  # a store in steady state: collected an hour ago, not a moment ago
                for table in ("posts", "authors"):
                    conn.execute(text(f"UPDATE {table} SET updated_ts = updated_ts - 3600"))
                conn.execute(text("UPDATE posts SET collected_ts = collected_ts - 3600"))
                set_clock(conn, conn.execute(text("SELECT max(created_ts) FROM posts")).scalar())
                stored = conn.execute(text("SELECT count(*) FROM posts")).scalar()
                people = conn.execute(text("SELECT count(*) FROM authors")).scalar()
            print(f"{stored:,} posts by {people:,} people (built in {time.perf_counter() - t:.0f} s, not timed)")
            screen = LiveScreen(engine, config)
            first = timed("first refresh (builds the tallies)", screen.refresh)
            add_posts(engine, config, 1000, "new")
            steady = timed("refresh after 1,000 new posts", screen.refresh)
            for label, seconds in screen.timings.items():
                print(f"      {label:<32} {seconds * 1000:8.0f} ms")
            with engine.connect() as conn:
                timed("completeness (background, every 30 s)", estimate, conn)
            results[stored] = (first, steady)
        print("\nposts        first refresh   steady refresh   goal ≤ 0.5 s")
        for stored, (first, steady) in results.items():
            print(f"{stored:>9,}   {first:10.2f} s   {steady:12.3f} s   {'met' if steady <= 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
