"""Figures too slow for a page's run, computed in a process of their own beside the dashboard: on the other core,
never holding the dashboard's GIL (a thread computing them starved every page of the process for seconds).

Nothing here imports streamlit: the functions run in the forked process, each on its own connection to the store.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from threading import Lock

from sqlalchemy import Connection

from ..analysis import people, stakeholders
from ..analysis import recaps as recap_mod
from ..analysis.completeness import estimate
from ..analysis.visibility import anonymised
from ..forked import watch_parent
from ..outputs import recaps
from ..settings.config import Config
from ..store.engine import connect

_pool: ProcessPoolExecutor | None = None
_lock = Lock()
_engines: dict[str, object] = {}


def submit(url: str, config: Config, fn, *args) -> Future:
    """``fn(conn, config, *args)`` on the store at ``url``, in the dashboard's one aside process (started again if
    it died)."""
    global _pool
    with _lock:
        try:
            return _started().submit(_run, url, config, fn, *args)
        except BrokenProcessPool:
            _pool = None
            return _started().submit(_run, url, config, fn, *args)


def _started() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        context = multiprocessing.get_context("fork")  # the dashboard's modules loaded already: no start-up
        # forked by a page's run, whose thread ends: the parent watched, not the kernel's signal (die_with_parent)
        _pool = ProcessPoolExecutor(1, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),))
    return _pool


def _run(url: str, config: Config, fn, *args):
    engine = _engines.get(url) or _engines.setdefault(url, connect(url))
    with engine.connect() as conn:
        return fn(conn, config, *args)


def completeness(conn: Connection, config: Config) -> dict:
    """The capture–recapture estimate (``analysis.completeness.estimate``)."""
    return estimate(conn)


def who_is_talking(conn: Connection, config: Config):
    """Participants per stakeholder group and label (``analysis.stakeholders.split``: every profile sorted), opted-out
    people anonymous."""
    return stakeholders.split(stakeholders.classify(conn, config), anonymised(config, people.stored(conn)))


def recap(conn: Connection, config: Config, title: str, end_ts: int) -> str:
    """The recap of the session ``title`` (ended at ``end_ts``) as HTML."""
    session = next(s for s in config.programme.sessions if s.title == title and s.end.timestamp() == end_ts)
    return recaps.STYLE + recaps.recap_html(
        config, recap_mod.recap(conn, config, session, partial(people.split_among, conn))
    )
