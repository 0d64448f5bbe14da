"""A store of demo posts at a given size, built as bench/analysis.py builds its own, and kept for the next run.

store_at(size, folder) -> the SQLite URL of a store holding about ``size`` posts
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from bench.analysis import grow, seed
from summitpulse.settings.config import Config
from summitpulse.store.clock import set_clock
from summitpulse.store.engine import open_store


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
