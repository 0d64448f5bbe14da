"""Ingest speed: raw API payload → normalise → upsert into SQLite, against raw sqlite3 executemany.

Builds ≥ 200,000 demo posts rendered as the networks' real payloads (X search
pages, Mastodon status pages, Bluesky searchPosts pages, 100 posts each),
then times the project's paths end to end, the figures kept as the posts are
written — in one process as a collector polls (a page, or ten, per transaction,
each judging its authors again), and ``import`` of the same pages written as
JSON-lines archives (forked workers read, normalise and work out each batch's
figures, this process writes; the people judged once at the end) — and a bare
executemany of the same post rows into an unindexed table as the baseline.
Goal: the import keeps ≥ 0.15 of the baseline's rate.

    .venv/bin/python -m bench.ingest [--posts 200000]
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import orjson

from bench.results import record
from summitpulse.demo.payloads import mastodon_status, search_page, x_page
from summitpulse.demo.personas import build_cast
from summitpulse.demo.script import write_script
from summitpulse.ingest import CHUNK, Summary, import_paths
from summitpulse.normalise import normalise
from summitpulse.normalise.models import Batch
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest, open_store, prepare

PAGE = 100


def payloads(config, total: int, cast_size: int = 350) -> list[tuple[str, object]]:
    """(kind, payload) pairs carrying about ``total`` posts by ``cast_size`` people."""
    cast = build_cast(config, size=cast_size)
    posts = [p for p in write_script(config, cast, total=total) if p.kind != "repost" or p.network != "bluesky"]
    children: dict = {}
    instance = config.networks.mastodon.instances[0]
    out = []
    for network in ("x", "mastodon", "bluesky"):
        mine = [p for p in posts if p.network == network]
        for i in range(0, len(mine), PAGE):
            chunk = mine[i : i + PAGE]
            now = chunk[-1].ts
            if network == "x":
                out.append(("x_page", x_page(chunk, children, now)))
            elif network == "mastodon":
                out.append(("mastodon_statuses", [mastodon_status(p, instance, children, now) for p in chunk]))
            else:
                out.append(("bluesky_search", search_page(chunk, children, now, cursor=str(i))))
    return out


def _batches(config, work, pages: int):
    """The payloads normalised, ``pages`` pages to a batch (a transaction)."""
    for i in range(0, len(work), pages):
        batch = Batch()
        for kind, payload in work[i : i + pages]:
            batch.extend(normalise(kind, payload, config.hashtags.all, source="bench"))
        yield batch


def in_one_process(url: str, config, work, pages: int) -> tuple[int, float]:
    """Normalise and upsert in this process, as a collector does."""
    engine = open_store(url, config)
    started = time.perf_counter()
    count = sum(ingest(engine, batch).new for batch in _batches(config, work, pages))
    return count, time.perf_counter() - started


def by_import(url: str, config, work, _pages: int) -> tuple[int, float]:
    """``import`` of the same pages written as JSON-lines archives, one per network: each read, parsed and
    normalised by a forked worker (one per core) while this process upserts, importers.CHUNK posts a transaction."""
    engine, summary = open_store(url, config), Summary()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for kind in ("x_page", "mastodon_statuses", "bluesky_search"):
            files.append(Path(tmp) / f"{kind}.jsonl")
            files[-1].write_bytes(b"".join(orjson.dumps(payload) + b"\n" for k, payload in work if k == kind))
        started = time.perf_counter()
        import_paths(config, engine, files, summary)
        return summary.new, time.perf_counter() - started


def raw_executemany(path: str, rows: list[tuple]) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE raw ({', '.join(f'c{i}' for i in range(len(rows[0])))})")
    sql = f"INSERT INTO raw VALUES ({', '.join('?' for _ in rows[0])})"
    started = time.perf_counter()
    for i in range(0, len(rows), PAGE):
        with conn:
            conn.executemany(sql, rows[i : i + PAGE])
    return time.perf_counter() - started


PATHS = (
    (in_one_process, 1, "one process, one page per transaction (a collector polling)"),
    (in_one_process, 10, "one process, 10 pages per transaction (a collector backfilling)"),
    (by_import, CHUNK // PAGE, f"import of JSON-lines files on every core, {CHUNK:,} posts per transaction"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=215_000)
    parser.add_argument("--collectors", action="store_true", help="also time the collectors' path (one process)")
    args = parser.parse_args()
    os.nice(19)  # the import's workers run at the lowest priority: so do the baseline and the writer here, so that on
    # a machine others are using, all three compete alike and the ratio compares like with like
    config = load_config(Path(__file__).resolve().parent.parent / "config.yaml")
    t = time.perf_counter()
    work = payloads(config, args.posts)
    print(f"built {len(work):,} payload pages in {time.perf_counter() - t:.1f} s (not timed below)")
    gc.freeze()  # the prebuilt payloads are the bench's input, not the path's work: out of the collector's scans
    lines = ["| path | posts/s | ratio to the baseline |", "|---|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [r for kind, payload in work for r in prepare(normalise(kind, payload), "sqlite", 0).posts]
        raw_rate = len(rows) / raw_executemany(f"{tmp}/raw.db", rows)
        print(f"baseline: raw sqlite3 executemany of the same post rows: {raw_rate:,.0f} rows/s")
        lines.append(f"| baseline: raw `executemany` of the post rows, one unindexed table | {raw_rate:,.0f} | 1 |")
        for n, (path, pages, label) in enumerate(PATHS if args.collectors else PATHS[-1:]):
            stored, seconds = path(f"sqlite:///{tmp}/bench{n}.db", config, work, pages)
            rate = stored / seconds
            goal = f", goal ≥ 0.15: {'met' if rate / raw_rate >= 0.15 else 'NOT met'}" if path is by_import else ""
            print(
                f"{label}: {stored:,} posts in {seconds:.1f} s = {rate:,.0f} posts/s, ratio {rate / raw_rate:.3f}{goal}"
            )
            lines.append(f"| {label} | {rate:,.0f} | {rate / raw_rate:.3f} |")
    record("ingest", f"bench/ingest.py: {len(rows):,} demo posts as API pages, SQLite, figures kept", lines)


if __name__ == "__main__":
    main()
