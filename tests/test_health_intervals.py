"""Collector health judges each collector stalled by its own interval (issue 17), the one the scheduler runs it at."""

from __future__ import annotations

import pytest

from collectors.scheduler import build_jobs
from summitpulse.analysis.health import health
from summitpulse.settings.config import Networks
from summitpulse.settings.intervals import interval
from summitpulse.store.engine import finish_run, start_run

MASTODON = "mastodon:mastodon.social:#somesummit"
RUNS = {  # each collector's run → seconds after which it is stalled (three of its intervals)
    "x:search:#SoMeSummit": 3 * 30,
    "bluesky:search:#somesummit": 3 * 600,
    "bluesky:jetstream": 3 * 60,  # Jetstream runs a minute at a time, whatever search polls
    MASTODON: 3 * 120,
    f"{MASTODON}:sweep": 3 * 60,
    f"{MASTODON}:stream": 3 * 300,
    "x:refresh": 3 * 300,  # a refresh runs every five minutes at least (five of X's 30 s would be less)
}


@pytest.fixture
def polls(config):
    nets = config.networks.model_dump()
    nets["x"]["poll_seconds"], nets["mastodon"]["poll_seconds"], nets["bluesky"]["poll_seconds"] = 30, 120, 600
    return config.model_copy(update={"networks": Networks(**nets)})


def test_the_scheduler_runs_every_job_at_the_interval_health_judges_it_by(polls, sqlite_engine):
    jobs = build_jobs(polls, sqlite_engine)
    assert {job.name.partition(":")[0] for job in jobs} == {"x", "mastodon", "bluesky"}
    assert all(job.interval == interval(polls, job.name) for job in jobs), [(j.name, j.interval) for j in jobs]


def test_each_collector_is_stalled_after_three_of_its_own_intervals(engine, polls):
    with engine.begin() as conn:
        for name in RUNS:
            finish_run(conn, start_run(conn, name), fetched=1, new=1, updated=0, errors=0)
    with engine.connect() as conn:
        ended = health(conn, polls).set_index("collector").last_run.max().timestamp()
        for name, limit in RUNS.items():
            states = health(conn, polls, now=ended + limit - 5).set_index("collector").state
            later = health(conn, polls, now=ended + limit + 5).set_index("collector").state
            assert (states[name], later[name]) == ("ok", "stalled"), name
