"""Bulk ingest on every core: forked workers read, normalise and prepare rows; this process writes them.

For imports, where there are many pages to take in at once. Normalising and writing each cost about half of
a post's time and SQLite takes one writer, so the writing stays here while the sources (archive files) are
read by workers on the other cores (on two cores: one; a third process only competed). What crosses between
them is plain row tuples (``store.Rows``), cheap to send. Each batch is one transaction, so an import killed at any moment keeps what was committed and,
being idempotent, can simply be run again.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import traceback
from typing import Callable, Iterable, Sequence

from sqlalchemy import Engine

from .models import Batch
from .store import IngestResult, Rows, prepare, write_rows

Source = Callable[[], Iterable[Batch]]  # called in a worker; yields batches, one transaction each
Done = Callable[[IngestResult, list[str]], None]  # after each committed batch: its result, its rejection reasons
QUEUED = 4  # batches prepared ahead of the writer: enough to smooth their differences, bounded in memory


class WorkerFailed(RuntimeError):
    """A worker that reads and normalises stopped on an error; its traceback is the message."""


def ingest_stream(engine: Engine, sources: Sequence[Source], done: Done) -> None:
    """Write every batch the ``sources`` yield, each in its own transaction, calling ``done`` after each.

    The sources are shared out (in turn) among forked workers, one per core but the writer's; each source's
    batches are written in their order. A source is called in its worker, not sent, so it may close over
    anything. Where fork is not available, they run here, one after the other."""
    if "fork" not in multiprocessing.get_all_start_methods():
        for source in sources:
            for batch in source():
                _write(engine, prepare(batch, engine.dialect.name), done)
        return
    context = multiprocessing.get_context("fork")
    rows = context.Queue(maxsize=QUEUED)
    count = min(len(sources), max(1, (os.cpu_count() or 2) - 1))  # a core for the writer, the rest read
    workers = [context.Process(target=_produce, args=(i, sources[i::count], engine.dialect.name, rows), daemon=True)
               for i in range(count)]
    for worker in workers:
        worker.start()
    try:
        running = set(range(count))
        while running:
            message = _next(rows, workers, running)
            if isinstance(message, int):
                running.discard(message)
            elif isinstance(message, str):
                raise WorkerFailed(message)
            else:
                _write(engine, message, done)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()


def _next(rows, workers: list, running: set[int]) -> Rows | str | int:
    """The next message: a batch's rows, a worker's number when it is done, or its traceback if it failed; a word
    that a worker died (killed, out of memory) if one stopped without saying."""
    while True:
        try:
            return rows.get(timeout=1)
        except queue.Empty:
            if any(not workers[i].is_alive() for i in running):
                try:
                    return rows.get_nowait()
                except queue.Empty:
                    return "a reading worker exited unexpectedly"


def _write(engine: Engine, rows: Rows, done: Done) -> None:
    with engine.begin() as conn:
        result = write_rows(conn, rows)
    done(result, rows.rejected)


def _produce(number: int, sources: Sequence[Source], dialect_name: str, rows) -> None:
    """A worker: every batch of its sources as rows, then its number; or the traceback of what stopped it."""
    gc.disable()  # no cycles to find: parsed JSON, posts and rows are trees, freed by reference counting; and
    # the collector's scans of what the fork inherited and of each pending batch were a sixth of the worker's time
    try:
        for source in sources:
            for batch in source():
                rows.put(prepare(batch, dialect_name))
        rows.put(number)
    except Exception:  # noqa: BLE001 — any failure goes to the writer, which raises it
        rows.put(traceback.format_exc())
