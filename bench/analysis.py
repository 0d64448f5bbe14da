"""Live screen speed: everything one refresh asks, at 10k, 100k and 1M posts.

Builds a store of demo posts through the real path (payloads → normalise → ingest, the figures kept as they
arrive) with one participant per ten posts, grows it to the larger sizes by copying those rows under new ids (new
posts by new people, same day) and rebuilds the figures of the copies (``summitpulse rebuild``), then times each
query the live screen makes on a refresh (pages/live.py through ui/data.py) in a new process with nothing cached
— its first refresh — and again after a collector has written 1,000 new posts. Goals at 1M posts: the first
refresh ≤ 2 s, every later one ≤ 0.3 s. Baseline printed beside them, from the same run: counting the posts.

    .venv/bin/python -m bench.analysis [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import orjson
from sqlalchemy import select, text

from bench.ingest import payloads
from bench.results import record
from summitpulse.analysis import contributors, metrics, people, themes, wall
from summitpulse.analysis.completeness import estimate
from summitpulse.analysis.filters import Filters
from summitpulse.figures import rebuild_store
from summitpulse.normalise import normalise
from summitpulse.normalise.models import Batch, Post
from summitpulse.settings.config import load_config
from summitpulse.store import schema
from summitpulse.store.clock import event_now, set_clock
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
        self.engine, self.config, self.timings = engine, config, {}

    def refresh(self) -> None:
        c = self.config
        with self.engine.connect() as conn:
            now = self._time("clock", event_now, conn)
            last_hour = Filters(now - 3600, now + 1)
            self._time("headline counters", metrics.headline, conn, c, Filters(), now)
            self._time("in room vs remote", people.split, conn, c, Filters())
            self._time("… over time", people.split_over_time, conn, c, 900, int(c.event.start.timestamp()) - 3 * 3600)
            self._time("theme pulse (last hour)", themes.totals, conn, c, last_hour)
            self._time("latest posts (wall)", wall.wall, conn, c, Filters(), now, 3)
            self._time("leaders (last hour)", contributors.leaders, conn, c, last_hour, 3)

    def _time(self, label: str, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        self.timings[label] = time.perf_counter() - started
        return result


def seed(engine, config, posts: int) -> None:
    """``posts`` demo posts through the real ingest path, one author per ten posts, twenty pages a transaction."""
    work = payloads(config, posts, cast_size=max(350, posts // 10))
    for i in range(0, len(work), 20):
        batch = Batch()
        for kind, payload in work[i : i + 20]:
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
    """``count`` new posts (copies of the latest under new ids), written as a collector writes them: a page (100
    posts) per transaction, the figures kept in it."""
    with engine.connect() as conn:
        latest = conn.execute(select(schema.posts).order_by(schema.posts.c.created_ts.desc()).limit(count)).all()
    posts = [
        Post(
            network=r.network,
            native_id=f"{r.native_id}-{tag}",
            author_id=r.author_id,
            created_at=r.created_at,
            text=r.text,
            hashtags=orjson.loads(r.hashtags),
            reply_to=r.reply_to,
            reply_to_author=r.reply_to_author,
            repost_of=r.repost_of,
            quote_of=r.quote_of,
            like_count=r.like_count,
            source="bench",
        )
        for r in latest
    ]
    for i in range(0, len(posts), 100):
        ingest(engine, Batch(posts=posts[i : i + 100]))


def stored_posts(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM posts")).scalar()


def build(path: str, config, size: int, keep: str | None = None) -> tuple[object, float | None]:
    """A store of ``size`` posts with its figures; returns it and the seconds its rebuild took. With ``keep``, a
    folder where a store built before is taken from (no rebuild then: None), or this one is left for next time."""
    kept = Path(keep) / f"store-{size}.db" if keep else None
    if kept and kept.exists():
        shutil.copyfile(kept, path)
        return open_store(f"sqlite:///{path}", config), None
    engine = open_store(f"sqlite:///{path}", config)
    seed(engine, config, min(size, 100_000))
    grow(engine, max(1, round(size / stored_posts(engine))))
    with engine.begin() as conn:  # a store in steady state: collected an hour ago, not a moment ago
        for table in ("posts", "authors"):
            conn.execute(text(f"UPDATE {table} SET updated_ts = updated_ts - 3600"))
        conn.execute(text("UPDATE posts SET collected_ts = collected_ts - 3600"))
        set_clock(conn, conn.execute(text("SELECT max(created_ts) FROM posts")).scalar())
    started = time.perf_counter()
    rebuild_store(engine, config)  # the copies' figures (copying bypassed the write path)
    rebuilt = time.perf_counter() - started
    if kept:
        engine.dispose()  # its last connection checkpoints the WAL into the file
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, kept)
    return engine, rebuilt


def timed(label: str, fn, *args) -> tuple[float, float]:
    """Wall seconds of ``fn(*args)``, printed beside this process's CPU seconds (on a machine others are using,
    the wall time also counts the time they had the CPU)."""
    started, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"    {label:<34} {seconds * 1000:8.0f} ms (CPU {cpu * 1000:.0f} ms)", flush=True)
    return seconds, cpu


def count_posts(engine) -> float:
    """The baseline: counting the store's posts and their newest time, straight from the posts table."""
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*), max(created_ts) FROM posts")).one()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--keep", metavar="DIR", help="reuse the stores built into DIR before (or keep them there)")
    args = parser.parse_args()
    config = load_config(ROOT / "config.yaml")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            t = time.perf_counter()
            engine, rebuilt = build(f"{tmp}/analysis-{size}.db", config, size, args.keep)
            stored = stored_posts(engine)
            how = "taken from --keep" if rebuilt is None else f"its figures rebuilt in {rebuilt:.1f} s"
            print(f"{stored:,} posts (built in {time.perf_counter() - t:.0f} s, {how})")
            engine.dispose()
            engine = open_store(f"sqlite:///{tmp}/analysis-{size}.db", config)  # a new process: nothing cached
            baseline = count_posts(engine)
            screen = LiveScreen(engine, config)
            first = timed("first refresh of a new process", screen.refresh)
            add_posts(engine, config, 1000, "new")
            later = timed("refresh after 1,000 new posts", screen.refresh)
            for label, seconds in screen.timings.items():
                print(f"      {label:<32} {seconds * 1000:8.0f} ms")
            with engine.connect() as conn:
                timed("completeness (background, every 30 s)", estimate, conn)
            results[stored] = (first, later, baseline, rebuilt)
    lines = [
        "| posts | first refresh (goal ≤ 2 s at 1M) | later refresh (goal ≤ 0.3 s) | baseline: count the posts | rebuild |",
        "|---:|---:|---:|---:|---:|",
    ]
    print("\nposts        first refresh   later refresh   baseline (count posts)   rebuild")
    for stored, ((first, first_cpu), (later, later_cpu), baseline, rebuilt) in results.items():
        ok = "met" if first <= 2 and later <= 0.3 else "NOT met"
        print(f"{stored:>9,}   {first:10.2f} s   {later:11.3f} s   {baseline:14.3f} s   {rebuilt or 0:8.1f} s   {ok}")
        rebuild = "—" if rebuilt is None else f"{rebuilt:.1f} s"
        lines.append(
            f"| {stored:,} | {first:.2f} s (CPU {first_cpu:.2f} s) | {later:.3f} s (CPU {later_cpu:.3f} s) "
            f"| {baseline:.3f} s | {rebuild} |"
        )
    record("analysis", "bench/analysis.py: the live screen's refresh (SQLite)", lines)


if __name__ == "__main__":
    main()
