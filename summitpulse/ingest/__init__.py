"""``import``: archives people already have, detected automatically, through the normalise path.

X API v2 pages (JSON or JSONL as twarc2 writes them), Mastodon statuses
(API pages, single statuses, JSONL), Bluesky (searchPosts pages, PostView
lists, thread views, Jetstream JSONL) and hashtag-archive CSV (the TAGS sheet layout).
Import is idempotent; a bad line is reported with its file and line and
skipped, and everything else goes in.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import Engine
from tqdm import tqdm

from ..cli.exits import outcome
from ..normalise import normalise
from ..normalise.models import Batch
from ..settings.config import Config
from ..store.engine import IngestResult
from .detect import records
from .pipeline import ingest_stream

CHUNK = 5000  # posts per transaction: fewer commits write fewer index pages again (bench/ingest.py)


@dataclass
class Summary:
    read: int = 0
    new: int = 0
    updated: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, result: IngestResult, problems: list[str]) -> None:
        self.read += result.fetched
        self.new += result.new
        self.updated += result.updated
        self.rejected += len(problems)
        self.problems += problems

    def line(self) -> str:
        return f"read {self.read}, new {self.new}, updated {self.updated}, rejected {self.rejected}"


def batches(config: Config, path: Path) -> Iterator[Batch]:
    """The records of ``path`` normalised, about CHUNK posts a batch; each problem names its file and line."""
    pending = Batch()
    for where, kind, payload, problem in records(path):
        if problem:
            pending.rejected.append(f"{where}: {problem}")
            continue
        batch = normalise(kind, payload, config.hashtags.all, source=f"import:{path.name}")
        batch.rejected = [f"{where}: {reason}" for reason in batch.rejected]
        pending.extend(batch)
        if len(pending.posts) >= CHUNK:
            yield pending
            pending = Batch()
    yield pending


def import_paths(config: Config, engine: Engine, paths: list[Path], summary: Summary) -> bool:
    """Normalise and store every record of ``paths``, each file read by a worker process (one per core) while
    this one writes; an unreadable file is noted in ``summary``. True when every file could be read."""
    readable = []
    for path in paths:
        try:
            with path.open("rb"):  # said here, plainly, not from inside a worker
                readable.append(path)
        except OSError as exc:
            summary.problems.append(f"{path}: cannot read it ({exc.strerror or exc})")
    readable.sort(key=lambda p: p.stat().st_size, reverse=True)  # the largest first: workers finish together
    with tqdm(desc="import", unit=" posts", disable=not sys.stderr.isatty()) as bar:

        def written(result: IngestResult, problems: list[str]) -> None:
            summary.add(result, problems)
            bar.update(result.fetched)

        ingest_stream(engine, [partial(batches, config, path) for path in readable], written)
    return len(readable) == len(paths)


def import_files(config: Config, engine: Engine, paths: list[Path]) -> int:
    """Import the files; print a summary and every problem. The exit status (``cli.exits``): done, partly done
    (a record rejected or a file unreadable, others stored), nothing done (nothing stored, something failed)."""
    summary = Summary()
    complete = import_paths(config, engine, paths, summary)
    for problem in summary.problems:
        print(f"skipped {problem}", file=sys.stderr)
    print(f"import: {summary.line()}")
    return outcome(summary.new + summary.updated, summary.rejected + (not complete))
