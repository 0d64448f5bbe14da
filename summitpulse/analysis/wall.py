"""The wall: the latest posts moderation lets through, never from people who opted out.

When the stream goes quiet the wall re-shows the most engaging approved
posts of the last hours, marked as highlights, instead of going stale.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, and_

from ..settings.config import Config
from ..store import schema
from ..store.clock import local_time
from .filters import Filters
from .metrics import ENGAGEMENT, counted
from .moderation import blocked, decisions, screen
from .per_post import per_post
from .visibility import carries_opt_out_tag, is_opted_out, tag_users, unnamed

p, a = schema.posts, schema.authors
QUIET_S = 600
NO_ALT = "An image attached to the post (no description given)"  # the alt text when the network gave none
HIGHLIGHT_WINDOW_S = 3 * 3600


def _candidates(conn: Connection, config: Config, filters: Filters, order, limit: int, where=None) -> list[dict]:
    q = counted(
        config,
        filters,
        p.c.network,
        p.c.native_id,
        p.c.url,
        p.c.text,
        p.c.created_ts,
        p.c.hashtags,
        p.c.media_urls,
        p.c.media_alts,
        p.c.kind,
        p.c.author_id,
        ENGAGEMENT.label("engagement"),
        a.c.handle,
        a.c.display_name,
        a.c.avatar_url,
    )
    q = q.join(a, and_(a.c.network == p.c.network, a.c.author_id == p.c.author_id), isouter=True)
    q = q.where(p.c.kind != "repost", *([] if where is None else [where])).order_by(order).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def _shown(conn: Connection, config: Config, rows: list[dict], limit: int | None = None) -> list[dict]:
    """Rows moderation approves, with opted-out people and opt-out-tagged posts removed; the first ``limit`` of
    them (the rest are not screened: the profanity check costs milliseconds a post)."""
    stored = decisions(conn, [(r["network"], r["native_id"]) for r in rows])
    extra = blocked(conn)
    asked = tag_users(conn, config, [(r["network"], r["author_id"]) for r in rows])
    out = []
    for r in rows:
        if (
            is_opted_out(config, r["network"], r["handle"] or "", r["author_id"])
            or carries_opt_out_tag(config, r["hashtags"])
            or (r["network"], r["author_id"]) in asked
        ):
            continue
        status, _ = stored.get((r["network"], r["native_id"])) or screen(
            config, r["text"], r["network"], r["handle"] or "", extra, r["author_id"]
        )
        if status == "approved":
            out.append(_card(config, r))
            if len(out) == limit:
                break
    return out


def _card(config: Config, r: dict) -> dict:
    media, alts = json.loads(r["media_urls"] or "[]"), json.loads(r["media_alts"] or "[]")
    return {
        "network": r["network"],
        "native_id": r["native_id"],
        "url": r["url"],
        "text": unnamed(config, r["text"]),
        "handle": r["handle"] or r["author_id"],
        "name": r["display_name"] or r["handle"] or "",
        "avatar_url": r["avatar_url"] or "",
        "media_url": media[0] if media else "",
        "media_alt": unnamed(config, alts[0].strip() if alts and isinstance(alts[0], str) else "") or NO_ALT,
        "time": local_time(r["created_ts"], config.event.tz),
        "engagement": r["engagement"] or 0,
        "highlight": False,
    }


def wall(
    conn: Connection, config: Config, filters: Filters, now_ts: int, limit: int = 6, highlights: bool = True
) -> list[dict]:
    """Up to ``limit`` approved posts, newest first; highlights when nothing new for 10 minutes (unless not
    ``highlights``: a feed lists the latest, however old)."""
    window = Filters(filters.start_ts, min(filters.end_ts or now_ts + 1, now_ts + 1), filters.networks, filters.themes)
    latest = _shown(conn, config, _candidates(conn, config, window, p.c.created_ts.desc(), limit * 4), limit)
    if not highlights or (latest and now_ts - latest[0]["time"].timestamp() < QUIET_S):
        return latest
    recent = Filters(now_ts - HIGHLIGHT_WINDOW_S, now_ts + 1, filters.networks, filters.themes)
    highlights = _shown(conn, config, _candidates(conn, config, recent, ENGAGEMENT.desc(), limit * 4), limit)
    for card in highlights:
        card["highlight"] = True
    return highlights or latest


def queue(conn: Connection, config: Config, filters: Filters, limit: int = 50) -> list[dict]:
    """Recent posts with their decision (stored or automatic) and the impossible time a post claimed (its shown
    time is then when it was collected), for the moderation page."""
    rows = _candidates(conn, config, filters, p.c.created_ts.desc(), limit)
    keys = [(r["network"], r["native_id"]) for r in rows]
    stored, claims = decisions(conn, keys), per_post(conn, schema.claimed_times, keys, "claimed_at")
    extra = blocked(conn)
    out = []
    for r in rows:
        card = _card(config, r)
        card["claimed_at"] = claims.get((r["network"], r["native_id"]), ("",))[0]
        card["status"], card["reason"] = stored.get((r["network"], r["native_id"])) or screen(
            config, r["text"], r["network"], r["handle"] or "", extra, r["author_id"]
        )
        card["stored"] = (r["network"], r["native_id"]) in stored
        card["opted_out"] = is_opted_out(
            config, r["network"], r["handle"] or "", r["author_id"]
        ) or carries_opt_out_tag(config, r["hashtags"])
        out.append(card)
    return out


def top_posts(conn: Connection, config: Config, filters: Filters, limit: int = 10, where=None) -> list[dict]:
    """The most engaging posts moderation lets through (hidden, spam and opted-out left out); ``where``: an SQL
    condition on posts narrowing them further (a session's posts, its questions)."""
    return _shown(conn, config, _candidates(conn, config, filters, ENGAGEMENT.desc(), limit * 4, where), limit)
