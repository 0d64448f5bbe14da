"""The event's configured themes: volume, share over time, and who drives each."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, func

from ..settings.config import Config
from ..store import schema
from .filters import Filters, theme_condition
from .metrics import counted, with_times

p = schema.posts


def totals(conn: Connection, config: Config, filters: Filters) -> pd.DataFrame:
    """Posts per theme and its share of all filtered posts (a post may carry several): theme, posts, share."""
    everything = conn.execute(counted(config, filters, func.count())).scalar() or 0
    rows = [
        (t.name, conn.execute(counted(config, filters, func.count()).where(theme_condition(t))).scalar() or 0)
        for t in config.themes
    ]
    frame = pd.DataFrame(rows, columns=["theme", "posts"])
    frame["share"] = (frame.posts / everything).round(3) if everything else 0.0
    return frame


def timeline(conn: Connection, config: Config, filters: Filters, bucket_s: int = 900) -> pd.DataFrame:
    """Posts per theme per bucket: columns time, theme, posts."""
    bucket = (p.c.created_ts // bucket_s * bucket_s).label("bucket")
    rows = []
    for theme in config.themes:
        q = counted(config, filters, bucket, func.count()).where(theme_condition(theme)).group_by("bucket")
        rows += [(b, theme.name, n) for b, n in conn.execute(q)]
    frame = pd.DataFrame(rows, columns=["bucket", "theme", "posts"]).sort_values("bucket")
    return with_times(frame, config)[["time", "theme", "posts"]]


def by_participation(conn: Connection, config: Config, filters: Filters, people: pd.DataFrame) -> pd.DataFrame:
    """Posts per theme by the author's participation label: columns theme, label, posts."""
    labels = dict(zip(people.person, people.label))
    rows = []
    for theme in config.themes:
        q = (
            counted(config, filters, p.c.network, p.c.author_id, func.count())
            .where(theme_condition(theme))
            .group_by(p.c.network, p.c.author_id)
        )
        rows += [(theme.name, labels.get(f"{n}:{a}", "unknown"), c) for n, a, c in conn.execute(q)]
    frame = pd.DataFrame(rows, columns=["theme", "label", "posts"])
    return frame.groupby(["theme", "label"], as_index=False).posts.sum()


def theme_posts(conn: Connection, config: Config, filters: Filters, theme_name: str, limit: int = 30):
    """The newest counted posts about one theme, as a SELECT the wall can narrow further."""
    theme = next((t for t in config.themes if t.name == theme_name), None)
    if theme is None:
        return None
    return counted(config, filters, p).where(theme_condition(theme)).order_by(p.c.created_ts.desc()).limit(limit)
