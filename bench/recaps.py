"""Session recaps: time to recap each session of the demo programme, at 100k and 1M posts.

The store is the demo day grown by copying (bench/stores.py). Each session is recapped
twice: cold (a fresh process's profanity verdicts, as after a restart) and warm (the
dashboard's steady state). Baseline, measured in the same run for this machine's speed:
one refresh of the live screen's wall (``wall.wall``, 3 posts). Goal: ≤ 1 s per session
at 1M posts.

    .venv/bin/python -m bench.recaps [--sizes 100000,1000000] [--folder /tmp/summitpulse-bench]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.stores import store_at
from summitpulse.analysis import recaps, wall
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.moderation import profane
from summitpulse.analysis.tallies import Tallies
from summitpulse.settings.config import load_config
from summitpulse.store.clock import now_ts
from summitpulse.store.engine import open_store

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--folder", default="/tmp/summitpulse-bench", help="where the stores are kept between runs")
    args = parser.parse_args()
    config = load_config(ROOT / "config.yaml")
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        engine = open_store(store_at(config, size, folder))
        tallies = Tallies.resumed(engine, config)
        sessions = recaps.ended(config, 2**40)
        with engine.connect() as conn:
            baseline = min(timed(wall.wall, conn, config, Filters(), now_ts(conn), 3) for _ in range(3))
            profane.cache_clear()
            cold = [timed(recaps.recap, conn, config, s, tallies.split_among) for s in sessions]
            warm = [timed(recaps.recap, conn, config, s, tallies.split_among) for s in sessions]
        print(f"\n{size:,} posts — baseline (one wall refresh): {baseline * 1000:.0f} ms")
        print(f"  {'session':<48} {'cold':>7} {'warm':>7}")
        for s, c, w in zip(sessions, cold, warm):
            print(f"  {s.title[:48]:<48} {c:6.2f}s {w:6.2f}s")
        worst = max(cold)
        print(
            f"  worst cold {worst:.2f} s ({worst / baseline:.0f}× the baseline), worst warm {max(warm):.2f} s; "
            f"goal ≤ 1 s per session: {'met' if worst <= 1 else 'NOT met cold'}"
            + ("" if worst <= 1 else f", {'met' if max(warm) <= 1 else 'NOT met'} warm")
        )
        engine.dispose()


if __name__ == "__main__":
    main()
