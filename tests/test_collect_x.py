"""tweepy against a loopback recent-search server serving real tweets, with faults."""

import pytest
from sqlalchemy import text

from collectors import x
from summitpulse.analysis.health import health
from summitpulse.settings.config import parse_config

from .fakes.x import FakeX
from .test_config import _good


@pytest.fixture
def fake(fixtures_dir, monkeypatch):
    server = FakeX(fixtures_dir)
    monkeypatch.setenv("SUMMITPULSE_X_BEARER_TOKEN", "test-bearer-token-not-real")
    yield server
    server.close()


def _config(base_url, **x):
    data = _good()
    data["networks"]["x"].update(base_url=base_url, **x)
    return parse_config(data)


def _stored(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT native_id FROM posts WHERE network = 'x'"))}


def _ids(fake) -> set[str]:
    return {t["id"] for t in fake.tweets.values() if t.get("author_id")}


def _run(config, engine):
    x.collect(config, engine, sleep=lambda s: None, max_wait=5, timeout=1)


def test_pages_back_then_since_id(engine, fake):
    config = _config(fake.url)
    _run(config, engine)
    assert _stored(engine) == _ids(fake)
    assert any("next_token" in p for _, p in fake.requests)
    _run(config, engine)
    assert "since_id=" in fake.requests[-1][1]
    assert _stored(engine) == _ids(fake)


def test_429_5xx_timeout_and_truncated_pages_are_retried_and_shown(engine, fake):
    config = _config(fake.url)
    fake.inject("429", "500", "timeout", on="search")
    _run(config, engine)
    assert _stored(engine) == _ids(fake)
    fake.inject("truncated", on="search")
    _run(config, engine)
    with engine.connect() as conn:
        row = health(conn).iloc[0]
    for kind in ("rate_limit", "server_error", "timeout", "bad_page"):
        assert kind in row.faults
    assert "test-bearer-token-not-real" not in row.faults + row.last_message


def test_without_a_token_the_run_says_so(engine, fake, monkeypatch):
    monkeypatch.delenv("SUMMITPULSE_X_BEARER_TOKEN")
    _run(_config(fake.url), engine)
    with engine.connect() as conn:
        row = health(conn).iloc[0]
    assert "SUMMITPULSE_X_BEARER_TOKEN" in row.last_message and not fake.requests


def test_a_page_that_keeps_failing_stops_the_run_and_the_next_run_catches_up(engine, fake):
    config = _config(fake.url)
    fake.inject("500", "500", "500", "500", on="search")
    _run(config, engine)
    assert _stored(engine) == set()
    _run(config, engine)
    assert _stored(engine) == _ids(fake)


def test_a_backlog_longer_than_one_run_is_finished_by_the_next_runs(engine, fake, monkeypatch):
    """A run stops after MAX_PAGES with a resume state; the since_id moves only when the walk is done."""
    from summitpulse.store.engine import get_cursor

    config = _config(fake.url)
    monkeypatch.setattr(x, "MAX_PAGES", 2)
    _run(config, engine)
    with engine.connect() as conn:
        state = get_cursor(conn, f"x:search:{x.query(config)}")
    assert state.startswith("{") and _stored(engine) < _ids(fake)  # two pages of four: not all yet
    for _ in range(len(_ids(fake)) // 8 + 1):
        _run(config, engine)
    assert _stored(engine) == _ids(fake)
    with engine.connect() as conn:
        assert not get_cursor(conn, f"x:search:{x.query(config)}").startswith("{")


def test_a_body_cut_short_an_html_page_and_a_502_are_retried_and_told_apart(engine, fake):
    """requests' ChunkedEncodingError (connection dropped mid-body) is retried, not a traceback; a 502 is a
    server error, never a timeout; an HTML page is an unreadable page."""
    fake.inject("cut", "html", "502", on="search")
    _run(_config(fake.url), engine)
    assert _stored(engine) == _ids(fake)
    with engine.connect() as conn:
        row = health(conn).iloc[0]
        kinds = dict(conn.execute(text("SELECT kind, message FROM collector_events")).all())
    assert row.state == "ok"
    assert {"dropped", "bad_page", "server_error"} <= set(kinds)
    assert kinds["server_error"].startswith("502 Bad Gateway") and "timeout" not in kinds


def test_reads_are_counted_as_billed_and_collection_stops_at_the_budget(engine, fake):
    """Pay-per-use: each post and user returned is billed once a UTC day. A run stops before a page could take the
    estimated spend past the budget; raising the budget goes on from the stored state, nothing lost."""
    from summitpulse.analysis.health import x_usage

    tight = _config(fake.url, budget_usd=1.55)  # a page of 100 posts and 100 users could cost $1.50
    _run(tight, engine)
    with engine.connect() as conn:
        usage, faults = x_usage(conn, tight), health(conn).iloc[0].faults
    assert 0 < usage.spend_usd <= usage.budget_usd and "budget" in faults
    assert usage.posts >= len(_stored(engine)) and _stored(engine) < _ids(fake)
    asked = len(fake.requests)
    _run(tight, engine)
    assert len(fake.requests) == asked, "no request once the budget is reached"
    _run(_config(fake.url, budget_usd=50), engine)
    with engine.connect() as conn:
        again = x_usage(conn, tight)
    assert _stored(engine) == _ids(fake) and again.posts == len(fake.tweets)  # each billed once today


def test_a_tweet_reaching_search_late_is_found_by_the_overlap(engine, fake):
    """X gives a tweet its id when it is created; it reaches recent search a moment later, behind tweets with
    higher ids already read. ``since_id`` alone skips it; the overlap re-reads back from now."""
    import time

    config, now = _config(fake.url), time.time()
    like = next(t for t in fake.tweets.values() if t.get("author_id"))
    fake.arrive(like, now - 20)
    late = fake.arrive(like, now - 10, lag=3600)  # created before the next one, not searchable yet
    fake.arrive(like, now - 5)
    _run(config, engine)
    assert late["id"] not in _stored(engine)
    fake.searchable[late["id"]] = 0
    _run(config, engine)
    assert late["id"] in _stored(engine) and _stored(engine) == _ids(fake)


def test_the_rate_window_is_kept_from_the_headers(engine, fixtures_dir, monkeypatch):
    """A window of 6 requests a second (x-rate-limit-* on every answer, 429 past it): never exceeded."""
    import time

    from .fakes.x import XWindow

    monkeypatch.setenv("SUMMITPULSE_X_BEARER_TOKEN", "test-bearer-token-not-real")
    fake = FakeX(fixtures_dir, page_size=2, window=XWindow(6, 1.0))
    try:
        x.collect(_config(fake.url), engine, sleep=time.sleep, max_wait=5, timeout=2)
        assert _stored(engine) == _ids(fake) and fake.window.over_budget == 0
    finally:
        fake.close()


def test_the_refresh_looks_tweets_up_100_at_a_time_within_the_budget(engine, fake):
    """Tweet lookup takes 100 ids a call and is billed like search: at the budget it asks nothing."""
    from datetime import UTC, datetime

    from collectors import refresh

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    like = next(t for t in fake.tweets.values() if t.get("author_id"))
    for i in range(150):
        fake.tweets[str(10**18 + i)] = {**like, "id": str(10**18 + i), "created_at": now}
    config = _config(fake.url, budget_usd=50)
    _run(config, engine)
    refresh.refresh_x(config, engine, sleep=lambda s: None, max_wait=5, timeout=2)
    from urllib.parse import parse_qs, urlparse

    lookups = [parse_qs(urlparse(p).query)["ids"][0].split(",") for _, p in fake.requests if p.startswith("/2/tweets?")]
    assert len(lookups) >= 2 and max(map(len, lookups)) == 100
    asked = len(fake.requests)
    refresh.refresh_x(_config(fake.url, budget_usd=1.0), engine, sleep=lambda s: None, max_wait=5, timeout=2)
    assert len(fake.requests) == asked
