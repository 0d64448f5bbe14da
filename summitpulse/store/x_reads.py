"""X's reads as X bills them: each post or user a response returns, once per UTC day.

docs.x.com/x-api/fundamentals/post-cap: "Daily deduplication: if the same post is returned by multiple
queries within a day, it counts once"; the next day it is billed again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from ..settings.config import Config
from . import schema
from .engine import dialect_insert

t = schema.x_reads


def resources(page: dict) -> list[str]:
    """What one response is billed for: its posts (``data``, ``includes.tweets``) and users (``includes.users``)."""
    includes = page.get("includes") or {}
    posts = [*(page.get("data") or []), *(includes.get("tweets") or [])]
    return [f"post:{p['id']}" for p in posts if isinstance(p, dict) and p.get("id")] + [
        f"user:{u['id']}" for u in includes.get("users") or [] if isinstance(u, dict) and u.get("id")
    ]


def record(conn: Connection, billed: list[str], now: float | None = None) -> None:
    """Note what a response returned today (UTC); a resource already read today adds nothing."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() if now is None else now))
    rows = [{"day": day, "resource": r[:80]} for r in dict.fromkeys(billed)]
    if rows:
        conn.execute(dialect_insert(conn, t).values(rows).on_conflict_do_nothing(index_elements=["day", "resource"]))


def totals(conn: Connection) -> dict[str, int]:
    """Billed reads so far, by kind: ``{"post": n, "user": m}``."""
    kind = func.substr(t.c.resource, 1, 4)
    counts = dict(conn.execute(select(kind, func.count()).group_by(kind)).all())
    return {"post": counts.get("post", 0), "user": counts.get("user", 0)}


@dataclass(frozen=True)
class XUsage:
    """X's billed reads so far, their estimated cost and the event's budget (``networks.x``), in US dollars."""

    posts: int
    users: int
    spend_usd: float
    budget_usd: float

    @property
    def share(self) -> float:
        return self.spend_usd / self.budget_usd


def x_usage(conn: Connection, config: Config) -> XUsage:
    x = config.networks.x
    reads = totals(conn)
    spend = reads["post"] * x.post_read_usd + reads["user"] * x.user_read_usd
    return XUsage(reads["post"], reads["user"], round(spend, 4), x.budget_usd)
