"""Rate budgets per host, kept in the store and shared by every job and process, read from the answers' headers."""

import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from collectors import budget, mastodon
from collectors.runs import Run
from summitpulse.store import schema
from summitpulse.store.engine import open_store

from .conftest import ROOT, dashboard_app
from .fakes.mastodon import FakeMastodon, Window
from .test_collect_mastodon import TAG, _config


def _row(engine, host):
    with engine.connect() as conn:
        return conn.execute(select(schema.rate_budgets).where(schema.rate_budgets.c.host == host)).one()


def test_each_network_s_headers_are_read():
    assert budget.MASTODON.read(
        {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "12", "x-ratelimit-reset": "2026-08-01T10:05:00.000000Z"}
    ) == (300, 12, 1785578700.0)
    assert budget.X.read({"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "17"}) == (
        450,
        0,
        17.0,
    )
    assert budget.BLUESKY.read({"RateLimit-Limit": "3000", "RateLimit-Remaining": "1", "RateLimit-Reset": "9"})[1] == 1
    assert budget.MASTODON.read({"X-RateLimit-Limit": "300"}) is None
    assert (
        budget.MASTODON.read({"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1"})
        is None
    )


def test_the_headers_set_the_window_and_what_is_left_is_never_more_than_they_say(engine):
    now = time.time()
    assert budget.take(engine, "h", budget.MASTODON, now) == 0
    reset = now + 100
    headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "6", "X-RateLimit-Reset": str(reset)}
    budget.note(engine, "h", budget.MASTODON, headers, 200)
    assert (_row(engine, "h").limit, _row(engine, "h").remaining) == (10, 6)
    budget.take(engine, "h", budget.MASTODON, now)  # another job's request, in flight when the next answer came
    budget.note(engine, "h", budget.MASTODON, {**headers, "X-RateLimit-Remaining": "6"}, 200)
    assert _row(engine, "h").remaining == 5, "the same window: the smaller count"
    budget.take(engine, "h", budget.MASTODON, now)
    budget.take(engine, "h", budget.MASTODON, now)
    wait = budget.take(engine, "h", budget.MASTODON, now)
    assert 99 < wait <= 100, "the margin is kept: the next request waits for the window's end"
    later = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9", "X-RateLimit-Reset": str(reset + 100)}
    budget.note(engine, "h", budget.MASTODON, later, 429)
    row = _row(engine, "h")
    assert (row.remaining, row.refused) == (9, 1), "a new window is the headers' word; a 429 is counted"


TAKER = """
import sys
from collectors import budget
from summitpulse.store.engine import connect
engine = connect(sys.argv[1])
print(sum(budget.take(engine, "shared.example", budget.MASTODON) == 0 for _ in range(200)))
"""


def test_several_processes_share_one_budget(store_url):
    open_store(store_url).dispose()
    procs = [
        subprocess.Popen([sys.executable, "-c", TAKER, store_url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    granted = sum(int(p.communicate(timeout=240)[0]) for p in procs)
    assert granted == budget.MASTODON.limit - budget.MASTODON.margin


def test_a_spent_budget_waits_on_the_run_s_clock_or_ends_the_run(engine):
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    with Run(engine, "test:budget", sleep=sleep, max_wait=1000) as run:
        token = budget.current.set(run)
        for _ in range(budget.MASTODON.limit - budget.MASTODON.margin):
            budget.spend(engine, "h2", budget.MASTODON)
        with engine.begin() as conn:  # the window ends now: the wait is short, then the request goes
            conn.execute(schema.rate_budgets.update().values(reset_ts=time.time() + 0.5))
        budget.spend(engine, "h2", budget.MASTODON)
        budget.current.reset(token)
    assert len(waits) == 1 and 0 < waits[0] <= 0.6
    assert run.counts["requests"] == budget.MASTODON.limit - budget.MASTODON.margin + 1
    with Run(engine, "test:budget", sleep=sleep, max_wait=1) as run:
        token = budget.current.set(run)
        with engine.begin() as conn:
            conn.execute(schema.rate_budgets.update().values(remaining=0, reset_ts=time.time() + 60))
        with pytest.raises(budget.StopRun):
            budget.spend(engine, "h2", budget.MASTODON)
        budget.current.reset(token)


def test_mastodon_py_spends_from_the_instance_budget_and_never_exceeds_it(engine, fixtures_dir, monkeypatch):
    """A fake instance allowing 8 requests per 2-second window: collection and refresh, paged 2 statuses at a
    time, need several windows; no window ever sees more than its limit, and everything is stored."""
    from collectors import refresh

    monkeypatch.setattr(mastodon, "PAGE", 2)
    fake = FakeMastodon(fixtures_dir, window=Window(limit=8, period=2))
    try:
        config = _config(fake.url)
        for _ in range(6):
            mastodon.collect(config, engine, fake.url, TAG, sleep=time.sleep, max_wait=5, timeout=2)
            refresh.refresh_mastodon(config, engine, fake.url, sleep=time.sleep, max_wait=5, timeout=2)
        assert fake.window.over_budget == fake.paging.over_budget == 0 and fake.window.busiest() <= 8
        with engine.connect() as conn:
            stored = {r[0] for r in conn.execute(select(schema.posts.c.native_id))}
            runs = conn.execute(select(schema.runs.c.requests, schema.runs.c.host)).all()
        assert stored == {s["uri"] for s in fake.statuses}
        assert sum(r.requests for r in runs) == len(fake.requests)
        assert {r.host for r in runs if r.requests} == {mastodon.instance_key(fake.url)}
        assert any(r.requests > 8 for r in runs), "a run that needed more than one window waited for the next"
    finally:
        fake.close()


def test_mastodon_s_paging_window_is_budgeted_apart_from_the_general_one(engine, fixtures_dir, monkeypatch):
    """Mastodon counts a request with min_id/max_id/since_id/page in a second, tighter window as well
    (``throttle_authenticated_paging``, 300 per 15 minutes): batch lookups answered from the roomy general window
    must not make the collector page past the paging one."""
    from collectors import refresh

    monkeypatch.setattr(mastodon, "PAGE", 2)
    fake = FakeMastodon(fixtures_dir, window=Window(limit=200, period=1), paging=Window(limit=6, period=4))
    try:
        config = _config(fake.url)
        for _ in range(4):
            mastodon.collect(config, engine, fake.url, TAG, sleep=time.sleep, max_wait=5, timeout=2)
            refresh.refresh_mastodon(config, engine, fake.url, sleep=time.sleep, max_wait=5, timeout=2)
        assert fake.paging.over_budget == fake.window.over_budget == 0 and fake.paging.busiest() <= 6
        with engine.connect() as conn:
            stored = {r[0] for r in conn.execute(select(schema.posts.c.native_id))}
        assert stored == {s["uri"] for s in fake.statuses}
    finally:
        fake.close()


def test_the_health_page_shows_requests_against_each_budget_and_faults_by_kind(tmp_path, monkeypatch):
    import streamlit as st

    url = f"sqlite:///{tmp_path}/health.db"
    engine = open_store(url)
    with Run(engine, "mastodon:social.example:#tag") as run:
        token = budget.current.set(run)
        for _ in range(3):
            budget.spend(engine, "social.example", budget.MASTODON)
        budget.current.reset(token)
        reset = time.time() + 120
        headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "290", "X-RateLimit-Reset": str(reset)}
        budget.note(engine, "social.example", budget.MASTODON, headers, 200)
        run.fault("rate_limit", "429 <script>x</script>")
    engine.dispose()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = dashboard_app()
    at.session_state["organiser"] = True
    at.switch_page("pages/health.py")
    at.run()
    assert not at.exception, at.exception
    frames = [f.value for f in at.dataframe]
    collectors = next(f for f in frames if "budget" in getattr(f, "columns", []))
    row = collectors.iloc[0] if hasattr(collectors, "iloc") else collectors.data.iloc[0]
    assert row["requests"] == 3 and row["budget"].startswith("10 of 300 used") and "rate_limit: 1" in row["faults"]
    assert any("Rate budgets" in h.value for h in at.subheader)
