"""Bulk ingest on two cores: a forked worker reads, normalises and prepares rows; this process writes them.

For imports, where there are many pages to take in at once. Normalising and writing each cost about half of
a post's time, so splitting them across two processes nearly doubles the rate; what crosses between the two
is plain row tuples (``store.Rows``), which cost little to send. Each batch is one transaction, so an import
killed at any moment keeps what was committed and, being idempotent, can simply be run again.
"""
from __future__ import annotations

import gc
import multiprocessing
import queue
import traceback
from typing import Callable, Iterable

from sqlalchemy import Engine

from .models import Batch
from .store import IngestResult, Rows, prepare, write_rows

Done = Callable[[IngestResult, list[str]], None]  # after each committed batch: its result, its rejection reasons


QUEUED = 4  # batches prepared ahead of the writer: enough to smooth their differences, bounded in memory


class WorkerFailed(RuntimeError):
    """The worker that reads and normalises stopped on an error; its traceback is the message."""


def ingest_stream(engine: Engine, batches: Callable[[], Iterable[Batch]], done: Done) -> None:
    """Write every batch ``batches()`` yields, each in its own transaction, calling ``done`` after each.

    ``batches`` runs in a forked worker (it is called there, not sent, so it may close over anything);
    where fork is not available it runs here, one batch after the other."""
    if "fork" not in multiprocessing.get_all_start_methods():
        for batch in batches():
            _write(engine, prepare(batch, engine.dialect.name), done)
        return
    context = multiprocessing.get_context("fork")
    rows = context.Queue(maxsize=QUEUED)
    worker = context.Process(target=_produce, args=(batches, engine.dialect.name, rows), daemon=True)
    worker.start()
    try:
        while (message := _next(rows, worker)) is not None:
            if isinstance(message, str):
                raise WorkerFailed(message)
            _write(engine, message, done)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()


def _next(rows, worker) -> Rows | str | None:
    """The next batch's rows; None at the end; the worker's traceback, or a word that it died (killed, out of
    memory), if it stopped."""
    while True:
        try:
            return rows.get(timeout=1)
        except queue.Empty:
            if not worker.is_alive():
                try:
                    return rows.get_nowait()
                except queue.Empty:
                    return "the reading worker exited unexpectedly"


def _write(engine: Engine, rows: Rows, done: Done) -> None:
    with engine.begin() as conn:
        result = write_rows(conn, rows)
    done(result, rows.rejected)


def _produce(batches: Callable[[], Iterable[Batch]], dialect_name: str, rows) -> None:
    """The worker: every batch as rows, then None; or the traceback of what stopped it."""
    gc.freeze()  # what the fork inherited is never freed here: keep the collector from scanning it
    try:
        for batch in batches():
            rows.put(prepare(batch, dialect_name))
        rows.put(None)
    except Exception:  # noqa: BLE001 — any failure goes to the writer, which raises it
        rows.put(traceback.format_exc())
