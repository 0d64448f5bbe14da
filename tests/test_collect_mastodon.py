"""Mastodon.py against a loopback instance serving the real recorded statuses, with faults."""

import copy

import pytest
from sqlalchemy import text

from collectors import mastodon
from summitpulse.analysis.health import health
from summitpulse.settings.config import parse_config

from .fakes.mastodon import FakeMastodon
from .test_config import _good

TAG = "fgiztsshwiaqqiztpmmjbtvmescsculuvmgjgopwoeidbcrixp"


@pytest.fixture
def fake(fixtures_dir):
    server = FakeMastodon(fixtures_dir)
    yield server
    server.close()


def _config(*instances):
    data = _good()
    data["event"].update(start="2026-07-01T00:00:00+00:00", end="2026-09-01T00:00:00+00:00")
    data["hashtags"] = {"primary": f"#{TAG}", "aliases": []}
    data["networks"]["mastodon"]["instances"] = list(instances)
    return parse_config(data)


def _run(config, engine, instance):
    mastodon.collect(config, engine, instance, TAG, sleep=lambda s: None, max_wait=5, timeout=1)


def _stored(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT native_id FROM posts WHERE network = 'mastodon'"))}


def test_backfill_then_incremental_with_nothing_lost_or_doubled(engine, fake):
    config = _config(fake.url)
    _run(config, engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}
    newer = copy.deepcopy(fake.statuses[0])
    newer.update(id=str(int(newer["id"]) + 1), uri=newer["uri"] + "-new")
    fake.statuses.insert(0, newer)
    _run(config, engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}
    assert any("min_id=" in path for _, path in fake.requests), "incremental runs page forward from the cursor"


def test_faults_are_retried_logged_and_shown(engine, fake):
    config = _config(fake.url)
    fake.inject("500", "429", "truncated", on="timelines")
    _run(config, engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}
    with engine.connect() as conn:
        row = health(conn).iloc[0]
    for kind in ("server_error", "rate_limit", "bad_page"):
        assert kind in row.faults
    assert row.rate_limit_waits == 1 and row.state == "ok"


def test_an_instance_that_refuses_is_reported_and_the_others_go_on(engine, fixtures_dir, fake):
    other = FakeMastodon(fixtures_dir)
    try:
        config = _config(fake.url, other.url)
        fake.inject("401", on="timelines")
        _run(config, engine, fake.url)
        _run(config, engine, other.url)
        assert _stored(engine) == {s["uri"] for s in other.statuses}
        with engine.connect() as conn:
            states = dict(zip(*[health(conn)[c] for c in ("collector", "faults")]))
        assert any("refused" in f for f in states.values())
    finally:
        other.close()


def test_a_crash_between_pages_resumes_without_gap_or_duplicate(engine, fake, monkeypatch):
    config = _config(fake.url)
    _run(config, engine, fake.url)
    extra = []
    for n in range(1, 91):  # three pages of new statuses
        s = copy.deepcopy(fake.statuses[-1])
        s.update(id=str(int(fake.statuses[0]["id"]) + n), uri=f"https://example.invalid/statuses/{n}")
        extra.append(s)
    fake.statuses[:0] = reversed(extra)
    calls = {"n": 0}
    real_store = mastodon.Run.store

    def crash_after_first_page(self, batch, cursor=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed between pages")
        return real_store(self, batch, cursor)

    monkeypatch.setattr(mastodon.Run, "store", crash_after_first_page)
    with pytest.raises(KeyboardInterrupt):
        _run(config, engine, fake.url)
    monkeypatch.setattr(mastodon.Run, "store", real_store)
    _run(config, engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}


def test_an_unknown_extra_field_and_a_missing_optional_field_change_nothing(engine, fake):
    fake.statuses[0]["a_field_from_mastodon_9"] = {"nested": [1, 2, 3]}
    for optional in ("card", "language", "media_attachments", "mentions", "spoiler_text", "replies_count"):
        fake.statuses[1].pop(optional, None)
    _run(_config(fake.url), engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}


def test_a_backfill_longer_than_one_run_is_finished_by_the_next_runs(engine, fake, monkeypatch):
    """A run stops after MAX_PAGES with a resume state; the cursor becomes the newest id when the walk is done."""
    from summitpulse.store.engine import get_cursor

    config = _config(fake.url)
    monkeypatch.setattr(mastodon, "MAX_PAGES", 1)
    monkeypatch.setattr(mastodon, "PAGE", 2)
    name = mastodon.job_name(fake.url, TAG)
    _run(config, engine, fake.url)
    with engine.connect() as conn:
        assert get_cursor(conn, name).startswith("{") and len(_stored(engine)) == 2
    for _ in range(len(fake.statuses)):
        _run(config, engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}
    with engine.connect() as conn:
        assert get_cursor(conn, name) == max((s["id"] for s in fake.statuses), key=int)


def test_a_late_copy_with_an_id_from_its_creation_time_is_not_skipped(engine, fake):
    """Mastodon gives a status that federates in late the id of its creation time (Snowflake.id_at): it sorts
    behind statuses already read, and the next run's overlap re-reads it."""
    import time

    config = _config(fake.url)
    _run(config, engine, fake.url)
    now = time.time()
    fake.arrive(copy.deepcopy(fake.statuses[-1]) | {"uri": "https://example.invalid/on-time"}, now)
    _run(config, engine, fake.url)
    for i, age in enumerate((2, 30, 60)):
        fake.arrive(copy.deepcopy(fake.statuses[-1]) | {"uri": f"https://example.invalid/late/{i}"}, now - age, age)
    _run(config, engine, fake.url)
    assert _stored(engine) == {s["uri"] for s in fake.statuses}
    with engine.connect() as conn:
        cursor = conn.execute(text("SELECT value FROM cursors")).scalar()
    assert int(cursor) >= max(int(s["id"]) for s in fake.statuses), "the cursor is still the newest id"


def test_a_status_dated_hours_behind_is_found_by_the_sweep(engine, fake):
    """A server whose clock runs hours behind: its status's id is hours old, below any re-read; the sweep walks
    back a page a run and finds it, then starts again from the top."""
    import time

    config = _config(fake.url)
    now = time.time()
    fake.arrive(copy.deepcopy(fake.statuses[-1]) | {"uri": "https://example.invalid/now"}, now)
    _run(config, engine, fake.url)  # the cursor is now
    for i in range(45):  # more than a page between the top of the sweep and the late status
        fake.arrive(copy.deepcopy(fake.statuses[-1]) | {"uri": f"https://example.invalid/older/{i}"}, now - 600 - i)
    behind = fake.arrive(
        copy.deepcopy(fake.statuses[-1]) | {"uri": "https://example.invalid/behind"}, now - 5 * 3600, 5 * 3600
    )
    _run(config, engine, fake.url)
    assert behind["uri"] not in _stored(engine), "no re-read reaches five hours back"
    sweep = lambda: mastodon.sweep(config, engine, fake.url, TAG, sleep=lambda s: None, max_wait=5, timeout=1)  # noqa: E731
    sweep()
    assert behind["uri"] not in _stored(engine)
    sweep()
    assert _stored(engine) == {s["uri"] for s in fake.statuses}
    sweep()  # the recorded statuses are older than a day: the sweep starts from the top again
    with engine.connect() as conn:
        position = conn.execute(
            text("SELECT value FROM cursors WHERE collector = :c"), {"c": mastodon.sweep_name(fake.url, TAG)}
        ).scalar()
    assert int(position) > int(behind["id"])
