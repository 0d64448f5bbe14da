"""One engine per process, and cached, pre-aggregated queries with a TTL no longer than the refresh.

Fifty viewers share these caches: the database answers each query once per
refresh interval, whatever the audience.
"""

from __future__ import annotations

import os
import time

import pandas as pd
import streamlit as st

from ..alerts import incidents
from ..alerts.rules import write_heartbeat
from ..analysis import contributors, graph, identity, metrics, participation, programme, stakeholders, themes, topics
from ..analysis import health as health_mod
from ..analysis import recaps as recap_mod
from ..analysis import wall as wall_mod
from ..analysis.completeness import estimate
from ..analysis.filters import Filters
from ..analysis.tallies import BUCKET_S, SNAPSHOT_EVERY_S, Tallies
from ..analysis.visibility import anonymised
from ..outputs import recaps
from ..settings.config import Config, load_config
from ..store.clock import now_ts
from ..store.engine import open_store
from . import charts, screen_charts
from .periodic import Periodic


@st.cache_resource
def config() -> Config:
    return load_config(os.environ.get("SUMMITPULSE_CONFIG", "config.yaml"))


@st.cache_resource
def engine():
    return open_store(config().effective_database_url)


# Shorter than the refresh interval, so every refresh finds fresh data rather than the entry
# that expires a moment later; never longer than it, so fifty viewers cost one query per refresh.
TTL = config().dashboard.refresh_seconds * 0.8
SLOW_TTL = max(TTL, 30)  # organiser-page aggregates and topic models only; never the live screen's counters


def _run(fn, *args):
    with engine().connect() as conn:
        return fn(conn, config(), *args)


@st.cache_resource(ttl=TTL, max_entries=64, show_spinner=False)
def figure(name: str, frame: pd.DataFrame, *args, **kwargs):
    """``charts.<name>(frame, ...)`` — or the live screen's own HTML for "screen_charts.<name>" — built once per
    data snapshot and shared by every viewer: plotly's builders cost ~30 ms a chart, the screen's ~6 ms, per
    viewer per refresh. What it returns is only read afterwards."""
    module, _, function = name.rpartition(".")
    return getattr(screen_charts if module == "screen_charts" else charts, function)(frame, *args, **kwargs)


@st.cache_data(ttl=TTL, show_spinner=False)
def in_event_zone(times: pd.Series) -> pd.Series:
    """UTC datetimes, or epoch seconds, as the event's local times (what every page shows)."""
    if not pd.api.types.is_datetime64_any_dtype(times):
        times = pd.to_datetime(times, unit="s", utc=True)
    return times.dt.tz_convert(config().event.tz)


def clock() -> int:
    with engine().connect() as conn:
        return now_ts(conn)


@st.cache_resource
def tallies() -> Tallies:
    """The live screen's incremental counters, shared by every viewer of this process; they go on from the
    store's snapshot, so a restarted dashboard does not read every post again (33 s at a million)."""
    counts = Tallies(config())
    with engine().connect() as conn:
        counts.restore(conn)
    return counts


def tallied() -> Tallies:
    """The tallies, brought up to date (the several queries of one refresh share one update)."""
    counts = tallies()
    with engine().connect() as conn:
        counts.update(conn, within=TTL / 2)
    _snapshots()  # started once, with the first refresh
    return counts


def _keep_tallies() -> None:
    counts = tallies()
    if counts.unsaved:
        with engine().begin() as conn:
            counts.save(conn)


@st.cache_resource
def _snapshots() -> Periodic:
    """Keeps the tallies in the store every SNAPSHOT_EVERY_S on a background thread, never inside a refresh
    (4 s at a million posts), for the next process and the report."""
    return Periodic(_keep_tallies, every=SNAPSHOT_EVERY_S, initial=None)


def _whole_event(filters: Filters) -> bool:
    """Filters the tallies answer: the whole event, any networks, no theme."""
    return filters.start_ts is None and filters.end_ts is None and not filters.themes


@st.cache_data(ttl=TTL, show_spinner=False)
def headline(filters: Filters, now: int) -> dict:
    if _whole_event(filters):
        return tallied().headline(filters.clean(config()).networks, now)
    return _run(metrics.headline, filters, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def timeline(filters: Filters, bucket_s: int) -> pd.DataFrame:
    return _run(metrics.timeline, filters, bucket_s)


@st.cache_data(ttl=TTL, show_spinner=False)
def people() -> pd.DataFrame:
    """Every participant; a person with an opted-out account is anonymous."""
    return anonymised(config(), tallied().people())


def forget_people() -> None:
    """After an organiser's override or link: the next read of participants sees it."""
    tallies().expire()
    for cached in (people, identity_suggestions, identity_links):
        cached.clear()


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def identity_suggestions() -> pd.DataFrame:
    return _run(identity.suggest)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def identity_links() -> pd.DataFrame:
    with engine().connect() as conn:
        return identity.confirmed(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def split(filters: Filters, now: int) -> dict[str, int]:
    """Participants by label among those who posted in ``filters``, as ``headline`` counts them beside it (the
    same clock keys both, so their figures add up): the whole event from the tallies, a window through SQL."""
    counts, f = tallied(), filters.clean(config())
    if f.start_ts is not None or f.end_ts is not None:
        return counts.split_among(_run(metrics.authors, filters))
    if f.networks or f.themes:
        return counts.split_among(counts.accounts(f.networks, f.themes))
    return counts.split()["participants"]  # everybody: kept as a count, no set to build


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def stakeholder_groups() -> pd.DataFrame:
    with engine().connect() as conn:
        return stakeholders.classify(conn, config())


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def theme_stakeholders() -> pd.DataFrame:
    return stakeholders.per_theme(stakeholder_groups(), tallied().theme_authors())


@st.cache_data(ttl=TTL, show_spinner=False)
def participation_over_time(bucket_s: int, since: int | None = None) -> pd.DataFrame:
    if bucket_s == BUCKET_S:
        return tallied().split_over_time(since)
    with engine().connect() as conn:
        return participation.split_over_time(conn, config(), people(), bucket_s, since)


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_totals(filters: Filters) -> pd.DataFrame:
    """Whole minutes from the tallies unless a theme is chosen (the live screen's pulse never chooses one)."""
    if not filters.themes:
        return tallied().theme_totals(filters.start_ts, filters.end_ts, filters.clean(config()).networks)
    return _run(themes.totals, filters)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def theme_timeline(filters: Filters, bucket_s: int) -> pd.DataFrame:
    return _run(themes.timeline, filters, bucket_s)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def theme_participation(filters: Filters) -> pd.DataFrame:
    return _run(themes.by_participation, filters, people())


@st.cache_data(ttl=TTL, show_spinner=False)
def ranking(filters: Filters, by: str, limit: int) -> pd.DataFrame:
    return _run(contributors.rank, filters, by, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def leaders(filters: Filters, limit: int) -> pd.DataFrame:
    return _run(contributors.leaders, filters, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def wall(filters: Filters, now: int, limit: int) -> list[dict]:
    return _run(wall_mod.wall, filters, now, limit)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def emerging(filters: Filters) -> list[dict]:
    return _run(topics.emerging, filters)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def sessions(filters: Filters) -> pd.DataFrame:
    return _run(programme.activity, filters)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def conversation(filters: Filters, limit: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = ranking(filters, "posts", 10_000)
    handles = dict(zip(table.person, table.handle))
    return _run(graph.conversation, filters, handles, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def top_tags(filters: Filters) -> pd.DataFrame:
    return _run(metrics.top_tags, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def collector_health() -> pd.DataFrame:
    with engine().connect() as conn:
        return health_mod.health(conn, config().networks.x.poll_seconds)


@st.cache_data(ttl=TTL, show_spinner=False)
def collector_events() -> pd.DataFrame:
    with engine().connect() as conn:
        return health_mod.recent_events(conn)


def _estimate() -> dict:
    with engine().connect() as conn:
        return estimate(conn)


@st.cache_resource
def _completeness() -> Periodic:
    return Periodic(_estimate, every=SLOW_TTL, initial={})


def completeness(wait: float = 0) -> dict:
    """The latest capture–recapture estimate, recomputed in the background (empty until the first is ready)."""
    return _completeness().get(wait)


# --- issue 21: alerts, the hall screen's heartbeat, session recaps ---

HEARTBEAT_EVERY_S = 30  # a projector refreshing every 5 s writes once in this many seconds


@st.cache_resource
def _last_beat() -> dict[str, float]:
    return {}


def beat(name: str) -> None:
    """Tell the alert rules this screen is alive (at most every HEARTBEAT_EVERY_S per process)."""
    last = _last_beat()
    if time.time() - last.get(name, 0) < HEARTBEAT_EVERY_S:
        return
    last[name] = time.time()
    with engine().begin() as conn:
        write_heartbeat(conn, name)


@st.cache_data(ttl=TTL, show_spinner=False)
def alert_incidents() -> pd.DataFrame:
    with engine().connect() as conn:
        return incidents.recent(conn)


RECAP_TTL = 600  # a session that is over changes little: its recap is read again every ten minutes


@st.cache_data(ttl=RECAP_TTL, show_spinner="Gathering the session's recap…")
def recap_html(title: str, end_ts: int) -> str:
    """The recap of the session ``title`` (ended at ``end_ts``) as HTML, shared by every viewer."""
    session = next(s for s in config().programme.sessions if s.title == title and s.end.timestamp() == end_ts)
    with engine().connect() as conn:
        return recaps.STYLE + recaps.recap_html(
            config(), recap_mod.recap(conn, config(), session, tallied().split_among)
        )
