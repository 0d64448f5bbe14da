"""What one post adds to the figures, under one configuration: pure, no database.

``Counting`` holds what the deciding settings make of a post — the themes it is about (matched here, once, in
Python) and what it says about where its author is (``participation.Signals``, the rules' per-post seam) — and
``contribution`` turns post rows into a ``Delta`` of the aggregate tables. The import's workers run it, the
writer runs it for posts already stored (their old contribution leaves when a new one arrives), and ``rebuild``
runs it over every post.
"""

from __future__ import annotations

import hashlib
import re
from collections import namedtuple
from types import SimpleNamespace

import orjson

from ..analysis.filters import theme_terms
from ..analysis.participation import Signals, add_signals, new_facts
from ..settings.config import Config
from ..settings.rosters import read_rosters
from ..store.engine import POST_COLUMNS
from .delta import Delta, bump

QUARTER_S = 900
PostRow = namedtuple("PostRow", POST_COLUMNS)  # a post as the store's row (``store.engine.POST_COLUMNS``)
# What decides the figures: a change here makes a rebuild due. Collection, moderation, display and the database
# do not count; neither does any source code.
DECIDING = {
    "event": True,
    "themes": True,
    "programme": {"sessions"},
    "participants": {"identity_links"},
    "participation": True,
}


def deciding(config: Config, rosters: dict | None = None) -> dict:
    """The settings the figures depend on, as plain data: the deciding config sections and the rosters' contents."""
    rosters = read_rosters(config) if rosters is None else rosters
    return {
        **config.model_dump(mode="json", include=DECIDING),
        "rosters": {label: sorted(map(list, pairs)) for label, pairs in sorted(rosters.items())},
    }


def fingerprint(settings: dict) -> str:
    return hashlib.sha256(orjson.dumps(settings, option=orjson.OPT_SORT_KEYS)).hexdigest()


def changed_sections(before: dict, after: dict) -> list[str]:
    """Which deciding sections differ between two ``deciding`` results."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class ThemeMatcher:
    """The configured themes a post is about: a keyword in its folded text (case and accents aside, inside longer
    words), a keyword's stems among its words' stems, or a theme hashtag or joined keyword among its tags."""

    def __init__(self, config: Config):
        self.themes = []
        for theme in config.themes:
            terms = theme_terms(theme)
            words = re.compile("|".join(map(re.escape, terms.words))) if terms.words else None
            stems = re.compile("|".join(map(re.escape, terms.stems))) if terms.stems else None
            self.themes.append((theme.name, words, stems, frozenset(terms.tags)))

    def of(self, folded: str, stems: str, hashtags: list[str]) -> list[str]:
        tags = set(hashtags)
        return [
            name
            for name, words, stemmed, wanted in self.themes
            if wanted
            and (not tags.isdisjoint(wanted) or (words and words.search(folded)) or (stemmed and stemmed.search(stems)))
        ]


def engagement(r) -> int:
    return (r.like_count or 0) + (r.repost_count or 0) + (r.reply_count or 0) + (r.quote_count or 0)


def encode_facts(signals: dict) -> list[tuple[str, int]]:
    """The extractor's increments for one post as stored evidence facts (name, count): numbers by name, the rest
    as "name<TAB>value" (a phrase is "phrase<TAB>side<TAB>words")."""
    out = []
    for name, value in signals.items():
        if isinstance(value, bool | int):
            if value:
                out.append((name, int(value)))
        elif isinstance(value, tuple):
            out.append(("\t".join((name, *map(str, value))), 1))
        else:
            out.append((f"{name}\t{value}", 1))
    return out


_NO_PLACE = SimpleNamespace(kind="repost", latitude=None)  # add_signals reads a geotag from the row: none here


def facts_of(account_totals, evidence: list[tuple[str, int]], profile: dict) -> dict:
    """An account's facts (``participation.new_facts`` shape) from its stored totals and evidence rows, as the
    rules' ``judge_person`` takes them."""
    f = {**new_facts(int(account_totals.posts), int(account_totals.reposts)), **profile}
    for fact, n in sorted(evidence):  # in one order, however they were read: the rules quote the first of equals
        if not n:
            continue
        name, _, value = fact.partition("\t")
        if name == "geo":
            lat, lon, ts = value.split("\t")
            f["geo"].extend([(float(lat), float(lon), int(ts))] * n)
        elif name == "phrase":
            add_signals(f, _NO_PLACE, {name: tuple(value.split("\t", 1))}, n)
        else:
            add_signals(f, _NO_PLACE, {name: value if value else 1}, n)
    return f


class Counting:
    """One configuration's view of posts: their themes and their contribution to every aggregate table."""

    row = staticmethod(PostRow._make)  # a tuple in POST_COLUMNS order (``store.engine.Rows.posts``) as a PostRow

    def __init__(self, config: Config, rosters: dict | None = None):
        self.config = config
        self.rosters = read_rosters(config) if rosters is None else rosters
        self.settings = deciding(config, self.rosters)
        self.fingerprint = fingerprint(self.settings)
        self.matcher, self.signals = ThemeMatcher(config), Signals(config)

    def themes_of(self, r) -> list[str]:
        return self.matcher.of(r.text_folded, r.text_stems, orjson.loads(r.hashtags or "[]"))

    def facts(self, r) -> list[tuple[str, int]]:
        """What post ``r`` says about where its author is, as evidence facts; reposts say nothing."""
        facts = encode_facts(self.signals.of(r))
        if r.kind != "repost" and r.latitude is not None:
            facts.append((f"geo\t{r.latitude!r}\t{r.longitude!r}\t{r.created_ts}", 1))
        return facts

    def add(self, delta: Delta, r, sign: int = 1) -> list[str]:
        """Add (or with ``sign=-1`` take back) post row ``r`` to ``delta``; returns its themes."""
        t, net, author, kind = delta.tables, r.network, r.author_id, r.kind
        eng, repost, created = sign * engagement(r), sign * (kind == "repost"), r.created_ts
        minute, quarter = created // 60, created // QUARTER_S * QUARTER_S
        bump(t["minute_counts"], (minute, net, kind), (sign, eng))
        bump(t["author_quarters"], (net, author, quarter), (sign, repost, eng))
        bump(t["accounts"], (net, author), (sign, repost, eng))
        evidence = t["evidence"]
        for fact, n in self.facts(r):
            bump(evidence, (net, author, fact), (sign * n,))
        themes = self.themes_of(r)
        if themes:
            combo = orjson.dumps(sorted(themes)).decode()
            bump(t["theme_minutes"], (combo, minute, net, kind), (sign, eng))
            bump(t["theme_authors"], (combo, net, author, quarter), (sign, repost, eng))
        return themes

    def contribution(self, rows, sign: int = 1) -> tuple[Delta, list[tuple[str, str, str]]]:
        """The delta of post rows (``PostRow``s), and their (network, native_id, theme) links."""
        delta, links = Delta(), []
        for r in rows:
            links += [(r.network, r.native_id, theme) for theme in self.add(delta, r, sign)]
        return delta, links
