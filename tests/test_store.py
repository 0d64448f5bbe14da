"""The store on SQLite and PostgreSQL: idempotent upserts, cursors with their posts, migrations."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from summitpulse.normalise import normalise
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.store import schema
from summitpulse.store.engine import connect, get_cursor, ingest, open_store
from summitpulse.store.migrations import current_revision, head, legacy_version, migrate

from .conftest import ROOT

T0 = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)


def _post(i: int, likes: int | None = 1, **kw) -> Post:
    return Post(
        network="x",
        native_id=str(i),
        author_id="u1",
        created_at=T0,
        text=f"post {i} #SoMeSummit",
        hashtags=["somesummit"],
        mentions=["u2"],
        like_count=likes,
        source="x",
        **kw,
    )


def _batch(*ids: int, likes: int | None = 1) -> Batch:
    return Batch(posts=[_post(i, likes) for i in ids], authors=[Author("x", "u1", "ana", followers=10)])


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_upsert_is_idempotent_and_counts_new_and_updated(engine):
    first = ingest(engine, _batch(1, 2, 3))
    again = ingest(engine, _batch(2, 3, 4, likes=9))
    assert (first.new, first.updated) == (3, 0)
    assert (again.new, again.updated) == (1, 2)
    assert _count(engine, schema.posts) == 4
    assert _count(engine, schema.post_tags) == 4
    with engine.connect() as conn:
        likes = dict(conn.execute(select(schema.posts.c.native_id, schema.posts.c.like_count)).all())
    assert likes == {"1": 1, "2": 9, "3": 9, "4": 9}


def test_a_missing_count_keeps_the_known_one(engine):
    ingest(engine, _batch(1, likes=5))
    ingest(engine, _batch(1, likes=None))
    with engine.connect() as conn:
        assert conn.execute(select(schema.posts.c.like_count)).scalar() == 5


def test_partial_author_never_overwrites_a_profile(engine):
    ingest(engine, Batch(authors=[Author("bluesky", "did:plc:a", "ana.bsky.social", "Ana", followers=7)]))
    ingest(engine, Batch(authors=[Author("bluesky", "did:plc:a", "did:plc:a", partial=True)]))
    with engine.connect() as conn:
        row = conn.execute(select(schema.authors)).one()
    assert (row.handle, row.followers) == ("ana.bsky.social", 7)


def test_cursor_advances_with_its_posts_in_one_transaction(engine):
    ingest(engine, _batch(1), cursor=("x:search", "1"))
    bad = _batch(2)
    bad.posts[0].created_at = "not a time"  # fails inside the transaction
    with pytest.raises(AttributeError):
        ingest(engine, bad, cursor=("x:search", "2"))
    with engine.connect() as conn:
        assert get_cursor(conn, "x:search") == "1"
    assert _count(engine, schema.posts) == 1


def test_deleted_posts_are_marked_and_stay_deleted(engine):
    ingest(engine, _batch(1, 2))
    result = ingest(engine, Batch(deleted=["x:1"]))
    ingest(engine, _batch(1, 2))
    with engine.connect() as conn:
        deleted = conn.execute(select(schema.posts.c.native_id).where(schema.posts.c.deleted_ts.is_not(None))).all()
    assert result.deleted == 1 and [r[0] for r in deleted] == ["1"]


def test_the_same_mastodon_status_from_two_instances_is_one_post(engine, fixtures_dir):
    import yaml

    cassette = yaml.safe_load((fixtures_dir / "mastodon/test_pagination_iterator.yaml").read_text())
    page = next(
        json.loads(i["response"]["body"]["string"])
        for i in cassette["interactions"]
        if "timelines/tag" in i["request"]["uri"]
    )
    ingest(engine, normalise("mastodon_statuses", page, source="https://one.example"))
    ingest(engine, normalise("mastodon_statuses", page, source="https://two.example"))
    assert _count(engine, schema.posts) == len(page)
    assert _count(engine, schema.sightings) == 2 * len(page)


def test_reopening_runs_no_migration_twice(store_url):
    open_store(store_url).dispose()
    engine = open_store(store_url)
    with engine.connect() as conn:
        assert current_revision(conn) == head()
    engine.dispose()


OLD_SCHEMAS = ROOT / "tests" / "data" / "old_schemas"  # each earlier version's DDL, frozen from its schema.py


def _old_store(engine, version: int) -> None:
    """A store as release ``version`` made it (its own DDL), holding one post."""
    ddl = (OLD_SCHEMAS / f"v{version}.{engine.dialect.name}.sql").read_text()
    folded = ", text_folded" * (version >= 3) + ", text_stems" * (version >= 4)
    filled = ", 'la pedagogie'" * (version >= 3) + ", ' la pedagogi '" * (version >= 4)  # as that release wrote
    with engine.begin() as conn:
        for statement in ddl.split(";\n"):
            statement = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
            if statement.strip():
                conn.exec_driver_sql(statement)
        conn.execute(
            text(
                f"INSERT INTO posts (network, native_id, uri, url, author_id, created_at, created_ts, text{folded}, "
                "lang, kind, hashtags, mentions, links, media_count, media_urls, place, matched_tags, "
                "source, collected_ts, updated_ts) VALUES ('x', '1', '', '', 'a', '2014-10-22 14:00:00', "
                f"0, 'La Pédagogie'{filled}, '', 'original', '[]', '[]', '[]', 0, '[]', '', '[]', '', 0, 0)"
            )
        )


def _differences(engine) -> list:
    """How the store's tables, columns and indexes differ from schema.py's."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    return [
        d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
    ]


@pytest.mark.parametrize("version", range(1, 7))
def test_a_store_of_every_earlier_version_is_upgraded_in_place(store_url, version):
    engine = connect(store_url)
    _old_store(engine, version)
    with engine.connect() as conn:
        assert legacy_version(conn) == version and current_revision(conn) is None
    assert migrate(engine) == head()
    with engine.connect() as conn:
        assert current_revision(conn) == head()
        post = conn.execute(text("SELECT text, text_folded, text_stems FROM posts")).one()
        assert tuple(post) == ("La Pédagogie", "la pedagogie", " la pedagogi ")
    assert _differences(engine) == []
    ingest(engine, _batch(2))  # and it takes posts as a new store does
    assert _count(engine, schema.posts) == 2
    engine.dispose()


def test_the_revisions_from_nothing_build_what_a_new_store_is(store_url):
    from alembic import command

    from summitpulse.store.migrations import alembic_config

    engine = connect(store_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert _differences(engine) == []
    engine.dispose()


def test_a_store_of_a_newer_release_is_refused(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(RuntimeError, match="newer release"):
        migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(RuntimeError, match="newer than this release"):
        migrate(engine)
    engine.dispose()


def test_migrations_need_no_alembic_ini_in_the_working_folder(store_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    open_store(store_url).dispose()


def test_created_at_is_stored_as_sqlalchemy_stores_it_on_sqlite():
    from sqlalchemy.dialects import sqlite

    from summitpulse.store.engine import _sqlite_time

    dialect = sqlite.dialect()
    theirs = schema.posts.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    for dt in (T0, T0.replace(microsecond=123456), datetime(1999, 1, 2, 3, 4, 5, 6, tzinfo=UTC)):
        assert _sqlite_time(dt) == theirs(dt)


def test_a_sqlite_store_is_in_wal_mode_and_memory_mapped(tmp_path):
    from summitpulse.store.engine import MMAP_BYTES

    engine = open_store(f"sqlite:///{tmp_path}/s.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == MMAP_BYTES


def test_an_upgrade_fills_the_figures_of_the_posts_already_stored(store_url):
    from summitpulse.analysis import metrics
    from summitpulse.analysis.filters import Filters
    from summitpulse.settings.config import load_config

    from .test_figures import assert_exact

    engine = connect(store_url)
    _old_store(engine, 6)
    engine.dispose()
    config = load_config(ROOT / "config.yaml")
    engine = open_store(store_url, config)  # as any command or the dashboard opens it
    with engine.connect() as conn:
        assert_exact(conn, config)
        assert metrics.headline(conn, config, Filters(), 0)["posts"] == 1
    engine.dispose()
