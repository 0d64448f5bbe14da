"""Bulk ingest on every core: forked workers read, normalise and prepare rows; this process writes them.

For imports, where there are many pages to take in at once. Normalising and writing each cost about half of
a post's time and SQLite takes one writer, so the writing stays here while the sources (archive files) are
read by workers, one per core, each taking the next file when free; they also work out each batch's
contribution to the figures (themes, evidence, counts, pre-aggregated), so the writer only adds it. The workers
run at the lowest priority: the writer takes the CPU whenever it has rows to write and the workers use the rest. What crosses between them is plain row tuples (``store.Rows``), cheap to send,
over a pipe per worker: a worker killed in the middle of sending ends only its own pipe, which reads here as its
end. Each batch is one transaction, so an import killed at any moment keeps what was committed and, being
idempotent, can simply be run again.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.connection import wait

from sqlalchemy import Engine

from ..figures import upkeep
from ..forked import die_with_parent
from ..normalise.models import Batch
from ..store.engine import IngestResult, Rows, prepare, store_rows

Source = Callable[[], Iterable[Batch]]  # called in a worker; yields batches, one transaction each
Done = Callable[[IngestResult, list[str]], None]  # after each committed batch: its result, its rejection reasons
WORKER_NICENESS = 19  # the writer first: it is the one that must keep up, and an import is background work


class WorkerFailed(RuntimeError):
    """A worker that reads and normalises stopped on an error; its traceback is the message."""


def ingest_stream(engine: Engine, sources: Sequence[Source], done: Done) -> None:
    """Write every batch the ``sources`` yield, each in its own transaction, calling ``done`` after each.

    Forked workers, one per core, each take the next source not yet taken when they are free (so give the
    largest first); each source's batches are written in their order. A source is called in its worker, not sent, so it may close over
    anything. Where fork is not available, they run here, one after the other."""
    with engine.connect() as conn:
        counting = upkeep.counting_of(conn)  # the workers work out each batch's figures; the writer adds them
    if "fork" not in multiprocessing.get_all_start_methods():
        for source in sources:
            for batch in source():
                _write(engine, prepare(batch, engine.dialect.name, counting=counting), done)
    else:
        _fork(engine, sources, done, counting)
    with engine.begin() as conn:  # the people whose posts came in, judged once at the end rather than per batch
        upkeep.judge_stale(conn)


def _fork(engine: Engine, sources: Sequence[Source], done: Done, counting) -> None:
    context = multiprocessing.get_context("fork")
    count, taken = min(len(sources), os.cpu_count() or 1), context.Value("i", 0)
    readers, workers = [], []
    for _ in range(count):  # a pipe each: a worker killed while sending can only end its own pipe, not a shared one
        reader, writer = context.Pipe(duplex=False)
        workers.append(
            context.Process(
                target=_produce, args=(os.getpid(), sources, taken, engine.dialect.name, counting, writer), daemon=True
            )
        )
        workers[-1].start()
        writer.close()  # only the worker holds its writing end, so its death is an end of file here
        readers.append(reader)
    try:
        while readers:
            for reader in wait(readers):
                message = _receive(reader)
                if message is None:  # that worker is done
                    readers.remove(reader)
                elif isinstance(message, str):
                    raise WorkerFailed(message)
                else:
                    _write(engine, message, done)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()


def _receive(reader) -> Rows | str | None:
    """A worker's next message: a batch's rows, its traceback if it failed, None when it is done."""
    try:
        return reader.recv()
    except EOFError:  # it stopped without saying, perhaps in the middle of a batch: killed, out of memory
        return "a reading worker exited unexpectedly"


def _write(engine: Engine, rows: Rows, done: Done) -> None:
    result = store_rows(engine, rows, judge=False)
    done(result, result.reasons)


def _next_source(sources: Sequence[Source], taken) -> Source | None:
    """The first source no worker has taken yet (``taken`` counts them, shared by the workers), or None."""
    with taken.get_lock():
        if taken.value >= len(sources):
            return None
        taken.value += 1
        return sources[taken.value - 1]


def _produce(parent: int, sources: Sequence[Source], taken, dialect_name: str, counting, rows) -> None:
    """A worker: every batch of the sources it takes as rows, then None; or the traceback of what stopped it. Sending
    waits while the writer is busy, so a worker is at most a batch ahead: memory stays bounded. It dies with the
    writer, ``parent``, however that ends."""
    die_with_parent(parent)
    os.nice(WORKER_NICENESS)
    gc.disable()  # no cycles to find: parsed JSON, posts and rows are trees, freed by reference counting; and
    # the collector's scans of what the fork inherited and of each pending batch were a sixth of the worker's time
    try:
        while (source := _next_source(sources, taken)) is not None:
            for batch in source():
                rows.send(prepare(batch, dialect_name, counting=counting))
        rows.send(None)
    except Exception:  # noqa: BLE001 — any failure goes to the writer, which raises it
        rows.send(traceback.format_exc())
