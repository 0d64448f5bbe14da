"""The event store: one code path for SQLite (embedded) and PostgreSQL.

``ingest`` writes a normalised batch and, in the same transaction, the
collector cursor that covers it: a cursor never runs ahead of its posts.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache, lru_cache, partial
from operator import itemgetter
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import psycopg  # noqa: F401 (postgresql.psycopg)
from sqlalchemy.dialects.sqlite import pysqlite  # noqa: F401 (sqlite.pysqlite)
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from ..normalise.folding import fold, stems
from ..normalise.models import Author, Batch, Post
from . import schema
from .migrations import migrate

CHUNK = 500
log = logging.getLogger(__name__)


def wall_clock() -> int:
    """The wall clock in epoch seconds: when something was stored (the event's own "now" is ``clock.event_now``)."""
    return int(time.time())


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and its folder."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


MMAP_BYTES = 2**31 - 2**16  # the most a default SQLite build maps; a bigger store reads the rest as before


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """WAL for a writer beside readers; the file memory-mapped, so a scan of the whole store reads pages in place
    instead of copying each through a read() call."""
    cur = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=30000",
        "temp_store=MEMORY",
        "cache_size=-65536",
        "wal_autocheckpoint=10000",
        f"mmap_size={MMAP_BYTES}",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def open_store(url: str, config=None) -> Engine:
    """Connect and bring the schema up to date; with the event's ``config``, a store that has no counting settings
    yet takes its (and computes the figures of any posts it already holds)."""
    engine = connect(url)
    migrate(engine, config=config)
    if config is not None:
        from ..figures import adopt  # the figures build on the store; imported here, where they are given a config

        with engine.begin() as conn:
            adopt(conn, config)
    return engine


def dialect_insert(conn: Connection, table):
    """INSERT for the connection's dialect, with on_conflict_do_update/do_nothing."""
    return _insert_for(conn.dialect.name, table)


def _insert_for(dialect_name: str, table):
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table)


@cache
def _statement(dialect_name: str, name: str):
    """The batch statements, built once per dialect (the hot path of every ingest)."""
    if name == "posts":
        stmt = _insert_for(dialect_name, schema.posts)
        ex = stmt.excluded
        refreshed = {
            c: (func.coalesce(ex[c], schema.posts.c[c]) if c.endswith("_count") else ex[c]) for c in _REFRESHED
        }
        return stmt.on_conflict_do_update(index_elements=["network", "native_id"], set_=refreshed)
    if name == "authors":
        stmt = _insert_for(dialect_name, schema.authors)
        ex = stmt.excluded
        keep = {"followers": func.coalesce(ex.followers, schema.authors.c.followers)}
        set_ = {
            c: keep.get(c, ex[c])
            for c in (
                "handle",
                "display_name",
                "followers",
                "location",
                "description",
                "avatar_url",
                "url",
                "updated_ts",
            )
        }
        return stmt.on_conflict_do_update(index_elements=["network", "author_id"], set_=set_)
    return _insert_for(dialect_name, schema.metadata.tables[name.removeprefix("ignore:")]).on_conflict_do_nothing()


@cache
def _driver_sql(dialect_name: str, name: str, columns: tuple[str, ...]) -> str:
    """A batch statement as the driver's own positional SQL for rows of ``columns``, compiled once per shape."""
    dialect = (
        sqlite.pysqlite.dialect(paramstyle="qmark")
        if dialect_name == "sqlite"
        else postgresql.psycopg.dialect(paramstyle="format")
    )
    compiled = _statement(dialect_name, name).compile(dialect=dialect, column_keys=list(columns))
    if tuple(compiled.positiontup) != columns:
        raise AssertionError(f"{name}: columns {columns} must be listed in the table's order")
    return str(compiled)


def executemany(conn: Connection, name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """executemany of plain tuples straight to the driver: SQLAlchemy's per-row parameter work, then the dicts,
    were the ingest's largest costs."""
    if rows:
        conn.exec_driver_sql(_driver_sql(conn.dialect.name, name, columns), rows)


def _json(values: list) -> str:
    return orjson.dumps(values).decode() if values else "[]"


POST_COLUMNS = tuple(c.name for c in schema.posts.c if c.name != "deleted_ts")
AUTHOR_COLUMNS = tuple(c.name for c in schema.authors.c)
SIGHTING_COLUMNS = tuple(c.name for c in schema.sightings.c)
CLAIM_COLUMNS = tuple(c.name for c in schema.claimed_times.c)
# link table → (its value column, the Post field it lists, the longest value kept)
CHILDREN = {
    "post_tags": ("tag", "hashtags", 255),
    "post_mentions": ("mentioned", "mentions", 255),
    "post_links": ("link", "links", 1024),
}


def _sqlite_time(dt: datetime) -> str:
    """A UTC datetime as SQLAlchemy's SQLite DateTime stores it ("2014-10-22 14:00:00.000000"), cheaper than its own processor."""
    return dt.replace(tzinfo=None).isoformat(" ", "microseconds")


def _stamp(dialect_name: str):
    """created_at as the driver takes it: text on SQLite, the datetime itself on PostgreSQL."""
    return _sqlite_time if dialect_name == "sqlite" else (lambda dt: dt)


def _post_values(post: Post, now: int, stamp) -> tuple:
    """A post as its row, in POST_COLUMNS order."""
    created = (post.created_at if post.created_at.tzinfo else post.created_at.replace(tzinfo=UTC)).astimezone(UTC)
    folded = fold(post.text)
    return (
        post.network,
        post.native_id,
        post.uri,
        post.url,
        post.author_id,
        stamp(created),
        int(created.timestamp()),
        post.text,
        folded,
        stems(folded),
        post.lang,
        post.kind,
        _json(post.hashtags),
        _json(post.mentions),
        _json(post.links),
        post.media_count,
        _json(post.media_urls),
        _json(post.media_alts),
        post.reply_to,
        post.reply_to_author,
        post.repost_of,
        post.quote_of,
        post.like_count,
        post.repost_count,
        post.reply_count,
        post.quote_count,
        post.latitude,
        post.longitude,
        post.place,
        ",".join(map(repr, post.place_box)) if post.place_box else "",
        _json(post.matched_tags),
        post.source,
        now,
        now,
    )


def _author_values(authors: Iterable[Author], now: int) -> list[tuple]:
    """Authors as rows in AUTHOR_COLUMNS order, one per account (the last seen wins)."""
    return list(
        {
            a.key: (
                a.network,
                a.author_id,
                a.handle,
                a.display_name,
                a.followers,
                a.location,
                a.description,
                a.avatar_url,
                a.url,
                now,
            )
            for a in authors
        }.values()
    )


_REFRESHED = (
    "text",
    "text_folded",
    "text_stems",
    "like_count",
    "repost_count",
    "reply_count",
    "quote_count",
    "updated_ts",
    "media_count",
    "media_urls",
    "media_alts",
    "matched_tags",
)


@dataclass
class Rows:
    """A batch as the store's rows, ready to write: plain tuples, cheap to build in one process and write in another."""

    posts: list[tuple]
    authors: list[tuple]
    partial_authors: list[tuple]  # only an id known: inserted if new, never overwriting a profile
    children: dict[str, list[tuple]]
    sightings: list[tuple]
    claims: list[tuple]  # (network, native_id, claimed_at) of the posts whose time was impossible
    deleted: list[str]
    fetched: int
    rejected: list[str]  # why payloads or posts were turned away
    delta: object = None  # figures.Delta of the posts, when prepared with a counting (in an import's worker)
    themes: list[tuple] = field(default_factory=list)  # (network, native_id, theme) of the posts, likewise
    fingerprint: str | None = None  # of the counting settings that made ``delta`` and ``themes``
    copies: list[tuple] = field(default_factory=list)  # (network, native_id) of the posts that are a bridge's copies

    def split(self) -> list[Rows]:
        """One Rows per post (with its author, links, sightings, claimed time), then one of the rest (other
        authors, deletions); their figures are worked out again when each is written."""
        key = itemgetter(0, 1)  # (network, native_id) or (network, author_id): every row starts so
        authors, partial = _grouped(self.authors, key), _grouped(self.partial_authors, key)
        children = {table: _grouped(rows, key) for table, rows in self.children.items()}
        sightings, claims = _grouped(self.sightings, key), _grouped(self.claims, key)
        parts = [
            Rows(
                posts=[row],
                authors=authors.pop((row[0], row[4]), []),  # POST_COLUMNS: author_id fifth
                partial_authors=partial.pop((row[0], row[4]), []),
                children={table: rows.get(key(row), []) for table, rows in children.items()},
                sightings=sightings.get(key(row), []),
                claims=claims.get(key(row), []),
                deleted=[],
                fetched=0,
                rejected=[],
                copies=[k for k in self.copies if k == key(row)],
            )
            for row in self.posts
        ]
        rest = Rows([], _flat(authors), _flat(partial), {t: [] for t in children}, [], [], self.deleted, 0, [])
        return [*parts, rest]


def _grouped(rows: Iterable[tuple], key: Callable) -> dict:
    out = defaultdict(list)
    for row in rows:
        out[key(row)].append(row)
    return out


def _flat(groups: dict) -> list[tuple]:
    return [row for rows in groups.values() for row in rows]


def prepare(batch: Batch, dialect_name: str, now: int | None = None, counting=None) -> Rows:
    """The rows ``batch`` writes (see ``write_rows``); pure, no database. With a ``figures.Counting``, also their
    contribution to the figures (an import's workers do that work, not the one writer)."""
    now = wall_clock() if now is None else now
    # one row per post; where a batch holds a post and a bridge's copy of it, the original (after its copies) wins
    posts = list({(p.network, p.native_id): p for p in sorted(batch.posts, key=lambda p: not p.copy_of)}.values())
    stamp = _stamp(dialect_name)
    post_rows = [_post_values(p, now, stamp) for p in posts]
    delta, themes = counting.contribution(map(counting.row, post_rows)) if counting else (None, [])
    return Rows(
        posts=post_rows,
        delta=delta,
        themes=themes,
        fingerprint=counting.fingerprint if counting else None,
        authors=_author_values((a for a in batch.authors if not a.partial), now),
        partial_authors=_author_values((a for a in batch.authors if a.partial), now),
        children={
            table: [(p.network, p.native_id, v[:length]) for p in posts for v in dict.fromkeys(getattr(p, field)) if v]
            for table, (_, field, length) in CHILDREN.items()
        },
        sightings=[(p.network, p.native_id, p.source, now, p.local_id or None) for p in posts if p.source],
        claims=[(p.network, p.native_id, p.claimed_at) for p in posts if p.claimed_at],
        deleted=list(batch.deleted),
        fetched=len(batch.posts),
        rejected=list(batch.rejected),
        copies=[(p.network, p.native_id) for p in posts if p.copy_of],
    )


def existing(conn: Connection, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``keys`` (network, native_id) are stored already."""
    found: set[tuple[str, str]] = set()
    by_network: dict[str, list[str]] = {}
    for network, native_id in keys:
        by_network.setdefault(network, []).append(native_id)
    for network, ids in by_network.items():
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            sql = _existing_sql(conn.dialect.name, len(chunk))
            found.update((network, n) for n in conn.exec_driver_sql(sql, (network, *chunk)).scalars())
    return found


@lru_cache(maxsize=64)
def _existing_sql(dialect_name: str, count: int) -> str:
    """The lookup of ``count`` native ids, in the driver's own SQL (compiling an IN of 100 took as long as running it)."""
    mark = "?" if dialect_name == "sqlite" else "%s"
    return f"SELECT native_id FROM posts WHERE network = {mark} AND native_id IN ({', '.join([mark] * count)})"


@dataclass
class IngestResult:
    fetched: int = 0
    new: int = 0
    updated: int = 0
    deleted: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)  # why each rejected payload, post or row was turned away


POST_LOCKS = 7351002  # PostgreSQL advisory locks on post keys (the first key: this use; migrations take 7351001)
DEADLOCK = {"40P01", "40001"}  # PostgreSQL: deadlock detected, serialization failure


def lock_posts(conn: Connection, keys: Sequence[tuple[str, str]]) -> None:
    """On PostgreSQL, hold a lock on each post key (network, native_id) until the transaction ends, taken in
    ascending order so writers never wait on each other in a circle: what a writer then reads of those posts —
    stored or new, counted or not — stays true until it commits, and no post is counted twice by two writers."""
    if conn.dialect.name == "postgresql" and keys:
        hashes = sorted({zlib.crc32(f"{n}:{i}".encode()) - 2**31 for n, i in keys})
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s, k) FROM unnest(%s::int4[]) AS k", (POST_LOCKS, hashes))


def transaction(engine: Engine, work):
    """``work(conn)`` in one transaction, run again (up to three times) when PostgreSQL ends it to break a deadlock
    between writers; returns what ``work`` returns."""
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                return work(conn)
        except OperationalError as exc:
            if attempt == 2 or getattr(exc.orig, "sqlstate", None) not in DEADLOCK:
                raise
    raise AssertionError("unreachable")


def write_rows(conn: Connection, rows: Rows, judge: bool = True) -> IngestResult:
    """Upsert prepared rows inside the caller's transaction, with the figures they change; idempotent. ``judge``:
    the people whose posts these are are judged again now (an import does it once, at its end)."""
    from ..figures import upkeep  # the figures build on the store; the write path keeps them

    keys = [(row[0], row[1]) for row in rows.posts]  # (network, native_id): POST_COLUMNS starts so
    lock_posts(conn, keys + [tuple(k.split(":", 1)) for k in rows.deleted])
    rows, originals = _without_copies_of_stored(conn, rows)
    keys = [key for key in keys if key not in originals]
    counting = upkeep.counting_of(conn)
    old = upkeep.stored_posts(conn, keys) if counting else {}
    stored = set(old) if counting else existing(conn, keys)
    executemany(conn, "ignore:authors", AUTHOR_COLUMNS, rows.partial_authors)
    executemany(conn, "authors", AUTHOR_COLUMNS, rows.authors)
    for i in range(0, len(rows.posts), CHUNK * 4):
        executemany(conn, "posts", POST_COLUMNS, rows.posts[i : i + CHUNK * 4])
    for table, (column, _, _) in CHILDREN.items():
        executemany(conn, f"ignore:{table}", ("network", "native_id", column), rows.children[table])
    executemany(conn, "ignore:sightings", SIGHTING_COLUMNS, rows.sightings)
    executemany(conn, "ignore:claimed_times", CLAIM_COLUMNS, rows.claims)
    if counting:
        upkeep.after_write(conn, counting, rows, old)
    deleted = mark_deleted(conn, rows.deleted)
    if counting and judge:
        upkeep.judge_stale(conn, counting)
    new = sum(1 for key in keys if key not in stored)
    return IngestResult(
        fetched=rows.fetched,
        new=new,
        updated=len(keys) - new + len(originals),
        deleted=deleted,
        rejected=len(rows.rejected),
        reasons=list(rows.rejected),
    )


def _without_copies_of_stored(conn: Connection, rows: Rows) -> tuple[Rows, set[tuple[str, str]]]:
    """``rows`` less the bridge's copies of posts already stored (and those posts' keys): a copy (Bridgy Fed's
    shortened text, its own links) changes nothing of its original; one stored first is overwritten by its original
    as any post is by a later reading."""
    stored = existing(conn, rows.copies) if rows.copies else set()
    if not stored:
        return rows, stored
    kept = [row for row in rows.posts if (row[0], row[1]) not in stored]
    children = {t: [r for r in found if (r[0], r[1]) not in stored] for t, found in rows.children.items()}
    return replace(rows, posts=kept, children=children, delta=None, themes=[], fingerprint=None), stored


def mark_deleted(conn: Connection, keys: Sequence[str]) -> int:
    """Mark posts deleted upstream, their figures taken back; keys are ``network:native_id``."""
    from ..figures import upkeep

    if not keys:
        return 0
    pairs = [tuple(k.split(":", 1)) for k in keys]
    lock_posts(conn, pairs)
    upkeep.count_posts(conn, [k for k, (_, counted) in upkeep.stored_posts(conn, pairs).items() if counted], -1)
    count = 0
    t = schema.posts
    for network, native_id in pairs:
        count += conn.execute(
            update(t)
            .where(t.c.network == network, t.c.native_id == native_id, t.c.deleted_ts.is_(None))
            .values(deleted_ts=wall_clock())
        ).rowcount
    return count


def ingest(engine: Engine, batch: Batch, cursor: tuple[str, str] | None = None) -> IngestResult:
    """Write ``batch`` and advance ``cursor`` (collector, value) in one transaction (see ``store_rows``)."""
    return store_rows(engine, prepare(batch, engine.dialect.name), cursor)


# What a store says of a row it cannot take (NUL in PostgreSQL text, a lone surrogate, a value too long): that
# row's fault, not its batch's
REFUSED = (DataError, IntegrityError, UnicodeError)


def store_rows(engine: Engine, rows: Rows, cursor: tuple[str, str] | None = None, judge: bool = True) -> IngestResult:
    """Write prepared ``rows`` and advance ``cursor`` in one transaction. A row the store refuses never takes the
    others with it: then they are written one post at a time, each refused one rejected with the store's reason,
    and the cursor after them."""
    try:
        return transaction(engine, partial(_write_and_advance, rows=rows, cursor=cursor, judge=judge))
    except REFUSED as exc:
        log.warning("the store refused a row (%s); writing the batch's posts one at a time", _why(exc))
    result = IngestResult(fetched=rows.fetched, rejected=len(rows.rejected), reasons=list(rows.rejected))
    for part in rows.split():
        try:
            done = transaction(engine, partial(_write_and_advance, rows=part, cursor=None, judge=judge))
        except REFUSED as exc:
            what = f"{part.posts[0][0]}:{part.posts[0][1][:200]}" if part.posts else "authors and deletions"
            result.reasons.append(f"{what}: the store refused it ({_why(exc)})")
            result.rejected += 1
        else:
            result.new, result.updated = result.new + done.new, result.updated + done.updated
            result.deleted += done.deleted
    if cursor is not None:
        transaction(engine, lambda conn: set_cursor(conn, *cursor))
    return result


def _write_and_advance(conn: Connection, rows: Rows, cursor: tuple[str, str] | None, judge: bool) -> IngestResult:
    result = write_rows(conn, rows, judge)
    if cursor is not None:
        set_cursor(conn, *cursor)
    return result


def _why(exc: BaseException) -> str:
    """The first line of what the store (or its driver) said."""
    return f"{type(getattr(exc, 'orig', None) or exc).__name__}: {str(getattr(exc, 'orig', None) or exc).splitlines()[0][:200]}"


def get_cursor(conn: Connection, collector: str) -> str | None:
    t = schema.cursors
    return conn.execute(select(t.c.value).where(t.c.collector == collector)).scalar()


def set_cursor(conn: Connection, collector: str, value: str) -> None:
    stmt = dialect_insert(conn, schema.cursors).values(collector=collector, value=value, updated_ts=wall_clock())
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["collector"], set_={"value": value, "updated_ts": wall_clock()})
    )


def start_run(conn: Connection, collector: str) -> int:
    result = conn.execute(schema.runs.insert().values(collector=collector, started_ts=wall_clock()))
    return result.inserted_primary_key[0]


def finish_run(
    conn: Connection,
    run_id: int,
    *,
    status: str = "ok",
    message: str = "",
    reached_back_ts: int | None = None,
    host: str | None = None,
    **counts: int,
) -> None:
    values = {"ended_ts": wall_clock(), "status": status, "message": message[:2000], "host": host, **counts}
    if reached_back_ts is not None:
        values["reached_back_ts"] = reached_back_ts
    conn.execute(update(schema.runs).where(schema.runs.c.id == run_id).values(**values))


def log_event(conn: Connection, collector: str, kind: str, message: str) -> None:
    """Record a collector fault (429, 5xx, timeout, bad page) for the health page."""
    conn.execute(
        schema.collector_events.insert().values(collector=collector, ts=wall_clock(), kind=kind, message=message[:2000])
    )


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    stmt = dialect_insert(conn, schema.meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
