"""Report speed: `report` (HTML, charts and the appendix's data files) of a store nothing has analysed, at 10k,
100k and 1M posts, beside the time pandas takes to read every post's author, time and text from the same store.

Builds the stores as bench/analysis.py does (demo payloads through the real ingest, grown by copying under new
ids, the copies' figures rebuilt — what ingest keeps as posts arrive), then times ``write_report`` in a new
process's state, section by section; the posts data file is written by a forked process meanwhile.
Goal: ≤ 4× the pandas read at 1M posts.

    .venv/bin/python -m bench.report [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from bench.analysis import build, stored_posts
from bench.results import record
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


def pandas_read(engine) -> float:
    """The baseline: pandas reading every post's author, time and text."""
    started = time.perf_counter()
    with engine.connect() as conn:
        pd.read_sql(text("SELECT author_id, created_ts, text FROM posts"), conn)
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
            engine, _ = build(f"{tmp}/report-{size}.db", config, size, args.keep)
            engine.dispose()
            engine = open_store(f"sqlite:///{tmp}/report-{size}.db", config)
            stored = stored_posts(engine)
            baseline = pandas_read(engine)
            print(f"{stored:,} posts: pandas reads author, time and text in {baseline:.1f} s; the report:", flush=True)
            started = time.perf_counter()
            write_report(config, engine, Path(tmp) / f"report-{size}.html", progress=Stopwatch())
            results[stored] = (time.perf_counter() - started, baseline)
            engine.dispose()
    lines = [
        "| posts | report | baseline: pandas reads author, time, text | ratio (goal ≤ 4 at 1M) |",
        "|---:|---:|---:|---:|",
    ]
    print("\nposts        report    pandas read   ratio   goal ≤ 4× at 1M")
    for stored, (seconds, baseline) in results.items():
        ratio = seconds / baseline
        print(
            f"{stored:>9,}   {seconds:6.1f} s   {baseline:8.1f} s   {ratio:5.1f}   {'met' if ratio <= 4 else 'NOT met'}"
        )
        lines.append(f"| {stored:,} | {seconds:.1f} s | {baseline:.1f} s | {ratio:.1f} |")
    record("report", "bench/report.py: `report` of a store nothing has analysed (SQLite)", lines)


if __name__ == "__main__":
    main()
