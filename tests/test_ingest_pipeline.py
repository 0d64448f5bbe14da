"""Bulk ingest on two cores, on SQLite and PostgreSQL: the same rows as one process, failures said, nothing half-done."""

import multiprocessing
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from summitpulse.ingest import pipeline as ingest_pipeline
from summitpulse.ingest.pipeline import WorkerFailed, ingest_stream
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.store import schema
from summitpulse.store.engine import ingest, open_store

T0 = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)


def _batches(count: int, fail_after: int | None = None, die_after: int | None = None, prefix: str = ""):
    def produce():
        for b in range(count):
            if b == fail_after:
                raise ValueError("page 3 is not JSON")
            if b == die_after:
                os._exit(9)  # killed mid-import, as by the out-of-memory killer
            posts = [
                Post(
                    "x",
                    f"{prefix}{b}-{i}",
                    "u1",
                    T0,
                    f"post {b}-{i} #SoMeSummit @ana https://example.org/{i}",
                    hashtags=["somesummit"],
                    mentions=["ana"],
                    links=[f"https://example.org/{i}"],
                    source="x",
                )
                for i in range(50)
            ]
            yield Batch(posts=posts, authors=[Author("x", "u1", "ana", followers=10)], rejected=[f"line {b}: bad"])

    return produce


def _table_rows(engine) -> dict[str, int]:
    tables = (schema.posts, schema.post_tags, schema.post_mentions, schema.post_links, schema.sightings, schema.authors)
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in tables}


def test_two_cores_store_what_one_process_stores_and_report_each_batch(store_url, tmp_path):
    engine, done = open_store(store_url), []
    ingest_stream(engine, [_batches(4)], lambda result, problems: done.append((result.new, result.updated, problems)))
    assert done == [(50, 0, [f"line {b}: bad"]) for b in range(4)]
    serial = open_store(f"sqlite:///{tmp_path / 'serial.db'}")
    for batch in _batches(4)():
        ingest(serial, batch)
    assert (
        _table_rows(engine)
        == _table_rows(serial)
        == {"posts": 200, "post_tags": 200, "post_mentions": 200, "post_links": 200, "sightings": 200, "authors": 1}
    )
    again = []
    ingest_stream(engine, [_batches(4)], lambda result, _: again.append((result.new, result.updated)))
    assert again == [(0, 50)] * 4 and _table_rows(engine)["posts"] == 200  # idempotent


def test_a_worker_error_is_raised_with_its_traceback_and_earlier_batches_stay(sqlite_engine):
    with pytest.raises(WorkerFailed, match="page 3 is not JSON"):
        ingest_stream(sqlite_engine, [_batches(5, fail_after=3)], lambda *_: None)
    assert _table_rows(sqlite_engine)["posts"] == 150


def test_a_worker_killed_mid_import_is_said_and_what_was_committed_stays(sqlite_engine):
    with pytest.raises(WorkerFailed, match="exited unexpectedly"):
        ingest_stream(sqlite_engine, [_batches(5, die_after=2)], lambda *_: None)
    assert _table_rows(sqlite_engine)["posts"] in (0, 50, 100)  # whole batches only: each one is a transaction
    ingest_stream(sqlite_engine, [_batches(5)], lambda *_: None)  # run again: the rest, nothing twice
    assert _table_rows(sqlite_engine)["posts"] == 250


def test_without_fork_it_runs_in_one_process(sqlite_engine, monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(ingest_pipeline.multiprocessing, "get_context", pytest.fail)  # no second process at all
    done = []
    ingest_stream(sqlite_engine, [_batches(2), _batches(1, prefix="b")], lambda result, _: done.append(result.new))
    assert done == [50, 50, 50]


def test_several_sources_are_read_by_a_worker_each_and_each_keeps_its_order(sqlite_engine, monkeypatch):
    monkeypatch.setattr(ingest_pipeline.os, "cpu_count", lambda: 2)
    done = []
    sources = [
        _batches(3, prefix="a"),
        _batches(3, prefix="b"),
        _batches(2, prefix="c"),
    ]  # a worker each for a and b, then c for whichever is free
    ingest_stream(sqlite_engine, sources, lambda result, _: done.append(result.new))
    assert done == [50] * 8 and _table_rows(sqlite_engine)["posts"] == 400
    with sqlite_engine.connect() as conn:
        stored = [r[0] for r in conn.exec_driver_sql("SELECT native_id FROM posts ORDER BY rowid")]
    for prefix in "abc":  # within a source, batch after batch
        mine = [n for n in stored if n.startswith(prefix)]
        assert mine == sorted(mine, key=lambda n: (int(n[1:].split("-")[0]), int(n.split("-")[1])))


def test_a_failing_source_stops_the_import_while_another_worker_runs(sqlite_engine, monkeypatch):
    monkeypatch.setattr(ingest_pipeline.os, "cpu_count", lambda: 2)
    with pytest.raises(WorkerFailed, match="page 3 is not JSON"):
        ingest_stream(
            sqlite_engine, [_batches(200, prefix="a"), _batches(5, fail_after=3, prefix="b")], lambda *_: None
        )


def test_workers_read_at_the_lowest_priority_so_the_writer_never_waits_for_them(sqlite_engine):
    def niceness():  # a worker says how nice it runs through the id of the post it sends
        yield Batch(posts=[Post("x", f"nice-{os.nice(0)}", "u1", T0, "#SoMeSummit")])

    writer = os.nice(0)
    ingest_stream(sqlite_engine, [niceness], lambda *_: None)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(schema.posts.c.native_id)).scalar() == f"nice-{min(19, writer + 19)}"
    assert os.nice(0) == writer  # the writer itself is left as it was
