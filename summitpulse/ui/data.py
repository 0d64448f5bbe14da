"""One engine per process, and cached queries over the figures kept in the store, with a TTL no longer than the
refresh.

Every figure is one query over the store's aggregate tables (``summitpulse.figures``), so any number of dashboard
processes on one store show the same figures at the same moment; fifty viewers of one process share these caches:
the database answers each query once per refresh interval, whatever the audience.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import wait
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import figures
from ..alerts import incidents
from ..alerts.rules import write_heartbeat
from ..analysis import contributors, identity, metrics, moderation, programme, stakeholders, themes, topics
from ..analysis import health as health_mod
from ..analysis import people as people_mod
from ..analysis import wall as wall_mod
from ..analysis.filters import Filters
from ..analysis.visibility import ANONYMOUS, anonymised
from ..outputs.export import EXPORTS
from ..outputs.report import report_archive as report_zip
from ..outputs.report.compare import edition_title
from ..settings.config import Config, load_config
from ..store.clock import event_now
from ..store.engine import open_store
from . import aside, charts, screen_charts
from .periodic import Periodic


@st.cache_resource
def config() -> Config:
    return load_config(os.environ.get("SUMMITPULSE_CONFIG", "config.yaml"))


@st.cache_resource
def engine():
    return open_store(config().effective_database_url, config())


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
    data snapshot and shared by every viewer, not built per viewer per refresh. What it returns is only read
    afterwards."""
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
        return event_now(conn)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def figures_status() -> figures.Status:
    """Whether the store's figures were computed under this dashboard's config, and if not, what changed."""
    with engine().connect() as conn:
        return figures.status(conn, config())


@st.cache_data(ttl=TTL, show_spinner=False)
def headline(filters: Filters, now: int) -> dict:
    return _run(metrics.headline, filters, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def timeline(filters: Filters, bucket_s: int) -> pd.DataFrame:
    return _run(metrics.timeline, filters, bucket_s)


@st.cache_data(ttl=TTL, show_spinner=False)
def people() -> pd.DataFrame:
    """Every participant; a person with an opted-out account is anonymous."""
    with engine().connect() as conn:
        return anonymised(config(), people_mod.stored(conn))


@st.cache_data(ttl=TTL, show_spinner=False)
def participants_page(label: str | None, query: str, offset: int, limit: int) -> tuple[pd.DataFrame, int]:
    """One page of participants (``analysis.people.listing``), opted-out people anonymous, and how many match."""
    with engine().connect() as conn:
        page, total = people_mod.listing(conn, label, query, offset, limit)
    page = anonymised(config(), page)
    return (page[page.person != ANONYMOUS] if query else page), total  # a search never finds who opted out


@st.cache_data(ttl=TTL, show_spinner=False)
def participant_totals() -> dict[str, dict[str, int]]:
    """Every participant by label, as people and as posts (``analysis.people.totals``)."""
    with engine().connect() as conn:
        return people_mod.totals(conn)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def event_model() -> dict | None:
    """What the event model's last fit said (``figures.event_model.last_summary``)."""
    from ..figures.event_model import last_summary

    with engine().connect() as conn:
        return last_summary(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def self_reports() -> dict[str, int]:
    """How many participants said where they are with the event's tags (``analysis.people.self_reports``)."""
    with engine().connect() as conn:
        return people_mod.self_reports(conn)


def forget_people() -> None:
    """After an organiser's override or link: every figure a label or a person feeds (participants, the split,
    contributors, themes by participation, the headline) shows it at the next read."""
    st.cache_data.clear()
    for kept in _jobs():
        kept.clear()


def after_moderation() -> None:
    """After a moderation decision or a block: the wall, the queue and the figures show it at the next read."""
    st.cache_data.clear()


def moderation_queue(filters: Filters, limit: int) -> list[dict]:
    """Recent posts with their decision, for the moderation page (never cached: an organiser is acting on it)."""
    return _run(wall_mod.queue, filters, limit)


def moderation_log() -> list[dict]:
    with engine().connect() as conn:
        return moderation.actions(conn)


def blocklist() -> list[dict]:
    """The accounts and terms organisers blocked, for the moderation page (never cached, like the queue)."""
    with engine().connect() as conn:
        return moderation.blocklist(conn)


def export_table(what: str) -> pd.DataFrame:
    """One of ``outputs.export.EXPORTS`` (deleted posts and spam left out, opted-out people anonymised)."""
    return _run(lambda conn, cfg: EXPORTS[what](conn, cfg))


def editions() -> dict[str, str]:
    """The other editions the Report page offers to compare with (``dashboard.editions``): title → data folder."""
    return {edition_title(config().path(f)): str(config().path(f)) for f in config().dashboard.editions}


def report_archive(compare: list[str] = ()) -> tuple[bytes, str]:
    """The post-event report and its data files, as ``summitpulse report`` writes them, in one zip; and the
    comparison with the ``compare`` editions' data folders ("" without)."""
    return report_zip(config(), engine(), [Path(f) for f in compare])


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def identity_links() -> pd.DataFrame:
    with engine().connect() as conn:
        return identity.confirmed(conn)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def identity_bridges() -> pd.DataFrame:
    with engine().connect() as conn:
        return identity.bridged(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def split(filters: Filters, now: int) -> dict[str, int]:
    """Participants by label among those who posted in ``filters``, as ``headline`` counts them beside it (the
    same clock keys both)."""
    return _run(people_mod.split, filters)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def stakeholder_groups() -> pd.DataFrame:
    with engine().connect() as conn:
        return stakeholders.classify(conn, config())


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def stakeholder_groups_of(persons: tuple[str, ...]) -> pd.DataFrame:
    """``stakeholder_groups`` of these people only (a page of a table)."""
    with engine().connect() as conn:
        return stakeholders.classify(conn, config(), persons)


@st.cache_data(ttl=TTL, show_spinner=False)
def participation_over_time(bucket_s: int, since: int | None = None) -> pd.DataFrame:
    return _run(people_mod.split_over_time, bucket_s, since)


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_totals(filters: Filters) -> pd.DataFrame:
    return _run(themes.totals, filters)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def theme_timeline(filters: Filters, bucket_s: int) -> pd.DataFrame:
    return _run(themes.timeline, filters, bucket_s)


def ranking(filters: Filters, by: str, limit: int, until: float = 0) -> pd.DataFrame | None:
    """``analysis.contributors.rank`` (every contributor measured, influence over the whole conversation graph),
    gathered aside: None until ready (waited for until ``until``, ``time.monotonic()``)."""
    return _soon(SLOW_TTL, until, contributors.rank, filters, by, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def leaders(filters: Filters, limit: int) -> pd.DataFrame:
    return _run(contributors.leaders, filters, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def wall(filters: Filters, now: int, limit: int, highlights: bool = True) -> list[dict]:
    return _run(wall_mod.wall, filters, now, limit, highlights)


@st.cache_data(ttl=SLOW_TTL, show_spinner=False)
def emerging(filters: Filters) -> list[dict]:
    return _run(topics.emerging, filters)


def sessions(filters: Filters, until: float = 0) -> pd.DataFrame | None:
    """``analysis.programme.activity`` (each session's tag posts and speaker mentions counted from the posts),
    gathered aside: None until ready (waited for until ``until``, ``time.monotonic()``)."""
    return _soon(SLOW_TTL, until, programme.activity, filters)


def conversation(filters: Filters, limit: int, until: float = 0) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """``aside.conversation``, gathered aside: None until ready (waited for until ``until``)."""
    return _soon(SLOW_TTL, until, aside.conversation, filters, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def top_tags(filters: Filters) -> pd.DataFrame:
    return _run(metrics.top_tags, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def collector_health() -> pd.DataFrame:
    with engine().connect() as conn:
        return health_mod.health(conn, config())


def collector_health_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """``collector_health`` in words and on the event's clock (``health.on_event_clock``)."""
    with engine().connect() as conn:
        return health_mod.on_event_clock(conn, frame, config().event.tz)


def signin_attempts() -> pd.DataFrame:
    """Read at every view: the health page shows the throttle as it stands."""
    with engine().connect() as conn:
        return health_mod.signin_attempts(conn, time.time())


@st.cache_data(ttl=TTL, show_spinner=False)
def collector_events() -> pd.DataFrame:
    with engine().connect() as conn:
        return health_mod.recent_events(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def collector_faults() -> pd.DataFrame:
    with engine().connect() as conn:
        return health_mod.faults_by_kind(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def impossible_times() -> tuple[int, pd.DataFrame]:
    with engine().connect() as conn:
        return health_mod.impossible_times(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def x_usage() -> health_mod.XUsage:
    with engine().connect() as conn:
        return health_mod.x_usage(conn, config())


def rate_budgets() -> pd.DataFrame:
    with engine().connect() as conn:
        return health_mod.budgets(conn)


def _estimate() -> dict:
    return aside.compute(config().effective_database_url, config(), aside.completeness)


@st.cache_resource(on_release=Periodic.stop)  # a cleared cache stops its timer
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


ASIDE_WAIT_S = 1.0  # how long a page waits for a figure gathered aside before it draws without it


def aside_deadline() -> float:
    """When a page stops waiting for the figures it asked to be gathered aside (``time.monotonic()``)."""
    return time.monotonic() + ASIDE_WAIT_S


@st.cache_resource
def _jobs() -> tuple[dict, dict]:
    """Each figure's job (when asked, the future) and its latest result."""
    return {}, {}


def _soon(ttl: float, until: float, fn, *args):
    """``fn(conn, config, *args)`` computed in the aside process (``ui.aside``), one job for every viewer of this
    one, and waited for until ``until`` (``time.monotonic()``) at most: None until its first result is ready, then the
    latest while the next one, asked for after ``ttl`` seconds, is computed."""
    jobs, latest = _jobs()
    key = (fn.__name__, *map(_lasting, args))
    started, job = jobs.get(key, (0.0, None))
    if job is None or (job.done() and (job.exception() or time.time() - started > ttl)):
        job = aside.submit(config().effective_database_url, config(), fn, *args)
        started, job = jobs[key] = time.time(), job
    if key not in latest:  # with a result to show, never waited for
        wait([job], timeout=max(0.0, until - time.monotonic()))
    if job.done() and not job.exception():
        latest[key] = job.result()
    return latest.get(key)


def _lasting(arg):
    """An argument as its job is known by: a time window by its length, not by the moving clock it ends at (the
    latest result of a window a moment ago is shown while the next is gathered)."""
    if isinstance(arg, Filters) and arg.start_ts is not None and arg.end_ts is not None:
        return Filters(0, arg.end_ts - arg.start_ts, arg.networks, arg.themes)
    return arg


def recap_soon(title: str, end_ts: int, until: float = 0) -> str | None:
    """The recap of the session ``title`` (ended at ``end_ts``) as HTML (``aside.recap``), shared by every viewer and
    waited for until ``until`` (``time.monotonic()``) at most: None while it is first gathered, so a page draws at once
    and shows it at a later run."""
    return _soon(RECAP_TTL, until, aside.recap, title, end_ts)


EVERYONE_TTL = 300  # figures that read every profile (tens of seconds of a core at 1M posts): every five minutes


def identity_suggestions(until: float = 0) -> pd.DataFrame | None:
    """``analysis.identity.suggest`` (it reads every account's profile), gathered aside: None until ready (waited
    for until ``until``, ``time.monotonic()``)."""
    return _soon(EVERYONE_TTL, until, identity.suggest)


def who_is_talking(until: float = 0) -> pd.DataFrame | None:
    """``aside.who_is_talking`` (every profile sorted), gathered aside: None until ready (waited for until ``until``)."""
    return _soon(EVERYONE_TTL, until, aside.who_is_talking)
