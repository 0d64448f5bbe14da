"""``publish``: one cycle (the wall, the embed, every theme's page and their feeds) at 100k and 1M posts.

The store is the demo day grown by copying (bench/stores.py). The first cycle of a process screens every post it
shows (the profanity check costs milliseconds a post); the next cycles are what a running ``publish`` does every
N seconds. Baseline, measured in the same run: one refresh of the live screen's wall (``wall.wall``, 3 posts),
the query a cycle repeats for each page. Goal: one cycle ≤ 2 s at 1M posts.

    .venv/bin/python -m bench.publish [--sizes 100000,1000000] [--folder /tmp/summitpulse-bench]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.results import record
from bench.stores import sized_stores
from summitpulse.analysis import wall
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.moderation import profane
from summitpulse.outputs.publish import site, swap
from summitpulse.store.clock import event_now

ROOT = Path(__file__).resolve().parent.parent


def cycle(engine, config, out: Path) -> float:
    started = time.perf_counter()
    with engine.connect() as conn:
        files = site(conn, config, 15)
    swap(out, files)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5)
    lines = []
    for config, args, size, engine in sized_stores(parser):
        with engine.connect() as conn, tempfile.TemporaryDirectory() as tmp:
            now = event_now(conn)
            baseline = min(time_of(wall.wall, conn, config, Filters(), now, 3) for _ in range(5))
            profane.cache_clear()  # the first cycle of a new process
            first = cycle(engine, config, Path(tmp) / "site")
            steady = [cycle(engine, config, Path(tmp) / "site") for _ in range(args.cycles)]
        steady.sort()
        goal = f"; goal ≤ 2 s at 1M: {'met' if steady[-1] <= 2 else 'NOT met'}" if size >= 1_000_000 else ""
        lines.append(
            f"- {size:,} posts: first cycle {first:.2f} s; next {len(steady)} cycles median "
            f"{steady[len(steady) // 2]:.2f} s, worst {steady[-1]:.2f} s; baseline (one wall refresh) "
            f"{baseline * 1000:.0f} ms{goal}"
        )
        print(lines[-1], flush=True)
    record("publish", "bench/publish.py: one publish cycle (wall, embed, every theme's page and feeds; SQLite)", lines)


def time_of(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
