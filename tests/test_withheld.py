"""Blocked, hidden, spam and opted-out accounts are gone from every public surface: the leaders, the rankings,
the network and the report name nobody a moderator withheld (both backends; the live screen in AppTest and in
a real Chromium)."""

import shutil
from datetime import UTC, datetime

import pytest
import streamlit as st

from summitpulse.analysis import contributors, graph, moderation
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.visibility import withheld
from summitpulse.figures import adopt
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.store.clock import event_now
from summitpulse.store.engine import ingest, open_store

from .browser import chrome, drawn, require_browser, streamlit_server
from .conftest import ROOT, dashboard_app

NOW = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
PEOPLE = {"1": "goodwin", "2": "spammer", "3": "troll", "4": "shouty", "5": "quiet"}


def _blocking(config, *accounts):
    return config.model_copy(update={"moderation": config.moderation.model_copy(update={"blocked_accounts": accounts})})


def _store(engine, config):
    with engine.begin() as conn:
        adopt(conn, config)
    authors = [Author("x", i, h, h.title(), followers=10) for i, h in PEOPLE.items()]
    posts = [
        Post("x", f"{i}{n}", i, NOW.replace(minute=n), f"post {n} by {h} @goodwin #SoMeSummit", mentions=["1"])
        for i, h in PEOPLE.items()
        for n in range(3)
    ]
    ingest(engine, Batch(posts=posts, authors=authors))


def test_blocked_hidden_and_spam_accounts_are_withheld_and_left_out_of_rankings_and_the_network(engine, config):
    _store(engine, config)
    config = _blocking(config, "x:@troll")
    with engine.begin() as conn:
        moderation.block(conn, "account", "x: spammer", "spam", "tester")  # as an organiser might type it
        moderation.set_status(conn, "x", "40", "hidden", "abusive", "tester")
        moderation.set_status(conn, "x", "50", "spam", "link farm", "tester")
    with engine.connect() as conn:
        assert withheld(conn, config) == {"x:2", "x:3", "x:4", "x:5"}
        ranked = contributors.table(conn, config, Filters())
        assert set(ranked.handle) == {"goodwin"}
        leaders = contributors.leaders(conn, config, Filters(int(NOW.timestamp()) - 3600, int(NOW.timestamp()) + 600))
        assert list(leaders.handle) == ["goodwin"]
        nodes, _ = graph.conversation(conn, config, Filters(), dict(zip(ranked.person, ranked.handle)))
        assert set(nodes.key) <= {"x:1"}


def test_a_bare_handle_blocks_it_on_every_network(engine, config):
    _store(engine, config)
    config = _blocking(config, "@Shouty")
    with engine.connect() as conn:
        assert withheld(conn, config) == {"x:4"}


@pytest.fixture
def demo_copy(demo_url, tmp_path):
    """The demo day in a store of this test's own: blocking in it leaves the shared one alone."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def _leader(url: str) -> tuple[str, str]:
    """The live screen's #1 of the last hour in the store at ``url``: (network:handle to block, handle shown)."""
    from summitpulse.settings.config import load_config

    config, engine = load_config(ROOT / "config.yaml"), open_store(url)
    with engine.connect() as conn:
        now = event_now(conn)
        top = contributors.leaders(conn, config, Filters(now - 3600, now + 1), 1).iloc[0]
    engine.dispose()
    return f"{top.network}:@{top.handle.lstrip('@')}", top.handle.lstrip("@")


def _block(url: str, account: str) -> None:
    engine = open_store(url)
    with engine.begin() as conn:
        moderation.block(conn, "account", account, "abusive", "tester")
    engine.dispose()


def test_a_blocked_leader_leaves_the_live_screen_in_apptest(demo_copy, monkeypatch):
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_copy)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    account, handle = _leader(demo_copy)  # the #1 until blocked
    _block(demo_copy, account)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = dashboard_app()
    at.query_params["kiosk"] = "1"
    html = "\n".join(m.value for m in at.run().markdown)
    leaders = html[html.index("sp-panel sp-p-leaders") :]
    assert "sp-rank" in leaders and handle not in leaders


@pytest.mark.browser
def test_a_blocked_leader_leaves_the_live_screen_in_chromium(demo_copy):
    require_browser()
    account, handle = _leader(demo_copy)
    _block(demo_copy, account)
    with streamlit_server(demo_copy) as base:
        driver = chrome(1920, 1080)
        try:
            driver.get(base + "/?kiosk=1")
            drawn(driver, "/")
            leaders = driver.find_element("css selector", ".sp-p-leaders").text
            assert "Leading the conversation" in leaders and handle not in leaders
        finally:
            driver.quit()
