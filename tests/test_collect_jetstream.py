"""The Jetstream firehose: real production events over a loopback WebSocket, filtered, resumable."""

import json

import pytest
from sqlalchemy import text

from collectors import jetstream
from summitpulse.normalise.common import parse_time
from summitpulse.normalise.models import Batch, Post
from summitpulse.settings.config import parse_config
from summitpulse.store.engine import ingest

from .fakes.jetstream import FakeJetstream
from .test_config import _good

DELETED = "at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p"


def _config(url):
    data = _good()
    data["hashtags"] = {"primary": "#IndieRebellion", "aliases": ["#talesatwonderworld"]}
    data["networks"]["bluesky"].update(jetstream=True, jetstream_url=url)
    return parse_config(data)


def _tagged(fixtures_dir) -> set[str]:
    out = set()
    for line in (fixtures_dir / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines():
        e = json.loads(line)
        text_ = json.dumps(e.get("commit", {}).get("record", {})).casefold()
        if e.get("commit", {}).get("operation") == "create" and (
            "indierebellion" in text_ or "talesatwonderworld" in text_
        ):
            out.add(f"at://{e['did']}/app.bsky.feed.post/{e['commit']['rkey']}")
    return out


def _stored(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT native_id FROM posts WHERE deleted_ts IS NULL"))]


def _run(config, engine, seconds=1.5):
    jetstream.collect(config, engine, sleep=lambda s: None, max_wait=seconds, timeout=2)


@pytest.fixture
def stream(fixtures_dir):
    fake = FakeJetstream(fixtures_dir)
    yield fake
    fake.close()


def test_tagged_posts_are_kept_deletions_applied_and_the_cursor_stored(engine, stream, fixtures_dir):
    ingest(engine, Batch(posts=[Post("bluesky", DELETED, "did:plc:x", parse_time("2026-07-04T14:00:00Z"), "old")]))
    config = _config(stream.url)
    _run(config, engine)
    assert sorted(_stored(engine)) == sorted(_tagged(fixtures_dir))
    with engine.connect() as conn:
        cursor = conn.execute(text("SELECT value FROM cursors WHERE collector = 'bluesky:jetstream'")).scalar()
    assert int(cursor) > 1783175888000000
    _run(config, engine)
    assert "cursor" in stream.connections[-1], "a restart resumes from the stored cursor"
    assert sorted(_stored(engine)) == sorted(_tagged(fixtures_dir))


def test_a_dropped_stream_resumes_with_no_gap_and_no_duplicate(engine, fixtures_dir):
    fake = FakeJetstream(fixtures_dir, drop_after=100)  # between the two tagged posts (lines 46 and 148)
    try:
        config = _config(fake.url)
        _run(config, engine)
        _run(config, engine)
        stored = _stored(engine)
        assert sorted(stored) == sorted(_tagged(fixtures_dir)) and len(stored) == len(set(stored))
    finally:
        fake.close()
