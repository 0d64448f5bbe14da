"""Bluesky as it publishes (tests/fakes/bluesky.py cites the lexicons and docs): index lag, device clocks hours
off, a search cursor that runs out, rate limits answered 429 — through the real atproto client."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from collectors import bluesky, cursors
from summitpulse.store.engine import get_cursor

from .fakes.bluesky import BlueskyWindow, FakeBluesky
from .test_collect_bluesky import _config, _stored

NAME = "bluesky:search:#somesummit"


@pytest.fixture
def live(fixtures_dir, monkeypatch):
    """A fake with no posts yet: each test makes them arrive around now."""
    server = FakeBluesky(fixtures_dir, "somesummit", n=0)
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_HANDLE", "collector.test")
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_APP_PASSWORD", "app-pass-word-not-real")
    yield server
    server.close()


def _config_now(url, tmp_path):
    config = _config(url, tmp_path)
    event = config.event.model_copy(update={"start": datetime.now(UTC) - timedelta(days=3)})
    return config.model_copy(update={"event": event})


def _run(config, engine, sleep=lambda s: None):
    bluesky.collect(config, engine, "somesummit", sleep=sleep, max_wait=5, timeout=2)


def _uris(posts) -> set[str]:
    return {p["uri"] for p in posts}


def test_a_post_indexed_late_is_found_by_the_overlap(engine, live, tmp_path):
    """Created before the newest post seen, searchable only after the run: the next run's overlap finds it."""
    config, now = _config_now(live.url, tmp_path), time.time()
    live.arrive(1, now - 30)
    late = live.arrive(2, now - 20, lag=3600)  # not searchable yet
    live.arrive(3, now - 5)
    _run(config, engine)
    assert late["uri"] not in _stored(engine)
    late["indexedAt"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")  # indexed now, 20 s after creation
    _run(config, engine)
    assert _stored(engine) == _uris(live.posts)


def test_a_post_dated_hours_ahead_does_not_move_the_cursor_into_the_future(engine, live, tmp_path):
    config, now = _config_now(live.url, tmp_path), time.time()
    live.arrive(1, now - 10, skew=2 * 3600)  # its device's clock is two hours fast
    _run(config, engine)
    with engine.connect() as conn:
        newest = datetime.fromisoformat(json.loads(get_cursor(conn, NAME))["newest"].replace("Z", "+00:00"))
    assert newest <= datetime.now(UTC) + cursors.TOLERANCE
    later = [live.arrive(i, time.time() - 1) for i in range(2, 8)]
    _run(config, engine)
    assert _uris(later) <= _stored(engine) and _stored(engine) == _uris(live.posts)


def test_a_post_dated_a_day_behind_is_found_by_the_sweep(engine, live, tmp_path):
    """Its sortAt is its createdAt, a day back: only a window reaching that far finds it (every sweep_minutes)."""
    config, now = _config_now(live.url, tmp_path), time.time()
    live.arrive(1, now - 10)
    _run(config, engine)
    behind = live.arrive(2, now - 5, skew=-23 * 3600)
    _run(config, engine)  # within sweep_minutes of the last sweep: the overlap only
    assert behind["uri"] not in _stored(engine)
    bluesky_net = config.networks.bluesky.model_copy(update={"sweep_minutes": 0})
    _run(config.model_copy(update={"networks": config.networks.model_copy(update={"bluesky": bluesky_net})}), engine)
    assert _stored(engine) == _uris(live.posts)


def test_a_backfill_longer_than_one_query_cursor_is_walked_in_time_windows(engine, fixtures_dir, tmp_path, monkeypatch):
    """The offset cursor runs out (10,000 posts on the service, 20 here); each page asks ``until`` instead."""
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_HANDLE", "collector.test")
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_APP_PASSWORD", "app-pass-word-not-real")
    fake = FakeBluesky(fixtures_dir, "somesummit", n=95, page_size=10, cursor_cap=20)
    try:
        _run(_config(fake.url, tmp_path), engine)
        assert _stored(engine) == _uris(fake.posts)
    finally:
        fake.close()


def test_search_without_a_login_is_refused(engine, live, tmp_path):
    """Public search answers 403 since 2025: the fake refuses a request without a bearer token."""
    import httpx

    answer = httpx.get(f"{live.url}/xrpc/app.bsky.feed.searchPosts", params={"q": "#somesummit"})
    assert answer.status_code == 403


def test_the_rate_limit_is_kept_and_429s_are_waited_out(engine, fixtures_dir, tmp_path, monkeypatch):
    """A window of 8 requests a second (RateLimit-* headers, 429 past it): the shared budget keeps the collector
    under it, every post stored."""
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_HANDLE", "collector.test")
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_APP_PASSWORD", "app-pass-word-not-real")
    fake = FakeBluesky(fixtures_dir, "somesummit", n=60, page_size=5, window=BlueskyWindow(8, 1.0))
    try:
        _run(_config(fake.url, tmp_path), engine, sleep=time.sleep)
        assert _stored(engine) == _uris(fake.posts)
        assert fake.window.over_budget == 0
        with engine.connect() as conn:
            limit = conn.execute(
                text("SELECT max(\"limit\") FROM rate_budgets WHERE host NOT LIKE '%createSession'")
            ).scalar()
        assert limit == 8, "the window the headers said"
    finally:
        fake.close()


def test_followers_come_from_profiles_fetched_25_at_a_time_and_once_a_day(engine, live, tmp_path):
    """Search results carry no follower counts: the refresh looks the authors up with getProfiles, at most 25 a
    call, and not again the same day; the figures' accounts (contributors, potential reach) get them."""
    from collectors import refresh
    from summitpulse.figures import adopt

    config, now = _config_now(live.url, tmp_path), time.time()
    with engine.begin() as conn:
        adopt(conn, config)  # the figures kept with the posts, as `collect` opens the store
    dids = [f"did:plc:author{i:03d}" for i in range(30)]
    for i, did in enumerate(dids):
        live.arrive(i, now - 60 + i, author=did)
        live.followers[did] = 1000 + i
    live.followers[dids[0]] = 0  # a real zero, not a missing count
    _run(config, engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM authors WHERE followers IS NOT NULL")).scalar() == 0
    refresh.refresh_bluesky(config, engine, sleep=lambda s: None, max_wait=5, timeout=2)
    assert sorted(len(asked) for asked in live.profile_asks) == [5, 25]
    with engine.connect() as conn:
        authors = dict(conn.execute(text("SELECT author_id, followers FROM authors WHERE network = 'bluesky'")).all())
        accounts = dict(conn.execute(text("SELECT author_id, followers FROM accounts WHERE network = 'bluesky'")).all())
    assert authors == {d: live.followers[d] for d in dids}
    assert accounts == authors, "the figures' reach reads the profiles' followers"
    refresh.refresh_bluesky(config, engine, sleep=lambda s: None, max_wait=5, timeout=2)
    assert len(live.profile_asks) == 2, "looked up once a day, not every refresh"
