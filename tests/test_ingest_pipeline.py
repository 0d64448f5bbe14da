"""Bulk ingest on two cores, on SQLite and PostgreSQL: the same rows as one process, failures said, nothing half-done."""
import multiprocessing
import os
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from summitpulse import ingest_pipeline, schema
from summitpulse.ingest_pipeline import WorkerFailed, ingest_stream
from summitpulse.models import Author, Batch, Post
from summitpulse.store import ingest, open_store

T0 = datetime(2014, 10, 22, 14, 0, tzinfo=timezone.utc)


def _batches(count: int, fail_after: int | None = None, die_after: int | None = None):
    def produce():
        for b in range(count):
            if b == fail_after:
                raise ValueError("page 3 is not JSON")
            if b == die_after:
                os._exit(9)  # killed mid-import, as by the out-of-memory killer
            posts = [Post("x", f"{b}-{i}", "u1", T0, f"post {b}-{i} #SoMeSummit @ana https://example.org/{i}",
                          hashtags=["somesummit"], mentions=["ana"], links=[f"https://example.org/{i}"], source="x")
                     for i in range(50)]
            yield Batch(posts=posts, authors=[Author("x", "u1", "ana", followers=10)], rejected=[f"line {b}: bad"])
    return produce


def _table_rows(engine) -> dict[str, int]:
    tables = (schema.posts, schema.post_tags, schema.post_mentions, schema.post_links, schema.sightings, schema.authors)
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in tables}


def test_two_cores_store_what_one_process_stores_and_report_each_batch(store_url, tmp_path):
    engine, done = open_store(store_url), []
    ingest_stream(engine, _batches(4), lambda result, problems: done.append((result.new, result.updated, problems)))
    assert done == [(50, 0, [f"line {b}: bad"]) for b in range(4)]
    serial = open_store(f"sqlite:///{tmp_path / 'serial.db'}")
    for batch in _batches(4)():
        ingest(serial, batch)
    assert _table_rows(engine) == _table_rows(serial) == {"posts": 200, "post_tags": 200, "post_mentions": 200,
                                                          "post_links": 200, "sightings": 200, "authors": 1}
    again = []
    ingest_stream(engine, _batches(4), lambda result, _: again.append((result.new, result.updated)))
    assert again == [(0, 50)] * 4 and _table_rows(engine)["posts"] == 200  # idempotent


def test_a_worker_error_is_raised_with_its_traceback_and_earlier_batches_stay(sqlite_engine):
    with pytest.raises(WorkerFailed, match="page 3 is not JSON"):
        ingest_stream(sqlite_engine, _batches(5, fail_after=3), lambda *_: None)
    assert _table_rows(sqlite_engine)["posts"] == 150


def test_a_worker_killed_mid_import_is_said_and_what_was_committed_stays(sqlite_engine):
    with pytest.raises(WorkerFailed, match="exited unexpectedly"):
        ingest_stream(sqlite_engine, _batches(5, die_after=2), lambda *_: None)
    assert _table_rows(sqlite_engine)["posts"] in (0, 50, 100)  # whole batches only: each one is a transaction
    ingest_stream(sqlite_engine, _batches(5), lambda *_: None)  # run again: the rest, nothing twice
    assert _table_rows(sqlite_engine)["posts"] == 250


def test_without_fork_it_runs_in_one_process(sqlite_engine, monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(ingest_pipeline.multiprocessing, "get_context", pytest.fail)  # no second process at all
    done = []
    ingest_stream(sqlite_engine, _batches(2), lambda result, _: done.append(result.new))
    assert done == [50, 50]
