"""Headline figures and the timeline (from the figures kept in the store), and the most-used tags and links."""

from __future__ import annotations

import orjson
import pandas as pd
from sqlalchemy import Connection, and_, desc, distinct, func, literal_column, select

from ..settings.config import Config
from ..store import schema
from ..store.clock import local_time
from .filters import Filters, apply, since
from .frames import frame_of
from .visibility import only_counted

p, a = schema.posts, schema.authors
ENGAGEMENT = (
    func.coalesce(p.c.like_count, 0)
    + func.coalesce(p.c.repost_count, 0)
    + func.coalesce(p.c.reply_count, 0)
    + func.coalesce(p.c.quote_count, 0)
)
mc, tm, aq, ta, acc = (
    schema.minute_counts,
    schema.theme_minutes,
    schema.author_quarters,
    schema.theme_authors,
    schema.accounts,
)
QUARTER_S = 900
KINDS = {"original": "originals", "reply": "replies", "repost": "reposts", "quote": "quotes"}


def counted(config: Config, filters: Filters, *columns):
    """SELECT ``columns`` over the counted posts that pass ``filters``."""
    return apply(only_counted(select(*columns).select_from(p)), config, filters)


def theme_combos(conn: Connection, themes: tuple[str, ...]) -> list[str]:
    """The stored theme combinations (``theme_minutes.themes``) that include any of ``themes``."""
    wanted = set(themes)
    stored = conn.execute(select(tm.c.themes).distinct()).scalars()
    return [combo for combo in stored if wanted.intersection(orjson.loads(combo))]


def minutes(conn: Connection, f: Filters):
    """Posts per minute for clean filters ``f``: (the table, its conditions): ``minute_counts``, or with themes
    ``theme_minutes`` (each post once, whichever of the themes it is about)."""
    table = tm if f.themes else mc
    where = since(table.c.minute, 60, f, 60)
    if f.networks:
        where.append(table.c.network.in_(f.networks))
    if f.themes:
        where.append(table.c.themes.in_(theme_combos(conn, f.themes)))
    return table, where


def activity(conn: Connection, config: Config, filters: Filters, people: bool = False):
    """SELECT network, author_id, posts, reposts, engagement per account with a counted post in ``filters`` (with
    ``people``, also its person and followers): the whole event from ``accounts``; a window (whole quarter hours)
    from ``author_quarters``, or with themes from ``theme_authors``."""
    f = filters.clean(config)
    extra = (acc.c.person, acc.c.followers) if people else ()
    if f.start_ts is None and f.end_ts is None and not f.themes:
        q = select(acc.c.network, acc.c.author_id, *extra, acc.c.posts, acc.c.reposts, acc.c.engagement)
        q = q.where(acc.c.posts > 0)
        return q.where(acc.c.network.in_(f.networks)) if f.networks else q
    table = ta if f.themes else aq
    where = since(table.c.quarter, QUARTER_S, f)
    if f.networks:
        where.append(table.c.network.in_(f.networks))
    if f.themes:
        where.append(table.c.themes.in_(theme_combos(conn, f.themes)))
    posts = func.sum(table.c.posts)
    q = (
        select(
            table.c.network,
            table.c.author_id,
            posts.label("posts"),
            func.sum(table.c.reposts).label("reposts"),
            func.sum(table.c.engagement).label("engagement"),
        )
        .where(*where)
        .group_by(table.c.network, table.c.author_id)
        .having(posts > 0)
    )
    if not people:
        return q
    summed = q.subquery()  # each account's sums first, then its person: one look-up per account, not per row
    return select(
        summed.c.network, summed.c.author_id, *extra, summed.c.posts, summed.c.reposts, summed.c.engagement
    ).join(acc, and_(acc.c.network == summed.c.network, acc.c.author_id == summed.c.author_id))


def authors(conn: Connection, config: Config, filters: Filters) -> list[tuple[str, str]]:
    """(network, author_id) of every author of a counted post that passes ``filters``."""
    q = activity(conn, config, filters).subquery()
    return [tuple(r) for r in conn.execute(select(q.c.network, q.c.author_id))]


def _people(conn: Connection, config: Config, filters: Filters) -> tuple[int, int]:
    """(participants: distinct people, potential impressions: Σ posts × followers) among those who posted."""
    q = activity(conn, config, filters, people=True).subquery()
    participants, reach = conn.execute(
        select(func.count(distinct(q.c.person)), func.sum(q.c.posts * q.c.followers))
    ).one()
    return participants or 0, int(reach or 0)


def with_times(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """``frame`` with a ``time`` column (the event's time zone) from its epoch-second ``bucket`` column."""
    frame["time"] = pd.to_datetime(frame.bucket.astype("int64"), unit="s", utc=True).dt.tz_convert(
        config.event.timezone
    )
    return frame


def post_count(conn: Connection, config: Config, filters: Filters) -> int:
    """Counted posts in ``filters`` (whole minutes)."""
    table, where = minutes(conn, filters.clean(config))
    return int(conn.execute(select(func.sum(table.c.posts)).where(*where)).scalar() or 0)


def headline(conn: Connection, config: Config, filters: Filters, now_ts: int) -> dict:
    """Totals for the filters, and posts in the 15 minutes before ``now_ts`` against the 15 before that (whole
    minutes throughout; participants and reach over whole quarter hours when a window is chosen)."""
    f = filters.clean(config)
    table, where = minutes(conn, f)
    kinds = dict(conn.execute(select(table.c.kind, func.sum(table.c.posts)).where(*where).group_by(table.c.kind)).all())
    per_network = {
        n: int(c)
        for n, c in conn.execute(
            select(table.c.network, func.sum(table.c.posts)).where(*where).group_by(table.c.network)
        )
        if c
    }
    per_minute = func.sum(table.c.posts).label("n")
    peak = conn.execute(
        select(table.c.minute, per_minute)
        .where(*where)
        .group_by(table.c.minute)
        .order_by(per_minute.desc(), table.c.minute)
        .limit(1)
    ).first()
    posts = int(sum(kinds.values()))
    people, impressions = _people(conn, config, f)
    recent = post_count(conn, config, _within(f, now_ts - 900, now_ts))
    before = post_count(conn, config, _within(f, now_ts - 1800, now_ts - 900))
    return {
        "posts": posts,
        "participants": people,
        **{plural: int(kinds.get(kind) or 0) for kind, plural in KINDS.items()},
        "potential_impressions": impressions,
        "posts_per_participant": round(posts / people, 1) if people else 0.0,
        "last_15_min": recent,
        "previous_15_min": before,
        "peak_minute": local_time(int(peak[0]) * 60, config.event.tz) if peak and peak[1] else None,
        "peak_minute_posts": int(peak[1]) if peak and peak[1] else 0,
        "per_network": per_network,
    }


def _within(f: Filters, start: int, end: int) -> Filters:
    return Filters(max(start, f.start_ts or start), min(end, f.end_ts or end), f.networks, f.themes)


def timeline(conn: Connection, config: Config, filters: Filters, bucket_s: int = 300) -> pd.DataFrame:
    """Posts per time bucket (a whole number of minutes) and network: columns time (event time zone), network, posts."""
    table, where = minutes(conn, filters.clean(config))
    bucket = (table.c.minute * 60 // bucket_s * bucket_s).label("bucket")
    rows = conn.execute(
        select(bucket, table.c.network, func.sum(table.c.posts).label("posts"))
        .where(*where)
        .group_by(literal_column("bucket"), table.c.network)
        .having(func.sum(table.c.posts) != 0)
        .order_by(literal_column("bucket"), table.c.network)
    ).all()
    frame = pd.DataFrame(rows, columns=["bucket", "network", "posts"]).astype({"posts": "int64"})
    return with_times(frame, config)[["time", "network", "posts"]]


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
