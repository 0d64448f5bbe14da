"""X's reads as X bills them: each post or user a response returns, once per UTC day.

docs.x.com/x-api/fundamentals/post-cap: "Daily deduplication: if the same post is returned by multiple
queries within a day, it counts once"; the next day it is billed again.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, func, select

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
