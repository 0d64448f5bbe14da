"""Report speed: `report` (HTML, charts and the appendix's data files) at 10k, 100k and 1M posts.

Builds the stores as bench/analysis.py does (demo payloads through the real
ingest, grown by copying under new ids) and times ``write_report``, section
by section, twice: the first report of a store nothing has analysed yet
builds the tallies from every post; the second goes on from the snapshot the
first kept (as a report after an event goes on from the dashboard's). The
posts data file is written by a forked process meanwhile. Goal: ≤ 30 s for a
1M-post store.

    .venv/bin/python -m bench.report [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.analysis import grow, seed
from summitpulse.outputs.report import write_report
from summitpulse.settings.config import load_config
from summitpulse.store.engine import open_store

ROOT = Path(__file__).resolve().parent.parent


class Stopwatch:
    """A progress bar stand-in that prints how long each report section took."""

    def __init__(self):
        self.last = time.perf_counter()
        self.step = 0

    def update(self, n: int = 1) -> None:
        now = time.perf_counter()
        self.step += n
        print(f"    section {self.step}: {now - self.last:6.1f} s", flush=True)
        self.last = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    config = load_config(ROOT / "config.yaml")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            engine = open_store(f"sqlite:///{tmp}/report-{size}.db")
            seed(engine, config, min(size, 100_000))
            with engine.connect() as conn:
                seeded = conn.execute(text("SELECT count(*) FROM posts")).scalar()
            grow(engine, max(1, round(size / seeded)))
            with engine.begin() as conn:  # collected during the event, not in the minute the tallies read again
                conn.execute(text("UPDATE posts SET collected_ts = collected_ts - 86400"))
                stored = conn.execute(text("SELECT count(*) FROM posts")).scalar()
            print(f"{stored:,} posts:", flush=True)
            for run in ("first report (no tallies snapshot yet)", "report (tallies from the snapshot)"):
                print(f"  {run}:", flush=True)
                started = time.perf_counter()
                write_report(config, engine, Path(tmp) / f"report-{size}.html", progress=Stopwatch())
                results[(stored, run)] = time.perf_counter() - started
    print("\nposts        report   goal ≤ 30 s at 1M")
    for (stored, run), seconds in results.items():
        print(f"{stored:>9,}   {seconds:6.1f} s   {'met' if seconds <= 30 else 'NOT met'}   {run}")


if __name__ == "__main__":
    main()
