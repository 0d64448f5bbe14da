"""The event's configured themes: volume, share over time, and who drives each (``theme_minutes``,
``theme_authors``: each post counted under the combination of themes it is about, matched once at ingest)."""

from __future__ import annotations

from collections import Counter

import orjson
import pandas as pd
from sqlalchemy import Connection, and_, func, literal_column, select

from ..settings.config import Config
from ..store import schema
from .filters import Filters, about, since
from .metrics import QUARTER_S, counted, minutes, post_count, with_times

p, tm, ta, acc = schema.posts, schema.theme_minutes, schema.theme_authors, schema.accounts


def _per_theme(rows) -> Counter:
    """Rows of (combination, *key, n) as n per (theme, *key): a post about two themes counts for each."""
    out: Counter = Counter()
    for combo, *rest in rows:
        for theme in orjson.loads(combo):
            out[(theme, *rest[:-1])] += int(rest[-1] or 0)
    return out


def _where(table, grain: int, bucket, f: Filters) -> list:
    where = since(bucket, grain, f, 60 if grain == 60 else 1)
    if f.networks:
        where.append(table.c.network.in_(f.networks))
    return where


def totals(conn: Connection, config: Config, filters: Filters) -> pd.DataFrame:
    """Posts per theme (whole minutes) and its share of all filtered posts (a post may carry several): theme, posts,
    share. With a theme filter, among the posts about any of its themes."""
    f = filters.clean(config)
    everything = post_count(conn, config, f)
    table, where = minutes(conn, f)
    if not f.themes:
        table, where = tm, _where(tm, 60, tm.c.minute, f)
    per_theme = _per_theme(
        conn.execute(select(table.c.themes, func.sum(table.c.posts)).where(*where).group_by(table.c.themes))
    )
    frame = pd.DataFrame([(t.name, per_theme[(t.name,)]) for t in config.themes], columns=["theme", "posts"])
    frame["share"] = (frame.posts / everything).round(3) if everything else 0.0
    return frame


def timeline(conn: Connection, config: Config, filters: Filters, bucket_s: int = 900) -> pd.DataFrame:
    """Posts per theme per bucket (a whole number of minutes): columns time, theme, posts."""
    f = filters.clean(config)
    bucket = (tm.c.minute * 60 // bucket_s * bucket_s).label("bucket")
    q = (
        select(tm.c.themes, bucket, func.sum(tm.c.posts))
        .where(*_where(tm, 60, tm.c.minute, f))
        .group_by(tm.c.themes, literal_column("bucket"))
    )
    rows = [(b, theme, n) for (theme, b), n in _per_theme(conn.execute(q)).items() if n and _wanted(f, theme)]
    frame = pd.DataFrame(sorted(rows), columns=["bucket", "theme", "posts"])
    return with_times(frame, config)[["time", "theme", "posts"]]


def _wanted(f: Filters, theme: str) -> bool:
    return not f.themes or theme in f.themes


def authors(conn: Connection, config: Config, filters: Filters) -> pd.DataFrame:
    """Posts per theme and account (whole quarter hours): columns theme, person (``network:author_id``), posts."""
    f = filters.clean(config)
    q = (
        select(ta.c.themes, ta.c.network, ta.c.author_id, func.sum(ta.c.posts))
        .where(*_where(ta, QUARTER_S, ta.c.quarter, f))
        .group_by(ta.c.themes, ta.c.network, ta.c.author_id)
    )
    rows = [
        (theme, f"{network}:{author_id}", n)
        for (theme, network, author_id), n in _per_theme(conn.execute(q)).items()
        if n > 0 and _wanted(f, theme)
    ]
    return pd.DataFrame(sorted(rows), columns=["theme", "person", "posts"])


def by_participation(
    conn: Connection, config: Config, filters: Filters, people: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Posts per theme by the label their author is counted under now (whole quarter hours): theme, label, posts."""
    f = filters.clean(config)
    q = (
        select(ta.c.themes, acc.c.label, func.sum(ta.c.posts))
        .select_from(ta.join(acc, and_(acc.c.network == ta.c.network, acc.c.author_id == ta.c.author_id)))
        .where(*_where(ta, QUARTER_S, ta.c.quarter, f))
        .group_by(ta.c.themes, acc.c.label)
    )
    rows = [(theme, label, n) for (theme, label), n in _per_theme(conn.execute(q)).items() if n and _wanted(f, theme)]
    return pd.DataFrame(sorted(rows), columns=["theme", "label", "posts"])


def theme_posts(conn: Connection, config: Config, filters: Filters, theme_name: str, limit: int = 30):
    """The newest counted posts about one theme, as a SELECT the wall can narrow further."""
    if theme_name not in {t.name for t in config.themes}:
        return None
    return counted(config, filters, p).where(about((theme_name,))).order_by(p.c.created_ts.desc()).limit(limit)
