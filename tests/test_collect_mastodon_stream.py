"""Mastodon streaming (Mastodon.py stream_hashtag over real HTTP) where an instance has a token; refusals shown."""

import copy
import threading
import time

import pytest
from sqlalchemy import text

from collectors import mastodon, mastodon_stream
from collectors.scheduler import build_jobs
from summitpulse.analysis.health import health

from .fakes.mastodon import FakeMastodon
from .test_collect_mastodon import TAG, _config, _run, _stored


@pytest.fixture
def fake(fixtures_dir):
    server = FakeMastodon(fixtures_dir)
    yield server
    server.close()


def test_a_streamed_status_is_stored_within_seconds(engine, fake, monkeypatch):
    monkeypatch.setenv("SUMMITPULSE_MASTODON_TOKEN", "stream-token")
    config = _config(fake.url)
    seen = {}

    def post_and_watch():
        time.sleep(0.5)
        status = fake.arrive(copy.deepcopy(fake.statuses[-1]) | {"uri": "https://example.invalid/live"}, time.time())
        posted = time.monotonic()
        while "live" not in seen and time.monotonic() - posted < 3:
            if status["uri"] in _stored(engine):
                seen["live"] = time.monotonic() - posted
            time.sleep(0.02)

    watcher = threading.Thread(target=post_and_watch)
    watcher.start()
    mastodon_stream.stream(config, engine, fake.url, TAG, sleep=time.sleep, max_wait=5, timeout=2)
    watcher.join()
    assert "live" in seen, "the status came through the stream before the run ended"
    assert any(p.startswith("/api/v1/streaming/hashtag") for _, p in fake.requests)
    with engine.connect() as conn:
        row = health(conn).set_index("collector").loc[mastodon_stream.job_name(fake.url, TAG)]
    assert row.state == "ok" and row.new == 1


def test_streams_run_only_where_an_instance_has_a_token(engine, fake, monkeypatch):
    monkeypatch.delenv("SUMMITPULSE_MASTODON_TOKEN", raising=False)
    config = _config(fake.url)
    assert not [j for j in build_jobs(config, engine) if j.name.endswith(":stream")]
    monkeypatch.setenv("SUMMITPULSE_MASTODON_TOKEN", "t")
    assert [j.name for j in build_jobs(config, engine) if j.name.endswith(":stream")] == [
        mastodon_stream.job_name(fake.url, TAG)
    ]


def test_a_refused_stream_and_a_refused_anonymous_timeline_are_shown_not_raised(engine, fake, monkeypatch):
    monkeypatch.delenv("SUMMITPULSE_MASTODON_TOKEN", raising=False)
    fake.refuse_anonymous = True  # the admin setting of late 2025: no hashtag timeline for logged-out readers
    config = _config(fake.url)
    _run(config, engine, fake.url)
    mastodon_stream.stream(config, engine, fake.url, TAG, sleep=lambda s: None, max_wait=2, timeout=2)
    with engine.connect() as conn:
        states = health(conn).set_index("collector")
        message = conn.execute(text("SELECT message FROM collector_events WHERE kind = 'refused'")).scalars().all()
    assert states.loc[mastodon.job_name(fake.url, TAG)].state == "refused"
    assert states.loc[mastodon_stream.job_name(fake.url, TAG)].state == "refused"
    assert any("SUMMITPULSE_MASTODON_TOKEN" in m for m in message)
