"""NUL and other control characters from outside: cleaned at normalisation the same on both backends, and a row the
store still refuses never takes its batch (nor the collector's cursor) with it."""

import copy
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from collectors import jetstream
from summitpulse.ingest.pipeline import ingest_stream
from summitpulse.normalise import normalise
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest

from .fakes.jetstream import FakeJetstream
from .mangle import paths
from .test_hostile_times import _tagged_event, config_file
from .test_normalise_hostile import PAYLOADS

CONTROLS = "\x00\x01\x08\x0b\x1b\x7f\x85\x9f"
HOSTILE = f"a{CONTROLS}b\ud800c"  # every kind of control character, and a lone surrogate (no UTF-8 store takes one)
STRUCTURE = ("created_at", "createdAt", "$type", "kind", "collection", "operation", "visibility")  # not text
TEXT_COLUMNS = {
    "posts": ("native_id", "author_id", "uri", "url", "text", "lang", "hashtags", "mentions", "links", "media_urls"),
    "authors": ("author_id", "handle", "display_name", "location", "description", "avatar_url", "url"),
}


def _poisoned(payload):
    """``payload`` with HOSTILE written into every text value it holds (ids, names, bios, handles, URLs, text)."""
    data = copy.deepcopy(payload)
    for path in list(paths(data)):
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        if path and isinstance(parent[path[-1]], str) and path[-1] not in STRUCTURE:
            parent[path[-1]] = parent[path[-1]] + HOSTILE
    return data


def _stored_text(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            table: sorted(conn.execute(text(f"SELECT {', '.join(cols)} FROM {table}")).all())
            for table, cols in TEXT_COLUMNS.items()
        }


@pytest.mark.parametrize("kind", ["x_page", "mastodon_statuses", "bluesky_search", "jetstream_event"])
def test_control_characters_in_every_field_are_cleaned_the_same_on_both_backends(engine, kind, tmp_path):
    batch = normalise(kind, _poisoned(PAYLOADS[kind]), ["indierebellion"], source="test")
    assert batch.posts and not batch.rejected
    result = ingest(engine, batch)
    assert result.rejected == 0 and result.new == len({p.native_id for p in batch.posts})
    stored = _stored_text(engine)
    values = [v for rows in stored.values() for row in rows for v in row if isinstance(v, str)]
    assert any("ab\ufffdc" in v for v in values), "the text around the controls is kept"
    assert not any(c in v for v in values for c in CONTROLS + "\ud800")
    # and exactly what the other backend stores: the cleaning is normalisation's, not the store's
    from summitpulse.store.engine import open_store

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    ingest(other, normalise(kind, _poisoned(PAYLOADS[kind]), ["indierebellion"], source="test"))
    assert _stored_text(other) == stored
    other.dispose()


def test_a_post_the_store_refuses_does_not_take_its_batch_or_the_cursor_with_it(engine):
    when = datetime(2014, 10, 22, 14, tzinfo=UTC)
    posts = [Post("x", str(i), f"u{i}", when, f"post {i}") for i in range(5)]
    posts[2].text = "bad \ud800 text"  # written round normalisation: no store takes a lone surrogate
    authors = [Author("x", f"u{i}", f"h{i}") for i in range(5)]
    authors[3].display_name = "bad \udfff name"
    result = ingest(engine, Batch(posts=posts, authors=authors, deleted=["x:404"]), cursor=("test:c", "42"))
    assert (result.new, result.rejected) == (3, 2)
    assert any(r.startswith("x:2: the store refused it (UnicodeEncodeError") for r in result.reasons)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT native_id FROM posts ORDER BY 1")).scalars().all() == ["0", "1", "4"]
        assert conn.execute(text("SELECT value FROM cursors WHERE collector = 'test:c'")).scalar() == "42"


def test_an_import_batch_with_a_refused_row_keeps_the_rest(engine):
    when = datetime(2014, 10, 22, 14, tzinfo=UTC)
    posts = [Post("x", str(i), "u", when, "fine" if i != 1 else "bad \ud800") for i in range(3)]
    seen = []
    ingest_stream(engine, [lambda: [Batch(posts=posts, authors=[Author("x", "u", "h")])]], lambda r, p: seen.append(r))
    assert sum(r.new for r in seen) == 2 and sum(r.rejected for r in seen) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 2


def test_nul_in_jetstream_posts_is_stored_cleaned_with_the_rest_of_the_batch(engine, store_url, fixtures_dir, tmp_path):
    base = _tagged_event(fixtures_dir)
    events = []
    for i, body in enumerate(
        ["nul\x00inside #IndieRebellion", "escape \x1b[31m #IndieRebellion", "fine #IndieRebellion"]
    ):
        event = copy.deepcopy(base)
        event["time_us"] = 1783175888390226 + 1000 + i
        event["commit"]["rkey"] = f"3zzzznul{i}"
        event["commit"]["record"]["text"] = body
        events.append(event)
    fake = FakeJetstream(fixtures_dir, extra=events)
    try:
        config = load_config(config_file(tmp_path, fake.url))
        jetstream.collect(config, engine, sleep=lambda s: None, max_wait=2, timeout=5)
    finally:
        fake.close()
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM posts WHERE native_id LIKE '%3zzzznul%' ORDER BY 1")).scalars()
        cursor = conn.execute(text("SELECT value FROM cursors WHERE collector = 'bluesky:jetstream'")).scalar()
        status = conn.execute(text("SELECT status FROM runs")).scalars().all()
    assert list(stored) == ["escape [31m #IndieRebellion", "fine #IndieRebellion", "nulinside #IndieRebellion"]
    assert int(cursor) == events[-1]["time_us"] and status == ["ok"]


def test_the_widths_normalisation_cuts_to_are_the_stores():
    from summitpulse.normalise.untrusted import WIDTHS
    from summitpulse.store import schema

    for name, width in WIDTHS.items():
        found = {t.c[name].type.length for t in (schema.posts, schema.authors, schema.sightings) if name in t.c}
        assert found == {width}, name
