"""``import``: archives people already have, detected automatically, through the normalise path.

X API v2 pages (JSON or JSONL as twarc2 writes them), Mastodon statuses
(API pages, single statuses, JSONL), Bluesky (searchPosts pages, PostView
lists, Jetstream JSONL) and hashtag-archive CSV (the TAGS sheet layout).
Import is idempotent; a bad line is reported with its file and line and
skipped, and everything else goes in.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine
from tqdm import tqdm

from ..config import Config
from ..ingest_pipeline import ingest_stream
from ..models import Batch
from ..normalise import normalise
from ..store import IngestResult
from .detect import records

CHUNK = 1000  # posts per transaction


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
    with tqdm(desc=path.name, unit="rec", disable=not sys.stderr.isatty()) as bar:
        for where, kind, payload, problem in records(path):
            bar.update()
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


def import_file(config: Config, engine: Engine, path: Path, summary: Summary) -> None:
    """Normalise and store every record of ``path``, reading in a second process while this one writes."""
    with path.open("rb"):  # an unreadable file is said here, plainly, not from inside the worker
        pass
    ingest_stream(engine, lambda: batches(config, path), summary.add)


def import_files(config: Config, engine: Engine, paths: list[Path]) -> int:
    """Import each file; print a summary and every problem. Exit 0, or 1 if a file could not be read."""
    summary, failed = Summary(), False
    for path in paths:
        try:
            import_file(config, engine, path, summary)
        except OSError as exc:
            failed = True
            summary.problems.append(f"{path}: cannot read it ({exc.strerror or exc})")
    for problem in summary.problems:
        print(f"skipped {problem}", file=sys.stderr)
    print(f"import: {summary.line()}")
    return 1 if failed else 0
