"""Organiser sign-in attempts kept in the store, and the throttle read from them (every process and replica alike).

Failed attempts, per client and over all clients, earn a growing wait before the next one is checked; an attempt
made while waiting is refused unchecked. Attempts are recorded by time, client and outcome, never the value tried.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from . import schema


@dataclass(frozen=True)
class Policy:
    """``free`` failures within ``window_s`` cost nothing; each one after doubles the wait, from ``base_s`` up to
    ``cap_s``."""

    free: int
    base_s: float
    cap_s: float
    window_s: float

    def wait(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap_s, self.base_s * 2 ** (failures - self.free))


PER_CLIENT = Policy(free=3, base_s=1.0, cap_s=900.0, window_s=3600.0)
# over all clients: slows a spread-out guesser without locking organisers out for long
OVERALL = Policy(free=20, base_s=1.0, cap_s=60.0, window_s=900.0)


def record(conn: Connection, client: str, outcome: str, now: float) -> None:
    conn.execute(schema.signin_attempts.insert().values(ts=now, client=client[:64], outcome=outcome))


def _failures(conn: Connection, since: float, client: str | None = None) -> tuple[int, float | None]:
    """How many failures since ``since`` (the client's, or everybody's), and when the last one was."""
    t = schema.signin_attempts
    query = select(func.count(), func.max(t.c.ts)).where(t.c.outcome == "failed", t.c.ts > since)
    if client is not None:
        last_ok = select(func.max(t.c.ts)).where(t.c.client == client, t.c.outcome == "ok").scalar_subquery()
        query = query.where(t.c.client == client, t.c.ts > func.coalesce(last_ok, since))
    count, last = conn.execute(query).one()
    return count, last


def retry_at(conn: Connection, client: str, now: float) -> float:
    """When ``client`` may next have an attempt checked (at or before ``now``: at once)."""
    times = [now]
    for policy, who in ((PER_CLIENT, client), (OVERALL, None)):
        count, last = _failures(conn, now - policy.window_s, who)
        if last is not None:
            times.append(last + policy.wait(count))
    return max(times)
