"""Impossible dates from outside: collected through the real Jetstream path, then every reader over them."""

import copy
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
import streamlit as st
import yaml
from sqlalchemy import text

from collectors import jetstream
from summitpulse.figures import rebuild_store
from summitpulse.normalise import normalise
from summitpulse.settings.config import load_config
from summitpulse.store.engine import open_store

from .conftest import ROOT, dashboard_app
from .fakes.jetstream import FakeJetstream
from .test_config import _good

IMPOSSIBLE = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
EAST = "Asia/Tokyo"  # east of UTC: 9999-12-31T23:59:59Z is already year 10000 there


def _tagged_event(fixtures_dir) -> dict:
    for line in (fixtures_dir / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines():
        if "IndieRebellion" in line:
            return json.loads(line)
    raise AssertionError("the fixture holds a tagged post")


def hostile_events(fixtures_dir, dates=IMPOSSIBLE) -> list[dict]:
    """The fixture's tagged post again, once per date, each with its own record key."""
    base = _tagged_event(fixtures_dir)
    out = []
    for i, date in enumerate(dates):
        event = copy.deepcopy(base)
        event["time_us"] = 1783175888390226 + 1000 + i
        event["commit"]["rkey"] = f"3zzzzhostile{i}"
        event["commit"]["record"]["createdAt"] = date
        out.append(event)
    return out


def config_file(tmp_path, jetstream_url: str = "ws://127.0.0.1:9/subscribe") -> str:
    data = _good()
    data["event"]["timezone"] = EAST
    data["hashtags"] = {"primary": "#IndieRebellion", "aliases": ["#SoMeSummit"]}
    data["networks"] = {
        "x": {"enabled": False},
        "mastodon": {"enabled": False},
        "bluesky": {"enabled": True, "jetstream": True, "jetstream_url": jetstream_url},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


@pytest.fixture
def collected(store_url, fixtures_dir, tmp_path):
    """A store holding the impossible dates, collected through the Jetstream collector; its config file."""
    fake = FakeJetstream(fixtures_dir, extra=hostile_events(fixtures_dir))
    try:
        path = config_file(tmp_path, fake.url)
        config = load_config(path)
        engine = open_store(store_url, config)
        jetstream.collect(config, engine, sleep=lambda s: None, max_wait=2, timeout=5)
        engine.dispose()
    finally:
        fake.close()
    return store_url, path


def _env(url: str, path: str) -> dict:
    return {**os.environ, "SUMMITPULSE_DATABASE_URL": url, "SUMMITPULSE_ORGANISER_PASSWORD": "pw"}


def test_an_implausible_time_is_kept_as_the_time_collected_and_marked():
    event = {
        "did": "did:plc:a",
        "time_us": 1,
        "kind": "commit",
        "commit": {
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "r",
            "record": {"createdAt": "9999-12-31T23:59:59Z", "text": "hi #x"},
        },
    }
    before = datetime.now(UTC).replace(microsecond=0)
    post = normalise("jetstream_event", event, ["x"]).posts[0]
    assert before <= post.created_at <= datetime.now(UTC)
    assert post.claimed_at == "9999-12-31T23:59:59Z"
    event["commit"]["record"]["createdAt"] = "2014-10-22T14:00:00Z"
    post = normalise("jetstream_event", event, ["x"]).posts[0]
    assert post.created_at == datetime(2014, 10, 22, 14, tzinfo=UTC) and post.claimed_at == ""


def test_impossible_dates_collected_from_jetstream_are_stored_marked(collected):
    url, _ = collected
    engine = open_store(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT created_ts, claimed_at FROM posts JOIN claimed_times USING (network, native_id) "
                "WHERE native_id LIKE '%hostile%'"
            )
        ).all()
    engine.dispose()
    assert sorted(r.claimed_at for r in rows) == IMPOSSIBLE
    now = datetime.now(UTC).timestamp()
    assert all(now - 600 < r.created_ts <= now for r in rows)


@pytest.fixture
def fresh_caches():
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("page", ["live", "theme", "participants", "contributors", "health", "export", "report"])
def test_every_page_shows_a_store_holding_impossible_dates(collected, monkeypatch, fresh_caches, page):
    url, path = collected
    _hold_raw_dates(url, path)
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", path)
    at = dashboard_app()
    at.session_state["organiser"] = True
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception


def _hold_raw_dates(url: str, path: str) -> None:
    """The store as an older release left it: the impossible dates themselves as the posts' times, counted."""
    engine = open_store(url)
    with engine.begin() as conn:
        for i, (ts, stamp) in enumerate([(-62135596800, "0001-01-01 00:00:00"), (253402300799, "9999-12-31 23:59:59")]):
            at = stamp if conn.dialect.name == "sqlite" else datetime.fromisoformat(stamp).replace(tzinfo=UTC)
            conn.execute(
                text("UPDATE posts SET created_ts = :ts, created_at = :at WHERE native_id LIKE :id"),
                {"ts": ts, "at": at, "id": f"%hostile{i}"},
            )
    rebuild_store(engine, load_config(path))
    engine.dispose()


def test_report_export_and_import_over_impossible_dates(collected, tmp_path, fixtures_dir):
    url, path = collected
    _hold_raw_dates(url, path)
    archive = tmp_path / "hostile.jsonl"
    archive.write_text("".join(json.dumps(e) + "\n" for e in hostile_events(fixtures_dir, ["9999-12-31T23:59:59Z"])))
    for args in (
        ["report", "--out", str(tmp_path / "report.html")],
        ["export", "posts", "--out", str(tmp_path / "posts.csv")],
        ["import", str(archive)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "summitpulse", "--config", path, *args],
            cwd=ROOT,
            env=_env(url, path),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (args, done.stderr[-3000:])


def test_organisers_see_which_posts_claimed_an_impossible_date(collected, monkeypatch, fresh_caches):
    url, path = collected
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", path)
    pages = {}
    for page in ("health", "moderation"):
        at = dashboard_app()
        at.session_state["organiser"] = True
        at.switch_page(f"pages/{page}.py")
        pages[page] = at.run()
        assert not at.exception, at.exception
    assert any("2 posts claimed an impossible date" in w.value for w in pages["health"].warning)
    claims = next(f.value for f in pages["health"].dataframe if "claimed_at" in f.value.columns)
    assert sorted(claims.claimed_at) == IMPOSSIBLE
    captions = [c.value for c in pages["moderation"].caption]
    for date in IMPOSSIBLE:
        assert any(f"dated {date} by its sender" in c for c in captions), captions
