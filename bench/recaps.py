"""Session recaps: time to recap each session of the demo programme, at 100k and 1M posts.

The store is the demo day grown by copying (bench/stores.py). Each session is recapped
twice: cold (a fresh process's profanity verdicts, as after a restart) and warm (the
dashboard's steady state). Baseline, measured in the same run for this machine's speed:
counting the session's slot's posts (one index range: the least any recap reads). Goal:
≤ 1 s per session at 1M posts.

    .venv/bin/python -m bench.recaps [--sizes 100000,1000000] [--folder /tmp/summitpulse-bench]
"""

from __future__ import annotations

import argparse
import time
from functools import partial
from pathlib import Path

from sqlalchemy import func, text

from bench.results import record
from bench.stores import sized_stores
from summitpulse.analysis import people, recaps
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.metrics import counted
from summitpulse.analysis.moderation import profane

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def _slot_count(conn, config, session) -> int:
    window = Filters(int(session.start.timestamp()), int(session.end.timestamp()))
    return conn.execute(counted(config, window, func.count())).scalar()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    lines = ["| posts | session | baseline: the slot's count | cold | warm |", "|---:|---|---:|---:|---:|"]
    verdicts = []
    for config, _, size, engine in sized_stores(parser):
        sessions = recaps.ended(config, 2**40)
        with engine.connect() as conn:
            baseline = [timed(_slot_count, conn, config, s) for s in sessions]
            profane.cache_clear()
            cold = [timed(recaps.recap, conn, config, s, partial(people.split_among, conn)) for s in sessions]
            warm = [timed(recaps.recap, conn, config, s, partial(people.split_among, conn)) for s in sessions]
        stored = _stored(engine)
        lines += [
            f"| {stored:,} | {s.title} | {b:.2f} s | {c:.2f} s | {w:.2f} s |"
            for s, b, c, w in zip(sessions, baseline, cold, warm)
        ]
        verdict = "met" if max(cold) <= 1 else "met warm" if max(warm) <= 1 else "NOT met"
        verdicts.append(
            f"{stored:,} posts: worst cold {max(cold):.2f} s, warm {max(warm):.2f} s (the slot's count: "
            f"{max(baseline):.2f} s){'; goal ≤ 1 s per session at 1M: ' + verdict if size >= 1_000_000 else ''}"
        )
    print("\n".join(lines + [""] + verdicts))
    record("recaps", "bench/recaps.py: one session's recap, cold and warm (SQLite)", lines + [""] + verdicts)


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM posts")).scalar()


if __name__ == "__main__":
    main()
