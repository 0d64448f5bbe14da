"""Incidents: what the rules found, kept in the store, and the one message each gets.

An incident opens when its rule first finds it and closes when the rule stops
finding it. It is told once, to every channel, unless the same thing was told
within the cooldown, or quiet hours hold it (it is told when they end, if it
is still open). Every attempt is recorded per channel, by the channel's kind
only: its URL is a secret.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as day_time

import pandas as pd
from sqlalchemy import Connection, Engine, func, select, update

from ..analysis.frames import frame_of
from ..settings.config import Config
from ..store import schema
from ..store.clock import event_now
from .rules import Finding, findings

log = logging.getLogger("summitpulse.alerts")
i, msg = schema.alert_incidents, schema.alert_messages
ATTEMPTS = 3  # a message every channel refused is tried again on the next runs, this many times in all

Send = Callable[[str, str], dict[str, bool]]  # (title, body) -> {channel: delivered}


def record(conn: Connection, found: dict[str, list[Finding]], now: int) -> None:
    """Open incidents for new findings, refresh the open ones, close those their rule no longer finds."""
    open_rows = conn.execute(select(i.c.id, i.c.rule, i.c.key).where(i.c.closed_ts.is_(None))).all()
    still = {(r.rule, r.key): r.id for r in open_rows}
    for rule, items in found.items():
        seen = set()
        for f in items:
            seen.add(f.key)
            if (rule, f.key) in still:
                conn.execute(update(i).where(i.c.id == still[(rule, f.key)]).values(seen_ts=now, summary=f.summary))
            else:
                conn.execute(
                    i.insert().values(
                        rule=rule, key=f.key, summary=f.summary, link=f.page, opened_ts=now, seen_ts=now, notified="due"
                    )
                )
        over = [id_ for (r, key), id_ in still.items() if r == rule and key not in seen]
        if over:
            conn.execute(update(i).where(i.c.id.in_(over)).values(closed_ts=now))
            conn.execute(update(i).where(i.c.id.in_(over), i.c.notified == "due").values(notified="over before told"))


def quiet(config: Config, now: float) -> bool:
    """Inside the configured quiet hours (the event's time zone; a span may cross midnight)."""
    hours = config.alerts.quiet_hours
    if hours is None:
        return False
    at = datetime.fromtimestamp(now, config.event.tz).time()
    start, end = (day_time.fromisoformat(v) for v in (hours.start, hours.end))
    return start <= at < end if start <= end else at >= start or at < end


def _told_recently(conn: Connection, config: Config, rule: str, key: str, incident_id: int, now: int) -> bool:
    """The same rule and key was told within the cooldown (an incident that closes and opens again)."""
    since = now - config.alerts.cooldown_minutes * 60
    q = select(func.count()).where(
        i.c.rule == rule, i.c.key == key, i.c.id != incident_id, i.c.notified == "sent", i.c.seen_ts >= since
    )
    return bool(conn.execute(q).scalar())


def message(config: Config, incident) -> tuple[str, str]:
    """The title and body of an incident's message, with the link to the page that handles it."""
    title = f"{config.dashboard.title} · {config.event.name}: {incident.rule.replace('_', ' ')}"
    body = f"{incident.summary}\n\nOpen: {config.alerts.base_url}/{incident.link}"
    return title, body


def deliver(engine: Engine, config: Config, send: Send, now: int | None = None, event_now: int | None = None) -> int:
    """Tell each open incident that is due; returns how many were told. Quiet hours are read on the event's clock
    (``event_now``: the wall clock live, the demo's simulated one in the demo), the cooldown on ``now``'s."""
    now = int(time.time()) if now is None else now
    if quiet(config, now if event_now is None else event_now):
        return 0
    told = 0
    with engine.begin() as conn:
        due = conn.execute(select(i).where(i.c.closed_ts.is_(None), i.c.notified == "due").order_by(i.c.id)).all()
        held = [d for d in due if _told_recently(conn, config, d.rule, d.key, d.id, now)]
        if held:
            conn.execute(update(i).where(i.c.id.in_([d.id for d in held])).values(notified="cooldown"))
    for incident in (d for d in due if d not in held):
        results = send(*message(config, incident))
        with engine.begin() as conn:
            if results:
                conn.execute(
                    msg.insert(),
                    [{"incident_id": incident.id, "ts": now, "channel": c, "ok": ok} for c, ok in results.items()],
                )
            attempts = incident.attempts + 1
            state = (
                "no channel"
                if not results
                else "sent"
                if any(results.values())
                else "failed"
                if attempts >= ATTEMPTS
                else "due"
            )
            conn.execute(update(i).where(i.c.id == incident.id).values(notified=state, attempts=attempts))
        told += state == "sent"
        log.info("alert %s (%s): %s", incident.rule, state, incident.summary)
    return told


def check(engine: Engine, config: Config, send: Send, wall_now: float | None = None) -> int:
    """One run: every enabled rule, then the messages due; returns how many incidents were told."""
    wall_now = time.time() if wall_now is None else wall_now
    with engine.begin() as conn:
        record(conn, findings(conn, config, wall_now), int(wall_now))
        at = event_now(conn)
    return deliver(engine, config, send, int(wall_now), at)


def recent(conn: Connection, limit: int = 100) -> pd.DataFrame:
    """The latest incidents with the channels each was told on, for the health page."""
    told = (
        select(msg.c.incident_id, func.max(msg.c.ts).label("told_ts"))
        .where(msg.c.ok.is_(True))
        .group_by(msg.c.incident_id)
        .subquery()
    )
    channels = select(msg.c.incident_id, msg.c.channel, msg.c.ok)
    q = (
        select(i.c.id, i.c.rule, i.c.summary, i.c.link, i.c.opened_ts, i.c.closed_ts, i.c.notified, told.c.told_ts)
        .join(told, told.c.incident_id == i.c.id, isouter=True)
        .order_by(i.c.id.desc())
        .limit(limit)
    )
    frame = frame_of(conn.execute(q))
    per = {}
    for incident_id, channel, ok in conn.execute(channels.where(msg.c.incident_id.in_(frame.id.tolist() or [0]))):
        per.setdefault(incident_id, {})[channel] = per.get(incident_id, {}).get(channel, False) or ok
    frame["channels"] = [
        ", ".join(f"{c} {'✓' if ok else '✗'}" for c, ok in sorted(per.get(n, {}).items())) for n in frame.id
    ]
    return frame
