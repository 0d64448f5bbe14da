"""Figures too slow for a page's run, computed in a process of their own beside the dashboard: on the other core,
never holding the dashboard's GIL (a thread computing them starved every page of the process for seconds).

Nothing here imports streamlit: the functions run in the forked process, each on its own connection to the store.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import Future
from functools import partial

from sqlalchemy import Connection

from ..analysis import contributors, graph, people, stakeholders
from ..analysis import recaps as recap_mod
from ..analysis.completeness import estimate
from ..analysis.visibility import anonymised
from ..forked import watch_parent
from ..outputs import recaps
from ..settings.config import Config
from ..store.engine import connect

FORK = multiprocessing.get_context("fork")  # the dashboard's modules are loaded already: no start-up
# the slowest figure at 1M posts takes under a minute: a job past this is ended, and asked again later
ANSWER_WITHIN_S = 300
_at_most = threading.Semaphore(2)  # submitted jobs' processes at a time (a page waits for two at once)


def compute(url: str, config: Config, fn, *args):
    """``fn(conn, config, *args)`` on the store at ``url``, in a process forked for it: its answer, or its error
    raised here."""
    receive, send = FORK.Pipe(duplex=False)
    # daemon: ended with the dashboard; forked by a thread that may end first, so the parent is watched
    # (die_with_parent's kernel signal would follow the forking thread)
    child = FORK.Process(target=_child, args=(send, os.getpid(), url, config, fn, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(ANSWER_WITHIN_S):  # a child stuck (a lock held at the fork) must not hold its slot
            child.kill()
            raise TimeoutError(f"the aside process computing {fn.__name__} gave no answer in {ANSWER_WITHIN_S} s")
        ok, value = receive.recv()
    except EOFError:
        ok, value = False, RuntimeError(f"the aside process computing {fn.__name__} ended without an answer")
    finally:
        child.join()
    if not ok:
        raise value
    return value


def submit(url: str, config: Config, fn, *args) -> Future:
    """``compute`` on a thread of its own, once fewer than two others are computing."""
    future: Future = Future()
    threading.Thread(target=_aside, args=(future, url, config, fn, args), daemon=True, name="aside").start()
    return future


def _aside(future: Future, url: str, config: Config, fn, args: tuple) -> None:
    with _at_most:
        try:
            future.set_result(compute(url, config, fn, *args))
        except Exception as error:
            future.set_exception(error)


def _child(send, parent: int, url: str, config: Config, fn, args: tuple) -> None:
    for number in (signal.SIGTERM, signal.SIGINT):  # the dashboard's handlers (stop the server) mean nothing here
        signal.signal(number, signal.SIG_DFL)
    watch_parent(parent)
    engine = connect(url)
    try:
        with engine.connect() as conn:
            answer = True, fn(conn, config, *args)
    except Exception as error:  # told to the dashboard, which logs it where the job's figure is asked for
        answer = False, error
    send.send(answer)


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


def conversation(conn: Connection, config: Config, filters, limit: int):
    """The conversation network's nodes and lines (``analysis.graph.conversation``), people named as the contributors
    table names them."""
    table = contributors.rank(conn, config, filters, "posts", 10_000)
    return graph.conversation(conn, config, filters, dict(zip(table.person, table.handle)), limit)
