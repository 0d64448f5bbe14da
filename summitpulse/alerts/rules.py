"""The alert rules: each looks at the store and names what needs an organiser now.

A rule returns ``Finding``s; the same (rule, key) found again is the same incident,
and an incident whose rule stops finding it is over. Rules read; they never send.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, select

from ..analysis.filters import Filters
from ..analysis.health import health, x_usage
from ..analysis.metrics import counted
from ..analysis.moderation import blocked, decisions, screen
from ..analysis.visibility import carries_opt_out_tag, is_opted_out
from ..settings.config import Config
from ..settings.social import shown
from ..store import schema
from ..store.clock import event_now
from ..store.engine import dialect_insert, get_meta, set_meta
from ..ui.palette import NETWORK_NAMES

p, a, m = schema.posts, schema.authors, schema.moderation
QUARTER_S = 900
SCREEN_HEARTBEAT = "live-screen"
FLAGGED_SINCE_KEY = "alerts_flagged_since"
FIRST_LOOK_S = 3600  # the first run looks this far back for flagged posts
OVERLAP_S = 120  # each look goes back this far before the last: a post stored as it ran is not missed
UNDECIDED_LIMIT = 2000
RETIRED_S = 86400  # a collector silent for a day is retired, not stalled


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str
    summary: str
    page: str  # the dashboard page that handles it (its address under alerts.base_url)


def spike(conn: Connection, config: Config, wall_now: float) -> list[Finding]:
    """Posts in the last 15 minutes at ``factor`` times the day's 15-minute average (and at least ``min_posts``)."""
    rule, now = config.alerts.spike, event_now(conn)
    midnight = datetime.fromtimestamp(now, config.event.tz).replace(hour=0, minute=0, second=0).timestamp()
    recent = _count(conn, config, now - QUARTER_S, now)
    first = conn.execute(counted(config, Filters(int(midnight), now - QUARTER_S), func.min(p.c.created_ts))).scalar()
    if recent < rule.min_posts:
        return []
    before = _count(conn, config, int(midnight), now - QUARTER_S) if first is not None else 0
    quarters = max(4.0, (now - QUARTER_S - (first or now)) / QUARTER_S)  # at least an hour of history
    baseline = before / quarters
    if recent < rule.factor * baseline or not baseline:
        return []
    summary = (
        f"Spike: {recent:,} posts in the last 15 minutes, {recent / baseline:.1f}× the day's average "
        f"({baseline:.0f} per 15 minutes)."
    )
    return [Finding("spike", "spike", summary, "live")]


def _count(conn: Connection, config: Config, start: int, end: int) -> int:
    return conn.execute(counted(config, Filters(start, end), func.count())).scalar() or 0


def _undecided(conn: Connection, since: float, until: float, limit: int = UNDECIDED_LIMIT) -> list[dict]:
    """Posts collected in [since, until) with no organiser decision, not reposts, not deleted, with their author."""
    q = (
        select(p.c.network, p.c.native_id, p.c.text, p.c.hashtags, p.c.author_id, p.c.collected_ts, a.c.handle)
        .select_from(p)
        .join(a, and_(a.c.network == p.c.network, a.c.author_id == p.c.author_id), isouter=True)
        .join(m, and_(m.c.network == p.c.network, m.c.native_id == p.c.native_id), isouter=True)
        .where(
            m.c.status.is_(None),
            p.c.deleted_ts.is_(None),
            p.c.kind != "repost",
            p.c.collected_ts >= int(since),
            p.c.collected_ts < int(until),
        )
        .order_by(p.c.collected_ts)
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def _screened(conn: Connection, config: Config, rows: list[dict]) -> list[tuple[dict, str, str]]:
    """(row, status, reason) of each post the wall could show: opted-out people and tagged posts left out."""
    extra = blocked(conn)
    return [
        (r, *screen(config, r["text"], r["network"], r["handle"] or "", extra, r["author_id"]))
        for r in rows
        if not is_opted_out(config, r["network"], r["handle"] or "", r["author_id"])
        and not carries_opt_out_tag(config, r["hashtags"])
    ]


def pending(conn: Connection, config: Config, wall_now: float) -> list[Finding]:
    """In pre-moderation: posts waiting for approval longer than ``minutes`` (one incident while any waits)."""
    if config.moderation.mode != "pre":
        return []
    limit_s = config.alerts.pending.minutes * 60
    rows = _undecided(conn, wall_now - 86400, wall_now - limit_s)
    waiting = [r for r, status, _ in _screened(conn, config, rows) if status == "pending"]
    if not waiting:
        return []
    oldest = int((wall_now - waiting[0]["collected_ts"]) // 60)
    summary = (
        f"{len(waiting):,} post{'s' if len(waiting) != 1 else ''} waiting for approval for more than "
        f"{config.alerts.pending.minutes} minutes (the oldest {oldest} minutes)."
    )
    return [Finding("pending", "pending", summary, "moderation")]


def flagged(conn: Connection, config: Config, wall_now: float) -> list[Finding]:
    """Posts the profanity filter or a blocked term or account kept off the wall, until an organiser decides:
    those collected since the last look, and those already reported that still have no decision."""
    since = float(get_meta(conn, FLAGGED_SINCE_KEY) or wall_now - FIRST_LOOK_S + OVERLAP_S) - OVERLAP_S
    fresh = _undecided(conn, since, wall_now + 1)
    full = len(fresh) == UNDECIDED_LIMIT  # more than one look holds: the next goes on from the last one read
    set_meta(conn, FLAGGED_SINCE_KEY, str(int(fresh[-1]["collected_ts"]) + OVERLAP_S if full else int(wall_now)))
    out = [
        Finding("flagged", f"{r['network']}:{r['native_id']}", _flag_summary(r, reason), "moderation")
        for r, status, reason in _screened(conn, config, fresh)
        if status == "hidden"
    ]
    return out + _still_undecided(conn, {f.key for f in out})


def _flag_summary(row: dict, reason: str) -> str:
    who = shown(row["network"], row["handle"] or row["author_id"])
    text = " ".join(row["text"].split())
    return f"Kept off the wall ({reason}): a post by {who} on {NETWORK_NAMES.get(row['network'], row['network'])}: “{text[:140]}”. Approve it or leave it hidden."


def _still_undecided(conn: Connection, skip: set[str]) -> list[Finding]:
    """The open flagged incidents whose post still waits for a decision (and is still there)."""
    i = schema.alert_incidents
    rows = conn.execute(
        select(i.c.key, i.c.summary).where(i.c.rule == "flagged", i.c.closed_ts.is_(None), i.c.key.not_in(skip))
    ).all()
    keys = [tuple(k.split(":", 1)) for k, _ in rows]
    decided = decisions(conn, keys)
    gone = _deleted(conn, keys)
    return [
        Finding("flagged", key, summary, "moderation")
        for (key, summary), k in zip(rows, keys)
        if k not in decided and k not in gone
    ]


def _deleted(conn: Connection, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    out = set()
    for network in {n for n, _ in keys}:
        ids = [i for n, i in keys if n == network]
        q = select(p.c.native_id).where(p.c.network == network, p.c.native_id.in_(ids), p.c.deleted_ts.isnot(None))
        out |= {(network, i) for (i,) in conn.execute(q)}
    return out


def collectors(conn: Connection, config: Config, wall_now: float) -> list[Finding]:
    """Collectors stalled, failing or refused (those silent for a day are retired, not stalled)."""
    frame = health(conn, config, now=wall_now)
    if frame.empty:
        return []
    recent = frame.last_run.notna() & (
        frame.last_run.map(lambda t: t.timestamp() if t == t else 0) > wall_now - RETIRED_S
    )
    bad = frame[frame.state.isin(["stalled", "failing", "refused"]) & recent]
    return [
        Finding(
            "collector",
            row.collector,
            f"Collector {row.collector} is {row.state}: last run {row.last_run.tz_convert(config.event.tz):%H:%M}"
            + (f" ({row.last_message[:200]})" if row.last_message else "")
            + (f"; faults: {row.faults}" if row.faults else "")
            + ".",
            "health",
        )
        for row in bad.itertuples()
    ]


def x_budget(conn: Connection, config: Config, wall_now: float) -> list[Finding]:
    """X's estimated spend (the reads the X collector records) at ``share`` of ``networks.x.budget_usd`` or more."""
    if not config.networks.x.enabled:
        return []
    usage = x_usage(conn, config)
    if usage.share < config.alerts.x_budget.share:
        return []
    stop = " X collection has stopped." if usage.share >= 1 else ""
    summary = (
        f"X spend is at {usage.share:.0%} of its budget (${usage.spend_usd:,.2f} of ${usage.budget_usd:,.2f}; "
        f"{usage.posts:,} posts and {usage.users:,} users read).{stop}"
    )
    return [Finding("x_budget", "x_budget", summary, "health")]


def write_heartbeat(conn: Connection, name: str, ts: float | None = None) -> None:
    """``name`` is alive now (the hall screen, as it refreshes)."""
    ts = int(time.time() if ts is None else ts)
    stmt = dialect_insert(conn, schema.heartbeats).values(name=name, ts=ts)
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"ts": ts}))


def screen_stale(conn: Connection, config: Config, wall_now: float) -> list[Finding]:
    """During the event: the hall screen's last refresh older than ``minutes`` (once it has ever refreshed)."""
    beat = conn.execute(select(schema.heartbeats.c.ts).where(schema.heartbeats.c.name == SCREEN_HEARTBEAT)).scalar()
    at = event_now(conn)
    during = config.event.start.timestamp() <= at <= config.event.end.timestamp()
    minutes = config.alerts.screen.minutes
    if beat is None or not during or wall_now - beat <= minutes * 60:
        return []
    summary = f"The hall screen has not refreshed for {int((wall_now - beat) // 60)} minutes (its page or browser may be closed)."
    return [Finding("screen", "screen", summary, "live?kiosk=1")]


Rule = Callable[[Connection, Config, float], list[Finding]]
RULES: dict[str, Rule] = {
    "spike": spike,
    "pending": pending,
    "flagged": flagged,
    "collector": collectors,
    "x_budget": x_budget,
    "screen": screen_stale,
}


def enabled(config: Config) -> list[str]:
    """The rules switched on in ``alerts:``."""
    return [name for name in RULES if getattr(config.alerts, name).enabled]


def findings(conn: Connection, config: Config, wall_now: float | None = None) -> dict[str, list[Finding]]:
    """What every enabled rule finds now, by rule."""
    wall_now = time.time() if wall_now is None else wall_now
    return {name: RULES[name](conn, config, wall_now) for name in enabled(config)}
