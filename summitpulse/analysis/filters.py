"""The global filters every chart honours: time window, networks, themes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import and_, exists, select

from ..normalise.folding import fold, keyword_stems
from ..normalise.models import NETWORKS
from ..settings.config import Config, Theme, clean_tag
from ..store import schema


@dataclass(frozen=True)
class Filters:
    start_ts: int | None = None
    end_ts: int | None = None
    networks: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    def clean(self, config: Config) -> Filters:
        """Unknown networks and themes are dropped: a bad value widens nothing and breaks nothing."""
        names = {t.name for t in config.themes}
        return Filters(
            self.start_ts,
            self.end_ts,
            tuple(n for n in self.networks if n in NETWORKS),
            tuple(t for t in self.themes if t in names),
        )

    def shifted(self, seconds: int) -> Filters:
        """The same filters over a window moved back by ``seconds``."""
        move = lambda ts: None if ts is None else ts - seconds  # noqa: E731
        return Filters(move(self.start_ts), move(self.end_ts), self.networks, self.themes)


class Terms(NamedTuple):
    words: list[str]  # folded keywords, found anywhere in the folded text
    tags: set[str]  # hashtags that mark the theme: its own, and each keyword run together
    stems: list[str]  # keywords' stems, found among the text's stems (see ``folding.keyword_stems``)


def theme_terms(theme: Theme) -> Terms:
    """What marks a post as about ``theme``."""
    words = [fold(k) for k in theme.keywords if k.strip()]
    tags = {clean_tag(h) for h in theme.hashtags} | {
        k.casefold().replace(" ", "").replace("-", "") for k in theme.keywords if k.strip()
    }
    return Terms(words, tags, sorted({s for s in map(keyword_stems, words) if s}))


def since(bucket, grain: int, filters: Filters, scale: int = 1) -> list:
    """Conditions keeping the buckets of ``grain`` seconds (``bucket`` is its start, or with ``scale`` its start
    divided by ``scale``) that start inside the window: a window counts whole minutes, or whole quarter hours."""
    out = []
    if filters.start_ts is not None:
        out.append(bucket >= -(-int(filters.start_ts) // grain) * grain // scale)
    if filters.end_ts is not None:
        out.append(bucket < -(-int(filters.end_ts) // grain) * grain // scale)
    return out


def about(themes: tuple[str, ...]):
    """SQL: a post (of ``schema.posts``) is about any of ``themes`` (matched once, at ingest: ``post_themes``)."""
    p, t = schema.posts, schema.post_themes
    return exists(
        select(t.c.theme).where(t.c.network == p.c.network, t.c.native_id == p.c.native_id, t.c.theme.in_(themes))
    )


def apply(query, config: Config, filters: Filters):
    """``query`` (a SELECT from posts) narrowed by ``filters``; values are always bound parameters."""
    p = schema.posts
    f = filters.clean(config)
    conditions = []
    if f.start_ts is not None:
        conditions.append(p.c.created_ts >= int(f.start_ts))
    if f.end_ts is not None:
        conditions.append(p.c.created_ts < int(f.end_ts))
    if f.networks:
        conditions.append(p.c.network.in_(f.networks))
    if f.themes:
        conditions.append(about(f.themes))
    return query.where(and_(*conditions)) if conditions else query
