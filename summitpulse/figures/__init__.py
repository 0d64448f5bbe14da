"""Figures kept in the store: small aggregate tables maintained in the transaction that writes the posts.

``counting`` (what a post adds, under the deciding settings), ``delta`` (increments, written atomically),
``upkeep`` (kept exact through new, changed, deleted and moderated posts, and people judged again), ``rebuild``
(everything from the posts). Every figure the dashboard, the report and the exports show is one query over
these tables (``summitpulse.analysis``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from tqdm import tqdm

from ..settings.config import Config
from .counting import Counting, changed_sections, deciding, fingerprint
from .rebuild import post_count, rebuild
from .upkeep import FINGERPRINT_KEY, counting_of, judge_stale, keep_settings, store_empty, stored_settings


def adopt(conn: Connection, config: Config) -> None:
    """Give a store its counting settings if it has none yet: ``config``'s; a store holding posts whose figures
    were never computed has them computed now."""
    if counting_of(conn) is not None:
        return
    counting = Counting(config)
    if store_empty(conn):
        keep_settings(conn, counting)
    else:
        rebuild_with_progress(conn, counting)


def rebuild_with_progress(conn: Connection, counting: Counting) -> None:
    with tqdm(total=post_count(conn), desc="rebuild", unit=" posts", disable=not sys.stderr.isatty()) as bar:
        rebuild(conn, counting, bar)


def rebuild_store(engine: Engine, config: Config) -> int:
    """``summitpulse rebuild``: every figure recomputed from the posts under ``config``; returns the post count."""
    with engine.begin() as conn:
        rebuild_with_progress(conn, Counting(config))
        return post_count(conn)


@dataclass(frozen=True)
class Status:
    due: bool  # the store's figures were computed under other settings than this config's
    changed: tuple[str, ...]  # which deciding sections differ ("themes", "rosters", …)


def status(conn: Connection, config: Config) -> Status:
    """Whether the figures in the store were computed under ``config``'s deciding settings, and if not, what differs."""
    stored = stored_settings(conn)
    mine = deciding(config)
    if stored is None:
        return Status(True, ("never computed",))
    if fingerprint(mine) == fingerprint(stored):
        return Status(False, ())
    return Status(True, tuple(changed_sections(stored, mine)))


__all__ = ["FINGERPRINT_KEY", "Status", "adopt", "judge_stale", "rebuild_store", "status"]
