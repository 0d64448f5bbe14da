"""A store of demo posts at a given size, built as bench/analysis.py builds its own, and kept for the next run.

store_at(size, folder) -> the SQLite URL of a store holding about ``size`` posts
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy import text

from bench.analysis import grow, seed
from summitpulse.settings.config import Config, load_config
from summitpulse.store.clock import set_clock
from summitpulse.store.engine import open_store

ROOT = Path(__file__).resolve().parent.parent


def store_at(config: Config, size: int, folder: Path) -> str:
    """Demo posts through the real ingest, one person per ten posts, grown by copying; collected an hour ago,
    the clock at the last post. Built once per folder and size (a million posts take a few minutes)."""
    path = folder / f"demo-{size}.db"
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    building = folder / f"demo-{size}.building.db"
    building.unlink(missing_ok=True)
    engine = open_store(f"sqlite:///{building}")
    started = time.perf_counter()
    seed(engine, config, min(size, 100_000))
    with engine.connect() as conn:
        seeded = conn.execute(text("SELECT count(*) FROM posts")).scalar()
    grow(engine, max(1, round(size / seeded)))
    with engine.begin() as conn:
        conn.execute(text("UPDATE posts SET collected_ts = collected_ts - 3600"))
        set_clock(conn, conn.execute(text("SELECT max(created_ts) FROM posts")).scalar())
        stored = conn.execute(text("SELECT count(*) FROM posts")).scalar()
    engine.dispose()
    building.rename(path)
    print(f"built {stored:,} posts in {time.perf_counter() - started:.0f} s at {path}", flush=True)
    return url


def sized_stores(parser: argparse.ArgumentParser):
    """Add ``--sizes`` and ``--folder`` to ``parser``; yield (config, parsed arguments, size, engine) for each size,
    the store built on first use and disposed of after."""
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--folder", default="/tmp/summitpulse-bench", help="where the stores are kept between runs")
    args = parser.parse_args()
    config = load_config(ROOT / "config.yaml")
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        engine = open_store(store_at(config, size, folder))
        yield config, args, size, engine
        engine.dispose()
