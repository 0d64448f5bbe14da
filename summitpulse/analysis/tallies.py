"""Incremental tallies for the live screen: each refresh reads only what changed since the last.

Reading a million posts on every refresh takes seconds; these counters are
built once, then each ``update`` reads the posts collected, deleted or
moderated since the previous one (indexed columns) and adjusts: posts per
minute × network × kind and × theme, each author's participation evidence and
label, and posts per quarter hour × label. The figures equal the from-scratch
functions (``metrics.headline``, ``participation.classify``, ``themes.totals``)
for the unfiltered or network-filtered views, at whole-minute windows; the
tests hold them to that. Post edits after collection do not re-score text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import Counter, namedtuple
from datetime import datetime
from pathlib import Path

import orjson
import pandas as pd
from sqlalchemy import Connection, Engine, and_, select
from sqlalchemy.exc import SQLAlchemyError

from ..normalise import folding
from ..settings.config import Config
from ..store import schema
from ..store.engine import RESET_KEY, get_meta, now_ts
from . import filters, geo, identity, participation, snapshots
from .filters import theme_terms
from .identity import Identity, read_identity
from .metrics import with_times
from .participation import (
    COLUMNS,
    SIGNAL_COLUMNS,
    Signals,
    add_signals,
    judge_person,
    new_facts,
    read_overrides,
    read_rosters,
)

log = logging.getLogger(__name__)
p, a, m = schema.posts, schema.authors, schema.moderation
LAG_S = 60  # a collector's transaction may commit up to a minute after it stamped its posts
BUCKET_S = 900
KINDS = {"original": "originals", "reply": "replies", "repost": "reposts", "quote": "quotes"}
LABELS = ("in_room", "remote", "unknown")
POST_COLUMNS = (
    *SIGNAL_COLUMNS,
    p.c.native_id,
    p.c.text_folded,
    p.c.text_stems,
    p.c.hashtags,
    p.c.collected_ts,
    p.c.deleted_ts,
    m.c.status,
)
PostRow = namedtuple("PostRow", [c.key for c in POST_COLUMNS])  # ~40× faster attribute access than a Row
SNAPSHOT = "tallies"
SNAPSHOT_EVERY_S = 600  # how often a long-running process (dashboard, collectors) keeps its counts in the store
# what the counts were computed by and under: a snapshot made by other code or another configuration is not used
DECIDING_CODE = b"".join(
    Path(path).read_bytes()
    for path in (__file__, *(module.__file__ for module in (filters, folding, geo, identity, participation, snapshots)))
)
DECIDING_CONFIG = {"event", "hashtags", "themes", "programme", "participants", "participation"}


def _among(networks: tuple[str, ...]):
    """A test for a network: any of ``networks``, or every network when none is given."""
    return (lambda n: n in networks) if networks else (lambda n: True)


class ThemeMatcher:
    """The themes of one post, as ``filters.theme_condition`` decides them in SQL."""

    def __init__(self, config: Config):
        self.themes = []
        for theme in config.themes:
            terms = theme_terms(theme)
            pattern = re.compile("|".join(re.escape(w) for w in terms.words)) if terms.words else None
            stemmed = re.compile("|".join(re.escape(s) for s in terms.stems)) if terms.stems else None
            self.themes.append((theme.name, pattern, stemmed, terms.tags))

    def of(self, folded: str, stems: str, hashtags: list[str]) -> list[str]:
        """Themes of a post from its folded text, its stems and its stored (already clean) hashtags."""
        tags = set(hashtags)
        return [
            name
            for name, pattern, stemmed, wanted_tags in self.themes
            if not tags.isdisjoint(wanted_tags)
            or (pattern and pattern.search(folded))
            or (stemmed and stemmed.search(stems))
        ]


class Tallies:
    """Per-process running counts over the store; ``update`` before reading, from any thread."""

    def __init__(self, config: Config):
        self.config, self.signals, self.matcher = config, Signals(config), ThemeMatcher(config)
        self.rosters = read_rosters(config)
        self.lock = threading.Lock()
        self.unsaved = False  # whether an update changed a count since the counts were last kept in the store
        self._start()

    def _start(self, reset: str | None = None) -> None:
        """Empty counters; ``reset`` is the store's reset mark they start from."""
        self.reset = reset
        self.minutes: Counter = Counter()  # (minute, network, kind) → posts
        self.theme_minutes: Counter = Counter()  # (minute, network, theme) → posts
        self.label_buckets: Counter = Counter()  # (quarter hour, label) → posts
        self.theme_people: Counter = Counter()  # (theme, author) → posts
        self.people_count: Counter = Counter()  # network → authors with a counted post
        self.label_people: Counter = Counter()  # label → participants
        self.label_posts: Counter = Counter()  # label → posts
        self.reach: Counter = Counter()  # network → Σ posts × followers (potential impressions)
        self.facts: dict[tuple[str, str], dict] = {}
        self.profiles: dict[tuple[str, str], dict] = {}
        self.repliers: dict[tuple[str, str], set] = {}  # who replied, during sessions, to whom
        self.rows: dict[tuple[str, str], dict] = {}  # person → participant row
        self.labels: dict[tuple[str, str], str] = {}  # account → the label its posts are counted under
        self.identity = Identity()
        self.overrides: dict[str, tuple[str, str]] = {}
        self.excluded: set[tuple[str, str]] = set()  # stored but not counted: deleted or spam
        self.recent: dict[tuple[str, str], int] = {}  # posts read within LAG_S of the last update
        self.seen: int | None = None
        self.updated = 0.0  # monotonic time of the last update

    STATE = (
        "reset",
        "minutes",
        "theme_minutes",
        "label_buckets",
        "theme_people",
        "people_count",
        "label_people",
        "label_posts",
        "reach",
        "facts",
        "profiles",
        "repliers",
        "rows",
        "labels",
        "identity",
        "overrides",
        "excluded",
        "recent",
        "seen",
    )  # everything ``_start`` sets but the clock of the last update

    def fingerprint(self) -> str:
        """What these counts depend on besides the store: this code, the deciding config, the rosters' contents."""
        config = self.config.model_dump_json(include=DECIDING_CONFIG).encode()
        rosters = repr(sorted((k, sorted(v)) for k, v in self.rosters.items())).encode()
        return hashlib.sha256(DECIDING_CODE + config + rosters).hexdigest()

    def save(self, conn: Connection) -> None:
        """Keep the counts in the store (inside the caller's transaction) for the next process to go on from;
        the lock is held only while they are copied out, not while they are written."""
        with self.lock:
            data, self.unsaved = snapshots.dumps({k: getattr(self, k) for k in self.STATE}), False
        snapshots.save(conn, SNAPSHOT, self.fingerprint(), data)

    def restore(self, conn: Connection) -> bool:
        """Go on from the store's snapshot, if one was made under the same fingerprint; the next ``update``
        reads only what changed since it was taken (or everything, if the store was emptied since)."""
        state = snapshots.load(conn, SNAPSHOT, self.fingerprint())
        if state is None or set(state) != set(self.STATE):
            return False
        with self.lock:
            for name, value in state.items():
                setattr(self, name, value)
            self.expire()
        return True

    def update(self, conn: Connection, within: float = 0) -> Tallies:
        """Fold in what changed since the last update (everything, the first time); an update less than
        ``within`` seconds old is fresh enough (the several queries of one refresh share one update)."""
        with self.lock:
            if self.seen is not None and time.monotonic() - self.updated < within:
                return self
            reset = get_meta(conn, RESET_KEY)
            if reset != self.reset:  # the store was emptied (the demo starts its day again)
                self._start(reset)
            now, since = now_ts(), None if self.seen is None else self.seen - LAG_S
            dirty: set[tuple[str, str]] = set()
            self._read_profiles(conn, since, dirty)
            self._read_posts(conn, since, dirty)
            self._read_removals(conn, since, dirty)
            self._read_overrides(conn, dirty)
            stale = self._read_identity(conn, dirty)
            self._judge(dirty, stale)
            self.unsaved |= bool(dirty or stale)
            self.recent = {k: ts for k, ts in self.recent.items() if ts >= now - LAG_S}
            self.seen, self.updated = now, time.monotonic()
        return self

    def expire(self) -> None:
        """The next ``update`` reads the store whatever ``within`` says (an organiser just changed something)."""
        self.updated = float("-inf")

    def _read_profiles(self, conn: Connection, since: int | None, dirty: set) -> None:
        q = select(a.c.network, a.c.author_id, a.c.handle, a.c.display_name, a.c.location, a.c.followers)
        for r in conn.execute(q if since is None else q.where(a.c.updated_ts >= since)):
            key = (r.network, r.author_id)
            profile = {
                "handle": r.handle,
                "name": r.display_name,
                "location": r.location,
                "followers": r.followers or 0,
            }
            if self.profiles.get(key) == profile:
                continue
            self.profiles[key] = profile
            dirty |= self._repliers([key])  # a new handle may match the roster
            f = self.facts.get(key)
            if f is not None:
                self.reach[r.network] += f["posts"] * (profile["followers"] - f.get("followers", 0))
                f.update(profile)
                dirty.add(key)

    def _posts(self, conn: Connection, *where) -> list[PostRow]:
        q = (
            select(*POST_COLUMNS)
            .select_from(p)
            .join(m, and_(m.c.network == p.c.network, m.c.native_id == p.c.native_id), isouter=True)
        )
        return list(map(PostRow._make, conn.execute(q.where(*where))))

    def _read_posts(self, conn: Connection, since: int | None, dirty: set) -> None:
        """Posts collected since the last update; the lag window is read as keys first, rows only for new ones."""
        if since is None:
            rows = self._posts(conn)
        else:
            keys = conn.execute(select(p.c.network, p.c.native_id).where(p.c.collected_ts >= since)).all()
            fresh: dict[str, list[str]] = {}
            for network, native_id in keys:
                if (network, native_id) not in self.recent:
                    fresh.setdefault(network, []).append(native_id)
            rows = [
                r
                for network, ids in fresh.items()
                for i in range(0, len(ids), 500)  # by primary key
                for r in self._posts(conn, p.c.network == network, p.c.native_id.in_(ids[i : i + 500]))
            ]
        for r in rows:
            key = (r.network, r.native_id)
            if key in self.recent:
                continue
            self.recent[key] = r.collected_ts
            if r.deleted_ts is not None or r.status == "spam":
                self.excluded.add(key)
            else:
                self._count(r, 1, dirty)

    def _read_removals(self, conn: Connection, since: int | None, dirty: set) -> None:
        """Posts deleted upstream or marked spam leave the counts; un-marked spam comes back."""
        if since is None:
            return
        for r in self._posts(conn, p.c.deleted_ts >= since):
            self._exclude(r, dirty)
        for r in self._posts(conn, m.c.updated_ts >= since):
            key = (r.network, r.native_id)
            if r.status == "spam" or r.deleted_ts is not None:
                self._exclude(r, dirty)
            elif key in self.excluded:
                self.excluded.discard(key)
                self._count(r, 1, dirty)

    def _exclude(self, r, dirty: set) -> None:
        key = (r.network, r.native_id)
        if key not in self.excluded:
            self.excluded.add(key)
            self._count(r, -1, dirty)

    def _count(self, r, sign: int, dirty: set) -> None:
        """Add (sign 1) or take back (sign -1) one counted post."""
        minute, key = r.created_ts // 60, (r.network, r.author_id)
        self.minutes[(minute, r.network, r.kind)] += sign
        for theme in self.matcher.of(r.text_folded, r.text_stems, orjson.loads(r.hashtags or "[]")):
            self.theme_minutes[(minute, r.network, theme)] += sign
            self.theme_people[(theme, key)] += sign
        f = self.facts.get(key)
        if f is None:
            f = self.facts[key] = {**new_facts(), "buckets": Counter(), **self.profiles.get(key, {})}
        f["posts"] += sign
        f["reposts"] += sign * (r.kind == "repost")
        self.people_count[r.network] += (f["posts"] == 1) if sign > 0 else -(f["posts"] == 0)
        self.reach[r.network] += sign * f.get("followers", 0)
        signals = self.signals.of(r)
        add_signals(f, r, signals, sign)
        if "reply_to" in signals:
            self.repliers.setdefault((r.network, signals["reply_to"]), set()).add(key)
        bucket = r.created_ts // BUCKET_S * BUCKET_S
        f["buckets"][bucket] += sign
        self.label_buckets[(bucket, self._label(key))] += sign
        self.label_posts[self._label(key)] += sign
        dirty.add(key)

    def _handle(self, key: tuple[str, str]) -> str | None:
        return self.profiles.get(key, {}).get("handle")

    def _accounts_of(self, key: tuple[str, str], identity: Identity | None = None) -> list[tuple[str, str]]:
        """Every account of the person behind ``key``."""
        identity = identity or self.identity
        return identity.members(identity.person(key))

    def _repliers(self, keys, identity: Identity | None = None) -> set:
        """Who replied, during sessions, to any account of the people behind ``keys``: their evidence depends on them."""
        return {r for k in keys for account in self._accounts_of(k, identity) for r in self.repliers.get(account, ())}

    def _label(self, key: tuple[str, str]) -> str:
        return self.labels.get(key, "unknown")

    def _read_overrides(self, conn: Connection, dirty: set) -> None:
        overrides = read_overrides(conn)
        for person in set(overrides.items()) ^ set(self.overrides.items()):
            key = tuple(person[0].split(":", 1))
            if key in self.facts:
                dirty.add(key)
            dirty |= self._repliers([key])
        self.overrides = overrides

    def _read_identity(self, conn: Connection, dirty: set) -> set:
        """Links made or undone since the last update: their accounts are judged again, and the people they
        belonged to (returned) are dropped or judged again."""
        identity = read_identity(conn, self.config)
        if identity == self.identity:
            return set()
        old, self.identity = self.identity, identity
        moved = {k for k in set(old.person_of) | set(identity.person_of) if old.person(k) != identity.person(k)}
        dirty |= {
            m
            for k in moved
            for m in (*old.members(old.person(k)), *identity.members(identity.person(k)))
            if m in self.facts
        }
        dirty |= self._repliers(moved, old) | self._repliers(moved)
        return {old.person(k) for k in moved}

    def _judge(self, dirty: set, stale: set = frozenset()) -> None:
        """Re-label the people whose evidence changed; their accounts' posts move to the new label."""
        people = {self.identity.person(k) for k in dirty} | stale
        for person in people:
            row = self.rows.pop(person, None)
            if row:
                self.label_people[row["label"]] -= 1
            counted = [
                (k, self.facts[k])
                for k in self.identity.members(person)
                if k in self.facts and self.facts[k]["posts"] > 0
            ]
            if counted and self.identity.person(person) == person:
                row = self.rows[person] = judge_person(
                    self.config, person, counted, self.rosters, self.overrides, self._handle, self._accounts_of
                )
                self.label_people[row["label"]] += 1
        for key in dirty | {k for person in people for k in self.identity.members(person) if k in self.facts}:
            f, before = self.facts[key], self._label(key)
            after = self.rows.get(self.identity.person(key), {}).get("label", "unknown")
            self.labels[key] = after
            if after != before:
                self.label_posts[before] -= f["posts"]
                self.label_posts[after] += f["posts"]
                for bucket, n in f["buckets"].items():
                    self.label_buckets[(bucket, before)] -= n
                    self.label_buckets[(bucket, after)] += n

    @classmethod
    def resumed(cls, engine: Engine, config: Config) -> Tallies:
        """Counts gone on from the store's snapshot (or built from scratch), brought up to date, and kept again."""
        tallies = cls(config)
        with engine.connect() as conn:
            tallies.restore(conn)
            tallies.update(conn)
        if not tallies.unsaved:
            return tallies
        try:
            with engine.begin() as conn:
                tallies.save(conn)
        except SQLAlchemyError as exc:  # a read-only store: the counts are right, only the next start is slower
            log.warning("could not keep the tallies' snapshot (%s: %s)", type(exc).__name__, getattr(exc, "orig", ""))
        return tallies

    # --- what the live screen reads -------------------------------------------------------------

    def headline(self, networks: tuple[str, ...], now: int) -> dict:
        """``metrics.headline`` for the whole event (optionally some networks), from the tallies."""
        with self.lock:
            wanted = _among(networks)
            kinds, per_minute, per_network = Counter(), Counter(), Counter()
            for (minute, network, kind), n in self.minutes.items():
                if n and wanted(network):
                    kinds[kind] += n
                    per_minute[minute] += n
                    per_network[network] += n
            people = sum(n for network, n in self.people_count.items() if wanted(network)) - self.identity.overlap(
                lambda k: wanted(k[0]) and self.facts.get(k, {}).get("posts", 0) > 0
            )
            reach = sum(n for network, n in self.reach.items() if wanted(network))
        posts, minute = sum(kinds.values()), now // 60
        peak = max(per_minute.items(), key=lambda kv: (kv[1], -kv[0]), default=None)
        return {
            "posts": posts,
            "participants": people,
            **{plural: kinds[k] for k, plural in KINDS.items()},
            "potential_impressions": reach,
            "posts_per_participant": round(posts / people, 1) if people else 0.0,
            "last_15_min": sum(per_minute[minute - i] for i in range(1, 16)),
            "previous_15_min": sum(per_minute[minute - i] for i in range(16, 31)),
            "peak_minute": datetime.fromtimestamp(peak[0] * 60, tz=self.config.event.tz) if peak else None,
            "peak_minute_posts": peak[1] if peak else 0,
            "per_network": dict(per_network),
        }

    def split(self) -> dict[str, dict[str, int]]:
        """``participation.split`` of every participant."""
        with self.lock:
            return {
                "participants": {k: self.label_people[k] for k in LABELS},
                "posts": {k: self.label_posts[k] for k in LABELS},
            }

    def accounts(self, networks: tuple[str, ...] = (), themes: tuple[str, ...] = ()) -> set[tuple[str, str]]:
        """Accounts with a counted post in any of ``networks`` about any of ``themes`` (each: any when empty)."""
        wanted = _among(networks)
        with self.lock:
            if themes:
                return {
                    key for (theme, key), n in self.theme_people.items() if n > 0 and theme in themes and wanted(key[0])
                }
            return {key for key, f in self.facts.items() if f["posts"] > 0 and wanted(key[0])}

    def split_among(self, accounts) -> dict[str, int]:
        """Participants by label among the people behind ``accounts``, each person once."""
        with self.lock:
            people = {self.identity.person(k) for k in accounts}
            labels = Counter(self.rows.get(person, {}).get("label", "unknown") for person in people)
        return {k: labels[k] for k in LABELS}

    def people(self) -> pd.DataFrame:
        """``participation.classify``, kept current."""
        with self.lock:
            return pd.DataFrame(list(self.rows.values()), columns=COLUMNS)

    def split_over_time(self, since: int | None = None) -> pd.DataFrame:
        """Posts per quarter hour by label: columns time, label, posts."""
        with self.lock:
            rows = [
                (b, label, n) for (b, label), n in self.label_buckets.items() if n and (since is None or b >= since)
            ]
        frame = pd.DataFrame(sorted(rows), columns=["bucket", "label", "posts"])
        return with_times(frame, self.config)[["time", "label", "posts"]]

    def theme_totals(self, start: int | None, end: int | None, networks: tuple[str, ...] = ()) -> pd.DataFrame:
        """``themes.totals`` over whole minutes from ``start`` to ``end`` (None: open): theme, posts, share."""
        first = -(2**62) if start is None else start // 60
        last = 2**62 if end is None else (end - 1) // 60
        wanted = _among(networks)
        with self.lock:
            everything = sum(
                n for (minute, network, _), n in self.minutes.items() if first <= minute <= last and wanted(network)
            )
            per_theme = Counter()
            for (minute, network, theme), n in self.theme_minutes.items():
                if first <= minute <= last and wanted(network):
                    per_theme[theme] += n
        frame = pd.DataFrame([(t.name, per_theme[t.name]) for t in self.config.themes], columns=["theme", "posts"])
        frame["share"] = (frame.posts / everything).round(3) if everything else 0.0
        return frame

    def theme_timeline(self, bucket_s: int = 1800) -> pd.DataFrame:
        """``themes.timeline`` of the whole event: columns time, theme, posts."""
        per = Counter()
        with self.lock:
            for (minute, _, theme), n in self.theme_minutes.items():
                per[(minute * 60 // bucket_s * bucket_s, theme)] += n
        frame = pd.DataFrame(sorted((b, t, n) for (b, t), n in per.items() if n), columns=["bucket", "theme", "posts"])
        return with_times(frame, self.config)[["time", "theme", "posts"]]

    def theme_participation(self) -> pd.DataFrame:
        """``themes.by_participation`` of the whole event: columns theme, label, posts."""
        per = Counter()
        with self.lock:
            for (theme, key), n in self.theme_people.items():
                if n:
                    per[(theme, self._label(key))] += n
        return pd.DataFrame(sorted((t, lab, n) for (t, lab), n in per.items()), columns=["theme", "label", "posts"])

    def theme_authors(self) -> pd.DataFrame:
        """Posts per theme and participant over the whole event: columns theme, person, posts."""
        with self.lock:
            rows = [(t, f"{key[0]}:{key[1]}", n) for (t, key), n in self.theme_people.items() if n > 0]
        return pd.DataFrame(sorted(rows), columns=["theme", "person", "posts"])
