"""Where organisers and remote attendees meet issue 21's features on the pages (AppTest, on a copy of the demo)."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from summitpulse.alerts.incidents import record
from summitpulse.alerts.rules import SCREEN_HEARTBEAT, Finding
from summitpulse.store import schema
from summitpulse.store.engine import open_store
from summitpulse.ui import data

from .conftest import ROOT, dashboard_app


@pytest.fixture
def demo_copy(demo_copy_url, monkeypatch):
    """A copy of the demo store: these pages write to it (a heartbeat, incidents)."""
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_copy_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "correct horse")
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = open_store(demo_copy_url)
    with engine.begin() as conn:  # other pages' tests may have shown the kiosk on the shared demo store
        conn.execute(schema.heartbeats.delete())
    yield engine
    engine.dispose()


def _app(page: str, **params) -> AppTest:
    at = dashboard_app()
    at.session_state["organiser"] = True
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py")
    return at.run()


def test_the_hall_screen_says_it_is_alive(demo_copy):
    _app("live")  # a screen on a laptop is not the hall's: no heartbeat
    with demo_copy.connect() as conn:
        assert conn.execute(select(schema.heartbeats)).all() == []
    assert not _app("live", kiosk="1").exception
    with demo_copy.connect() as conn:
        [(name, ts)] = conn.execute(select(schema.heartbeats)).all()
    assert name == SCREEN_HEARTBEAT and ts > 0


def test_the_health_page_lists_what_was_sent(demo_copy):
    with demo_copy.begin() as conn:
        record(conn, {"spike": [Finding("spike", "spike", "Spike: <b>90</b> posts in the last 15 minutes", "live")]}, 1)
    at = _app("health")
    assert not at.exception
    assert any("No channel to tell" in w.value for w in at.warning)
    frames = [df.value for df in at.dataframe]
    alerts = next(f for f in frames if "summary" in getattr(f, "columns", []))
    assert (
        alerts.summary.iloc[0] == "Spike: <b>90</b> posts in the last 15 minutes" and alerts.notified.iloc[0] == "due"
    )


def _gathered(at: AppTest) -> AppTest:
    """The page again once the recaps its first run asked for are gathered (on the process's background thread)."""
    jobs, _ = data._jobs()
    for _, job in list(jobs.values()):
        job.result()
    return at.run()


def test_what_you_missed_on_the_theme_page(demo_copy):
    at = _app("theme", theme_name="Education theory")
    assert "Gathering the recap" in "\n".join(m.value for m in at.markdown)  # the page does not wait for it
    at = _gathered(at)
    html = "\n".join(m.value for m in at.markdown)
    assert "What you missed" in html and "sp-recap" in html and 'class="sp-cite"' in html
    assert "Social learning and pedagogy" in html and not [b for b in at.selectbox if b.key == "missed_session"]
    two = _gathered(_app("theme", theme_name="Social-media scholarship"))  # its theme's sessions only, the latest first
    assert two.selectbox(key="missed_session").options == [
        "14:00 Workshop: evaluating digital scholarship",
        "13:00 Keynote: Is a tweet scholarship?",
    ]


def test_recaps_on_the_programme_page(demo_copy):
    at = _app("programme")
    assert (
        not at.exception
        and at.selectbox(key="recap_session").value.title == "Closing: where next for #MedEd social media"
    )
    assert any("sp-recap" in m.value for m in at.markdown)
