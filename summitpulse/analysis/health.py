"""Collector health: per collector, its last run, errors by kind, cursor and whether it stalled or is refused."""

from __future__ import annotations

import time
from datetime import datetime, tzinfo

import orjson
import pandas as pd
from sqlalchemy import Connection, case, func, select

from ..settings.config import Config
from ..settings.intervals import UNKNOWN_S, interval
from ..store import schema, signin
from ..store.clock import event_now
from ..store.x_reads import XUsage, x_usage  # noqa: F401 (the health page's X figures)
from .frames import frame_of

X_EPOCH_MS = 1288834974657  # Twitter's snowflake epoch: an X post id holds its time (ms) above bit 22
PLAUSIBLE = (datetime(2006, 3, 21).timestamp(), datetime(2100, 1, 1).timestamp())

FAULT_KINDS = {  # every fault kind a collector records (collectors/retry.py), as the health page names it
    "rate_limit": "rate limited (429)",
    "server_error": "server error (5xx, bad gateway)",
    "timeout": "timed out",
    "dropped": "connection dropped",
    "bad_page": "unreadable page (not JSON, an HTML page)",
    "bad_record": "unreadable post",
    "refused": "refused (login, 401/403)",
    "not_found": "not found",
    "budget": "budget reached",
}
r, e, c, b = schema.runs, schema.collector_events, schema.cursors, schema.rate_budgets
RECENT_S = 300  # "requests lately": Mastodon's and Bluesky's rate window


def health(conn: Connection, config: Config | None = None, now: float | None = None) -> pd.DataFrame:
    """One row per collector: state (ok/stalled/failing/running, each judged by its own interval in ``config``),
    last run and totals, cursor, errors."""
    now = now or time.time()
    last_ids = select(func.max(r.c.id)).group_by(r.c.collector).scalar_subquery()
    last = {row.collector: row for row in conn.execute(select(r).where(r.c.id.in_(last_ids)))}
    totals = {
        row.collector: row
        for row in conn.execute(
            select(
                r.c.collector,
                func.count().label("runs"),
                func.sum(r.c.fetched).label("fetched"),
                func.sum(r.c.new).label("new"),
                func.sum(r.c.errors).label("errors"),
                func.sum(r.c.rate_limit_waits).label("waits"),
                func.min(r.c.reached_back_ts).label("reached_back"),
            ).group_by(r.c.collector)
        )
    }
    cursors = {row.collector: row for row in conn.execute(select(c))}
    lately = _requests_since(conn, now - RECENT_S)
    hosts = _hosts(conn)
    spent = {row.host: row for row in conn.execute(select(b))}
    errors = errors_by_kind(conn)
    rows = []
    for name in sorted(set(last) | set(cursors) | set(errors)):
        run, total, cur = last.get(name), totals.get(name), cursors.get(name)
        rows.append(
            {
                "collector": name,
                "state": _state(run, now, interval(config, name) if config else UNKNOWN_S),
                "last_run": pd.to_datetime(run.ended_ts or run.started_ts, unit="s", utc=True) if run else pd.NaT,
                "last_fetched": run.fetched if run else 0,
                "last_new": run.new if run else 0,
                "last_message": run.message if run else "",
                "runs": total.runs if total else 0,
                "fetched": int(total.fetched or 0) if total else 0,
                "new": int(total.new or 0) if total else 0,
                "errors": int(total.errors or 0) if total else 0,
                "rate_limit_waits": int(total.waits or 0) if total else 0,
                "reached_back": pd.to_datetime(total.reached_back, unit="s", utc=True)
                if total and total.reached_back
                else pd.NaT,
                "cursor": (cur.value[:40] if cur else ""),
                "cursor_lag_s": int(now - cur.updated_ts) if cur else None,
                "ago": ago(now - (run.ended_ts or run.started_ts)) if run else "never",
                "cursor_moved": ago(now - cur.updated_ts) if cur else "no cursor yet",
                "faults": ", ".join(f"{k}: {v}" for k, v in errors.get(name, {}).items()),
                "requests": lately.get(name, 0),
                "budget": _budget_text(spent.get(hosts.get(name)), now),
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("last_run", "reached_back"):  # UTC times, also when every value is missing
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def on_event_clock(conn: Connection, frame: pd.DataFrame, tz: tzinfo) -> pd.DataFrame:
    """``health`` as the pages show it: the last run on the event's clock (a demo replays another day: a run that
    ended a minute ago ended a minute before the demo's now), how far back a search reached and where each cursor
    stands in words, in the event's time zone."""
    shift = pd.Timedelta(seconds=event_now(conn) - time.time())
    return frame.assign(
        last_run=(frame.last_run + shift).dt.tz_convert(tz),
        reached_back=[
            "not known (no search reached its end)" if pd.isna(t) else f"{t.tz_convert(tz):%d %b %H:%M}"
            for t in frame.reached_back
        ],
        cursor=[cursor_text(name, value, tz) for name, value in zip(frame.collector, frame.cursor)],
    )


def ago(seconds: float) -> str:
    """A duration in the past, in words: "just now", "40 s ago", "12 min ago", "3 h ago", "2 days ago"."""
    seconds = max(0, int(seconds))
    if seconds < 5:
        return "just now"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if unit == 'day' and n > 1 else ''} ago"
    return f"{seconds} s ago"


def cursor_text(collector: str, value: str, tz: tzinfo) -> str:
    """Where a collector's cursor stands, in words: the time of the newest post it has (post ids on X and Mastodon
    hold their time, Jetstream's cursor is one), or that it resumes a search part way."""
    if not value:
        return "no cursor yet"
    if value.startswith("{"):
        try:
            parts = orjson.loads(value)
        except orjson.JSONDecodeError:
            return "a saved position"
        newest, back = (_id_time(collector, str(parts.get(k) or "")) for k in ("newest", "max_id"))
        told = [f"newest post {_when(newest, tz)}"] * bool(newest) + [f"reading back to {_when(back, tz)}"] * bool(back)
        return "catching up on older posts" + (f": {', '.join(told)}" if told else "")
    if not value.isdigit():
        return "resumes a search part way (a page token)"
    when = _id_time(collector, value)
    return f"newest post {_when(when, tz)}" if when else "resumes after the newest post it saw"


def _id_time(collector: str, value: str) -> float | None:
    """The time (epoch seconds) a post id or stream cursor holds, when it holds a plausible one."""
    if not value.isdigit():
        return None
    n = int(value)
    guesses = {
        "mastodon": [(n >> 16) / 1000],
        "jetstream": [n / 1e6],
        "bluesky": [n / 1e6, ((n >> 22) + X_EPOCH_MS) / 1000],
    }
    network = next((k for k in guesses if k in collector), "x")
    found = [t for t in guesses.get(network, [((n >> 22) + X_EPOCH_MS) / 1000]) if PLAUSIBLE[0] < t < PLAUSIBLE[1]]
    return found[0] if found else None


def _when(ts: float | None, tz: tzinfo) -> str:
    return f"{datetime.fromtimestamp(ts, tz):%d %b %H:%M}" if ts else ""


def _requests_since(conn: Connection, since: float) -> dict[str, int]:
    q = select(r.c.collector, func.sum(r.c.requests)).where(r.c.started_ts >= since).group_by(r.c.collector)
    return {name: int(n or 0) for name, n in conn.execute(q)}


def _hosts(conn: Connection) -> dict[str, str]:
    """Each collector's host: the one its latest run that sent a request spent from."""
    latest = select(func.max(r.c.id)).where(r.c.host.is_not(None)).group_by(r.c.collector).scalar_subquery()
    return dict(conn.execute(select(r.c.collector, r.c.host).where(r.c.id.in_(latest))).all())


def _budget_text(row, now: float) -> str:
    """The host's window as its headers last said: used of limit, when it resets, which host."""
    if row is None:
        return ""
    if row.reset_ts <= now:
        return f"window over: {row.limit} per window ({row.host})"
    return f"{row.limit - row.remaining} of {row.limit} used, resets in {row.reset_ts - now:.0f} s ({row.host})"


def budgets(conn: Connection, now: float | None = None) -> pd.DataFrame:
    """One row per host: its rate window (used of limit, when it resets), our requests and its 429s, ever."""
    now = now or time.time()
    rows = [
        {
            "host": row.host,
            "network": row.network,
            "used": row.limit - row.remaining if row.reset_ts > now else 0,
            "limit": row.limit,
            "resets_in_s": max(0, int(row.reset_ts - now)),
            "requests": row.requests,
            "refused": row.refused,
        }
        for row in conn.execute(select(b).order_by(b.c.network, b.c.host))
    ]
    return pd.DataFrame(rows, columns=["host", "network", "used", "limit", "resets_in_s", "requests", "refused"])


def _state(run, now: float, poll_seconds: int) -> str:
    if run is None:
        return "never ran"
    if run.status == "running" and now - run.started_ts < 5 * poll_seconds:
        return "running"
    if run.status == "refused":
        return "refused"
    if run.status not in ("ok", "running"):
        return "failing"
    silent = now - (run.ended_ts or run.started_ts)
    return "stalled" if silent > max(3 * poll_seconds, 60) else "ok"  # a minute at least: one slow run is no stall


def errors_by_kind(conn: Connection, since: float = 0) -> dict[str, dict[str, int]]:
    q = select(e.c.collector, e.c.kind, func.count()).where(e.c.ts >= since).group_by(e.c.collector, e.c.kind)
    out: dict[str, dict[str, int]] = {}
    for name, kind, n in conn.execute(q):
        out.setdefault(name, {})[kind] = n
    return out


def faults_by_kind(conn: Connection) -> pd.DataFrame:
    """One row per collector and fault kind: collector, kind (as the page names it), count."""
    rows = [
        {"collector": name, "kind": FAULT_KINDS.get(kind, kind), "count": n}
        for name, kinds in sorted(errors_by_kind(conn).items())
        for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1])
    ]
    return pd.DataFrame(rows, columns=["collector", "kind", "count"])


def recent_events(conn: Connection, limit: int = 50) -> pd.DataFrame:
    q = select(e.c.collector, e.c.ts, e.c.kind, e.c.message).order_by(e.c.id.desc()).limit(limit)
    frame = frame_of(conn.execute(q), columns=["collector", "ts", "kind", "message"])
    frame["time"] = pd.to_datetime(frame.ts, unit="s", utc=True)
    return frame[["time", "collector", "kind", "message"]]


def signin_attempts(conn: Connection, now: float, since_s: float = 86400) -> pd.DataFrame:
    """Organiser sign-in attempts of the last ``since_s`` per client: failed, refused while throttled, signed in,
    the last attempt and when the client may next try (the throttle's own reading)."""
    t = schema.signin_attempts
    counts = {k: func.sum(case((t.c.outcome == k, 1), else_=0)) for k in ("failed", "throttled", "ok")}
    q = (
        select(t.c.client, *(v.label(k) for k, v in counts.items()), func.max(t.c.ts).label("last"))
        .where(t.c.ts > now - since_s)
        .group_by(t.c.client)
        .order_by(func.max(t.c.ts).desc())
    )
    frame = frame_of(conn.execute(q), columns=["client", "failed", "throttled", "ok", "last"])
    frame["last_attempt"] = pd.to_datetime(frame["last"], unit="s", utc=True)
    frame["wait_s"] = [max(0.0, signin.retry_at(conn, c, now) - now) for c in frame.client]
    return frame[["client", "failed", "throttled", "ok", "last_attempt", "wait_s"]]


def impossible_times(conn: Connection, limit: int = 20) -> tuple[int, pd.DataFrame]:
    """How many posts claimed an impossible time, and the latest ``limit``: network, the claim, when collected
    (the time they are counted at), address."""
    t, p = schema.claimed_times, schema.posts
    count = conn.execute(select(func.count()).select_from(t)).scalar_one()
    q = (
        select(p.c.network, t.c.claimed_at, p.c.created_ts, p.c.url)
        .join(p, (p.c.network == t.c.network) & (p.c.native_id == t.c.native_id))
        .order_by(p.c.created_ts.desc())
        .limit(limit)
    )
    frame = frame_of(conn.execute(q), columns=["network", "claimed_at", "created_ts", "url"])
    frame["collected"] = pd.to_datetime(frame.created_ts, unit="s", utc=True)
    return count, frame[["network", "claimed_at", "collected", "url"]]
