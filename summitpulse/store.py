"""The event store: one code path for SQLite (embedded) and PostgreSQL.

``ingest`` writes a normalised batch and, in the same transaction, the
collector cursor that covers it: a cursor never runs ahead of its posts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import psycopg  # noqa: F401 (postgresql.psycopg)
from sqlalchemy.dialects.sqlite import pysqlite  # noqa: F401 (sqlite.pysqlite)

from . import schema
from .folding import folded_columns
from .migrations import migrate
from .models import Author, Batch, Post

CHUNK = 500


def now_ts() -> int:
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


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000",
                   "temp_store=MEMORY", "cache_size=-65536", "wal_autocheckpoint=10000"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def open_store(url: str) -> Engine:
    """Connect and bring the schema up to date."""
    engine = connect(url)
    migrate(engine)
    return engine


def dialect_insert(conn: Connection, table):
    """INSERT for the connection's dialect, with on_conflict_do_update/do_nothing."""
    return _insert_for(conn.dialect.name, table)


def _insert_for(dialect_name: str, table):
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table)


@lru_cache(maxsize=None)
def _statement(dialect_name: str, name: str):
    """The batch statements, built once per dialect (the hot path of every ingest)."""
    if name == "posts":
        stmt = _insert_for(dialect_name, schema.posts)
        ex = stmt.excluded
        refreshed = {c: (func.coalesce(ex[c], schema.posts.c[c]) if c.endswith("_count") else ex[c]) for c in _REFRESHED}
        return stmt.on_conflict_do_update(index_elements=["network", "native_id"], set_=refreshed)
    if name == "authors":
        stmt = _insert_for(dialect_name, schema.authors)
        ex = stmt.excluded
        keep = {"followers": func.coalesce(ex.followers, schema.authors.c.followers)}
        set_ = {c: keep.get(c, ex[c]) for c in ("handle", "display_name", "followers", "location",
                                                "description", "avatar_url", "url", "updated_ts")}
        return stmt.on_conflict_do_update(index_elements=["network", "author_id"], set_=set_)
    return _insert_for(dialect_name, schema.metadata.tables[name.removeprefix("ignore:")]).on_conflict_do_nothing()


@lru_cache(maxsize=None)
def _driver_sql(dialect_name: str, name: str, columns: tuple[str, ...]) -> str:
    """A batch statement as the driver's own SQL with named parameters, compiled once per shape."""
    dialect = sqlite.pysqlite.dialect(paramstyle="named") if dialect_name == "sqlite" else postgresql.psycopg.dialect()
    return str(_statement(dialect_name, name).compile(dialect=dialect, column_keys=list(columns)))


def _executemany(conn: Connection, name: str, rows: list[dict]) -> None:
    """executemany straight to the driver: SQLAlchemy's per-row parameter work was half the ingest time."""
    if rows:
        conn.exec_driver_sql(_driver_sql(conn.dialect.name, name, tuple(rows[0])), rows)


def _json(values: list) -> str:
    return orjson.dumps(values).decode() if values else "[]"


def _ts(dt: datetime) -> int:
    return int(dt.replace(tzinfo=dt.tzinfo or timezone.utc).timestamp())


def _post_row(post: Post, now: int) -> dict:
    created = post.created_at if post.created_at.tzinfo else post.created_at.replace(tzinfo=timezone.utc)
    return {
        "network": post.network, "native_id": post.native_id, "uri": post.uri, "url": post.url,
        "author_id": post.author_id, "created_at": created.astimezone(timezone.utc),
        "created_ts": _ts(created), "text": post.text, **folded_columns(post.text), "lang": post.lang, "kind": post.kind,
        "hashtags": _json(post.hashtags), "mentions": _json(post.mentions),
        "links": _json(post.links), "media_count": post.media_count,
        "media_urls": _json(post.media_urls), "reply_to": post.reply_to,
        "reply_to_author": post.reply_to_author, "repost_of": post.repost_of,
        "quote_of": post.quote_of, "like_count": post.like_count,
        "repost_count": post.repost_count, "reply_count": post.reply_count,
        "quote_count": post.quote_count, "latitude": post.latitude, "longitude": post.longitude,
        "place": post.place, "matched_tags": _json(post.matched_tags), "source": post.source,
        "collected_ts": now, "updated_ts": now,
    }


_REFRESHED = ("text", "text_folded", "text_stems", "like_count", "repost_count", "reply_count", "quote_count",
              "updated_ts", "media_count", "media_urls", "matched_tags")


def _upsert_posts(conn: Connection, rows: list[dict]) -> None:
    if conn.dialect.name == "sqlite":  # stored as SQLAlchemy's own DateTime would store it
        to_text = schema.posts.c.created_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        rows = [{**r, "created_at": to_text(r["created_at"])} for r in rows]
    _executemany(conn, "posts", rows)


def _upsert_authors(conn: Connection, authors: Iterable[Author], now: int) -> None:
    authors = list(authors)
    partial = [a for a in authors if a.partial]
    _insert_ignore(conn, schema.authors, list(_author_rows(partial, now).values()))
    rows = _author_rows([a for a in authors if not a.partial], now)
    _executemany(conn, "authors", list(rows.values()))


def _author_rows(authors: Iterable[Author], now: int) -> dict[str, dict]:
    return {a.key: {"network": a.network, "author_id": a.author_id, "handle": a.handle,
                    "display_name": a.display_name, "followers": a.followers, "location": a.location,
                    "description": a.description, "avatar_url": a.avatar_url, "url": a.url,
                    "updated_ts": now} for a in authors}


def _insert_ignore(conn: Connection, table, rows: list[dict]) -> None:
    _executemany(conn, f"ignore:{table.name}", rows)


def _existing(conn: Connection, posts: Sequence[Post]) -> set[tuple[str, str]]:
    """Which of ``posts`` are stored already, as (network, native_id)."""
    found: set[tuple[str, str]] = set()
    by_network: dict[str, list[str]] = {}
    for p in posts:
        by_network.setdefault(p.network, []).append(p.native_id)
    for network, ids in by_network.items():
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
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


def write_batch(conn: Connection, batch: Batch) -> IngestResult:
    """Upsert a batch inside the caller's transaction; idempotent."""
    now = now_ts()
    posts = list({(p.network, p.native_id): p for p in batch.posts}.values())
    existing = _existing(conn, posts)
    _upsert_authors(conn, batch.authors, now)
    rows = [_post_row(p, now) for p in posts]
    for i in range(0, len(rows), CHUNK * 4):
        _upsert_posts(conn, rows[i:i + CHUNK * 4])
    _insert_ignore(conn, schema.post_tags, _children(posts, "tag", lambda p: p.hashtags, 255))
    _insert_ignore(conn, schema.post_mentions, _children(posts, "mentioned", lambda p: p.mentions, 255))
    _insert_ignore(conn, schema.post_links, _children(posts, "link", lambda p: p.links, 1024))
    _insert_ignore(conn, schema.sightings, [
        {"network": p.network, "native_id": p.native_id, "source": p.source, "seen_ts": now,
         "local_id": p.local_id or None} for p in posts if p.source])
    deleted = mark_deleted(conn, batch.deleted)
    new = sum(1 for p in posts if (p.network, p.native_id) not in existing)
    return IngestResult(fetched=len(batch.posts), new=new, updated=len(posts) - new,
                        deleted=deleted, rejected=len(batch.rejected))


def _children(posts: Sequence[Post], column: str, values, length: int) -> list[dict]:
    return [{"network": p.network, "native_id": p.native_id, column: v[:length]}
            for p in posts for v in dict.fromkeys(values(p)) if v]


def mark_deleted(conn: Connection, keys: Sequence[str]) -> int:
    """Mark posts deleted upstream; keys are ``network:native_id``."""
    count = 0
    for key in keys:
        network, native_id = key.split(":", 1)
        t = schema.posts
        count += conn.execute(update(t).where(t.c.network == network, t.c.native_id == native_id,
                                              t.c.deleted_ts.is_(None)).values(deleted_ts=now_ts())).rowcount
    return count


def ingest(engine: Engine, batch: Batch, cursor: tuple[str, str] | None = None) -> IngestResult:
    """Write ``batch`` and advance ``cursor`` (collector, value) in one transaction."""
    with engine.begin() as conn:
        result = write_batch(conn, batch)
        if cursor is not None:
            set_cursor(conn, *cursor)
    return result


def get_cursor(conn: Connection, collector: str) -> str | None:
    t = schema.cursors
    return conn.execute(select(t.c.value).where(t.c.collector == collector)).scalar()


def set_cursor(conn: Connection, collector: str, value: str) -> None:
    stmt = dialect_insert(conn, schema.cursors).values(collector=collector, value=value, updated_ts=now_ts())
    conn.execute(stmt.on_conflict_do_update(index_elements=["collector"],
                                            set_={"value": value, "updated_ts": now_ts()}))


def start_run(conn: Connection, collector: str) -> int:
    result = conn.execute(schema.runs.insert().values(collector=collector, started_ts=now_ts()))
    return result.inserted_primary_key[0]


def finish_run(conn: Connection, run_id: int, *, status: str = "ok", message: str = "",
               reached_back_ts: int | None = None, **counts: int) -> None:
    values = {"ended_ts": now_ts(), "status": status, "message": message[:2000], **counts}
    if reached_back_ts is not None:
        values["reached_back_ts"] = reached_back_ts
    conn.execute(update(schema.runs).where(schema.runs.c.id == run_id).values(**values))


def log_event(conn: Connection, collector: str, kind: str, message: str) -> None:
    """Record a collector fault (429, 5xx, timeout, bad page) for the health page."""
    conn.execute(schema.collector_events.insert().values(
        collector=collector, ts=now_ts(), kind=kind, message=message[:2000]))


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    stmt = dialect_insert(conn, schema.meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


RESET_KEY = "reset_ts"


def mark_reset(conn: Connection) -> None:
    """Note that the event's posts were emptied, so incremental readers start again from scratch."""
    set_meta(conn, RESET_KEY, str(time.time_ns()))
