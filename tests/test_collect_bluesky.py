"""atproto against a loopback PDS serving a real recorded PostView, varied; session saved and reused."""

import json
import stat

import pytest
from sqlalchemy import text

from collectors import bluesky
from summitpulse.analysis.health import health
from summitpulse.settings.config import parse_config

from .fakes.bluesky import FakeBluesky
from .test_config import _good


@pytest.fixture
def fake(fixtures_dir, monkeypatch):
    server = FakeBluesky(fixtures_dir, "somesummit")
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_HANDLE", "collector.test")
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_APP_PASSWORD", "app-pass-word-not-real")
    yield server
    server.close()


def _config(base_url, tmp_path):
    data = _good()
    data["event"].update(start="2026-07-01T00:00:00+00:00", end="2026-09-01T00:00:00+00:00")
    data["networks"]["bluesky"]["base_url"] = base_url
    return parse_config(data, base_dir=str(tmp_path))


def _stored(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT native_id FROM posts WHERE network = 'bluesky'"))}


def _run(config, engine):
    bluesky.collect(config, engine, "somesummit", sleep=lambda s: None, max_wait=5, timeout=1)


def test_search_pages_are_stored_and_the_session_is_reused(engine, fake, tmp_path):
    config = _config(fake.url, tmp_path)
    _run(config, engine)
    _run(config, engine)
    assert _stored(engine) == {p["uri"] for p in fake.posts}
    assert fake.logins == 1, "the saved session is reused, not a new createSession per run"
    session = tmp_path / "data/.bluesky-session"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    with engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(text("SELECT * FROM runs")) for v in row)
    assert "app-pass-word-not-real" not in dumped


def test_faults_on_search_are_retried(engine, fake, tmp_path):
    config = _config(fake.url, tmp_path)
    fake.inject("500", "429", "truncated", on="searchPosts")
    _run(config, engine)
    assert _stored(engine) == {p["uri"] for p in fake.posts}
    with engine.connect() as conn:
        faults = health(conn).iloc[0].faults
    assert "rate_limit" in faults and "server_error" in faults


def test_a_backlog_longer_than_one_run_is_finished_by_the_next_runs(engine, fake, tmp_path, monkeypatch):
    """A run stops after MAX_PAGES with a resume state; ``since`` moves to the newest only when the walk is done."""
    from summitpulse.store.engine import get_cursor

    config = _config(fake.url, tmp_path)
    monkeypatch.setattr(bluesky, "MAX_PAGES", 1)
    _run(config, engine)
    with engine.connect() as conn:
        state = get_cursor(conn, "bluesky:search:#somesummit")
    assert state.startswith("{") and len(_stored(engine)) == fake.page_size
    _run(config, engine)
    _run(config, engine)
    assert _stored(engine) == {p["uri"] for p in fake.posts}
    with engine.connect() as conn:
        state = json.loads(get_cursor(conn, "bluesky:search:#somesummit"))
    assert state["newest"] == fake.posts[0]["record"]["createdAt"] and "until" not in state


def test_a_post_deleted_mid_walk_makes_no_other_post_skipped(engine, fake, tmp_path):
    """Offsets shift when a post of the window goes; each page asks for posts older than the last one seen."""

    def delete_the_newest_once():
        fake.after_search = lambda: None
        fake.posts.pop(0)

    fake.after_search = delete_the_newest_once
    everything_else = {p["uri"] for p in fake.posts[1:]}
    _run(_config(fake.url, tmp_path), engine)
    assert _stored(engine) >= everything_else


def test_more_than_a_page_of_posts_at_one_instant_goes_on_by_the_offset(engine, fake, tmp_path):
    for post in fake.posts:
        post["record"]["createdAt"] = "2026-08-01T10:00:00.000Z"
    _run(_config(fake.url, tmp_path), engine)
    assert _stored(engine) == {p["uri"] for p in fake.posts}


def test_a_body_cut_short_an_html_page_and_a_502_are_retried_and_told_apart(engine, fake, tmp_path):
    """httpx's RemoteProtocolError, atproto's ModelError (HTML answered with 200) and a 502 (which atproto raises
    as a NetworkError) are each retried and counted by kind; nothing is lost."""
    fake.inject("cut", "html", "502", on="searchPosts")
    _run(_config(fake.url, tmp_path), engine)
    assert _stored(engine) == {p["uri"] for p in fake.posts}
    with engine.connect() as conn:
        row = health(conn).iloc[0]
        kinds = dict(conn.execute(text("SELECT kind, message FROM collector_events")).all())
    assert row.state == "ok"
    assert {"dropped", "bad_page", "server_error"} <= set(kinds)
    assert kinds["server_error"].startswith("502 Bad Gateway") and "timeout" not in kinds
