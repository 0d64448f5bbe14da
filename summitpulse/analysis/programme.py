"""The programme: what is on now, and each session's share of the conversation."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from ..settings.config import Config, Session, clean_tag
from ..store import schema
from .filters import Filters
from .metrics import counted, post_count
from .themes import timeline

p, t, m, a = schema.posts, schema.post_tags, schema.post_mentions, schema.authors


def now_on(config: Config, now_ts: int) -> tuple[Session | None, Session | None]:
    """The session running at ``now_ts`` and the next one to start."""
    sessions = sorted(config.programme.sessions, key=lambda s: s.start)
    current = next((s for s in sessions if s.start.timestamp() <= now_ts < s.end.timestamp()), None)
    upcoming = next((s for s in sessions if s.start.timestamp() > now_ts), None)
    return current, upcoming


def activity(
    conn: Connection, config: Config, filters: Filters, theme_time: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per session: posts in its slot, posts with its hashtag, mentions of its speakers, the themes its slot raised.

    ``theme_time`` is posts per theme per minute (``themes.timeline`` at 60 s), when
    the caller has it; otherwise it is read here."""
    if theme_time is None:
        theme_time = timeline(conn, config, filters, 60)
    rows = []
    for s in sorted(config.programme.sessions, key=lambda s: s.start):
        slot = Filters(int(s.start.timestamp()), int(s.end.timestamp()), filters.networks, filters.themes)
        posts = post_count(conn, config, slot)
        tagged = 0
        if s.hashtag:
            tagged = (
                conn.execute(
                    counted(config, filters, func.count())
                    .join(t, and_(t.c.network == p.c.network, t.c.native_id == p.c.native_id))
                    .where(t.c.tag == clean_tag(s.hashtag))
                ).scalar()
                or 0
            )
        rows.append(
            {
                "title": s.title,
                "start": s.start.astimezone(config.event.tz),
                "end": s.end.astimezone(config.event.tz),
                "room": s.room,
                "theme": s.theme or "",
                "kind": s.kind,
                "posts": posts,
                "per_minute": round(posts / max(1, (s.end - s.start).total_seconds() / 60), 2),
                "hashtag": s.hashtag or "",
                "hashtag_posts": tagged,
                "speaker_mentions": _speaker_mentions(conn, config, filters, s),
                "themes_raised": _raised(theme_time, s),
            }
        )
    return pd.DataFrame(rows)


def _raised(theme_time: pd.DataFrame, session: Session, limit: int = 3) -> str:
    """The themes the session's slot carried, most first: "Education theory 42 · Ethics & professionalism 7"."""
    slot = theme_time[(theme_time.time >= session.start) & (theme_time.time < session.end)]
    found = slot.groupby("theme").posts.sum().sort_values(ascending=False, kind="stable").head(limit)
    return " · ".join(f"{name} {int(n):,}" for name, n in found.items() if n > 0)


def speaker_accounts(conn: Connection, session: Session) -> list[tuple[str, str]]:
    """(network, author_id) of the session's speakers the store knows (``network:handle`` in the programme)."""
    out = []
    for ref in session.speakers:
        network, handle = ref.split(":", 1) if ":" in ref else ("x", ref)
        handle = handle.lstrip("@").casefold()
        q = select(a.c.author_id).where(a.c.network == network, func.lower(a.c.handle).in_([handle, f"@{handle}"]))
        out += [(network, author_id) for (author_id,) in conn.execute(q)]
    return out


def _speaker_mentions(conn: Connection, config: Config, filters: Filters, session: Session) -> int:
    total = 0
    for network, author_id in speaker_accounts(conn, session):
        mentioning = select(m.c.native_id).where(m.c.network == network, m.c.mentioned == author_id)
        total += (  # the mentions by their index first (a join was read from every post of the network)
            conn.execute(
                counted(config, filters, func.count()).where(p.c.network == network, p.c.native_id.in_(mentioning))
            ).scalar()
            or 0
        )
    return total
