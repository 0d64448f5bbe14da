"""Headline figures, the timeline, and the most-used tags, links and posts."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, and_, case, desc, distinct, func, literal_column, select, tuple_

from ..settings.config import Config
from ..store import schema
from .filters import Filters, apply
from .frames import frame_of
from .identity import read_identity
from .visibility import only_counted

p, a = schema.posts, schema.authors
ENGAGEMENT = (
    func.coalesce(p.c.like_count, 0)
    + func.coalesce(p.c.repost_count, 0)
    + func.coalesce(p.c.reply_count, 0)
    + func.coalesce(p.c.quote_count, 0)
)
PERSON = p.c.network + literal_column("':'") + p.c.author_id


def counted(config: Config, filters: Filters, *columns):
    """SELECT ``columns`` over the counted posts that pass ``filters``."""
    return apply(only_counted(select(*columns).select_from(p)), config, filters)


def _kind(name: str):
    return func.sum(case((p.c.kind == name, 1), else_=0))


def authors(conn: Connection, config: Config, filters: Filters) -> list[tuple[str, str]]:
    """(network, author_id) of every author of a counted post that passes ``filters``."""
    return [tuple(r) for r in conn.execute(counted(config, filters, p.c.network, p.c.author_id).distinct())]


def with_times(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """``frame`` with a ``time`` column (the event's time zone) from its epoch-second ``bucket`` column."""
    frame["time"] = pd.to_datetime(frame.bucket.astype("int64"), unit="s", utc=True).dt.tz_convert(
        config.event.timezone
    )
    return frame


def headline(conn: Connection, config: Config, filters: Filters, now_ts: int) -> dict:
    """Totals for the filters, and posts in the 15 minutes before ``now_ts`` against the 15 before that."""
    q = counted(
        config,
        filters,
        func.count(),
        func.count(distinct(PERSON)),
        _kind("original"),
        _kind("reply"),
        _kind("repost"),
        _kind("quote"),
        func.sum(func.coalesce(a.c.followers, 0)),
    )
    q = q.join(a, and_(a.c.network == p.c.network, a.c.author_id == p.c.author_id), isouter=True)
    posts, people, originals, replies, reposts, quotes, impressions = conn.execute(q).one()
    people = (people or 0) - _linked_overlap(conn, config, filters)
    recent = _count_between(conn, config, filters, now_ts - 900, now_ts)
    before = _count_between(conn, config, filters, now_ts - 1800, now_ts - 900)
    peak = conn.execute(
        counted(config, filters, (p.c.created_ts // 60).label("m"), func.count().label("n"))
        .group_by(literal_column("m"))
        .order_by(desc("n"))
        .limit(1)
    ).first()
    per_network = dict(conn.execute(counted(config, filters, p.c.network, func.count()).group_by(p.c.network)).all())
    return {
        "posts": posts or 0,
        "participants": people or 0,
        "originals": originals or 0,
        "replies": replies or 0,
        "reposts": reposts or 0,
        "quotes": quotes or 0,
        "potential_impressions": int(impressions or 0),
        "posts_per_participant": round((posts or 0) / people, 1) if people else 0.0,
        "last_15_min": recent,
        "previous_15_min": before,
        "peak_minute": datetime.fromtimestamp(int(peak[0]) * 60, tz=config.event.tz) if peak else None,
        "peak_minute_posts": peak[1] if peak else 0,
        "per_network": per_network,
    }


def _linked_overlap(conn: Connection, config: Config, filters: Filters) -> int:
    """Accounts among the counted ones that are a person's second account (participants are people)."""
    identity = read_identity(conn, config)
    if not identity.person_of:
        return 0
    q = (
        counted(config, filters, p.c.network, p.c.author_id)
        .where(tuple_(p.c.network, p.c.author_id).in_(sorted(identity.person_of)))
        .distinct()
    )
    present = {tuple(r) for r in conn.execute(q)}
    return identity.overlap(present.__contains__)


def _count_between(conn: Connection, config: Config, filters: Filters, start: int, end: int) -> int:
    window = Filters(
        max(start, filters.start_ts or start), min(end, filters.end_ts or end), filters.networks, filters.themes
    )
    return conn.execute(counted(config, window, func.count())).scalar() or 0


def timeline(conn: Connection, config: Config, filters: Filters, bucket_s: int = 300) -> pd.DataFrame:
    """Posts per time bucket and network: columns time (event time zone), network, posts."""
    bucket = (p.c.created_ts // bucket_s * bucket_s).label("bucket")
    rows = conn.execute(
        counted(config, filters, bucket, p.c.network, func.count().label("posts"))
        .group_by(literal_column("bucket"), p.c.network)
        .order_by(literal_column("bucket"))
    ).all()
    return with_times(pd.DataFrame(rows, columns=["bucket", "network", "posts"]), config)[["time", "network", "posts"]]


def top_tags(conn: Connection, config: Config, filters: Filters, limit: int = 15) -> pd.DataFrame:
    """Co-occurring hashtags (the event's own excluded): columns tag, posts."""
    t = schema.post_tags
    q = counted(config, filters, t.c.tag, func.count().label("posts")).join(
        t, and_(t.c.network == p.c.network, t.c.native_id == p.c.native_id)
    )
    q = q.where(t.c.tag.not_in(config.hashtags.all)).group_by(t.c.tag).order_by(desc("posts"), t.c.tag).limit(limit)
    return frame_of(conn.execute(q), columns=["tag", "posts"])


def top_links(conn: Connection, config: Config, filters: Filters, limit: int = 10) -> pd.DataFrame:
    """Most-shared links: columns link, posts."""
    link = schema.post_links
    q = counted(config, filters, link.c.link, func.count().label("posts")).join(
        link, and_(link.c.network == p.c.network, link.c.native_id == p.c.native_id)
    )
    q = q.group_by(link.c.link).order_by(desc("posts"), link.c.link).limit(limit)
    return frame_of(conn.execute(q), columns=["link", "posts"])


def languages(conn: Connection, config: Config, filters: Filters) -> pd.DataFrame:
    q = counted(config, filters, p.c.lang, func.count().label("posts")).group_by(p.c.lang).order_by(desc("posts"))
    return frame_of(conn.execute(q), columns=["lang", "posts"])
