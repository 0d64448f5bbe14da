"""Property-based: any mangling of a real payload is stored or rejected with a reason — never a crash."""

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitpulse.normalise import normalise
from summitpulse.normalise.models import Batch
from summitpulse.normalise.untrusted import clean_text
from summitpulse.store.engine import ingest, open_store

from .conftest import FIXTURES
from .mangle import JUNK, ODD_TEXT, mangle, paths


def _payloads() -> dict[str, object]:
    x = json.loads((FIXTURES / "x/docs_tweets_with_users_and_referenced_2.json").read_text())
    cassette = yaml.safe_load((FIXTURES / "mastodon/test_entity_status.yaml").read_text())
    status = json.loads(cassette["interactions"][0]["response"]["body"]["string"])
    view = json.loads((FIXTURES / "bluesky/thread_view_post_with_embed_media.json").read_text())["thread"]["post"]
    jet = [json.loads(line) for line in (FIXTURES / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines()]
    tagged = next(e for e in jet if "#tag" in json.dumps(e))
    return {"x_page": x, "mastodon_statuses": [status], "bluesky_search": {"posts": [view]}, "jetstream_event": tagged}


PAYLOADS = _payloads() if FIXTURES.is_dir() else {}


@pytest.mark.parametrize("kind", ["x_page", "mastodon_statuses", "bluesky_search", "jetstream_event"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mangled_payload_never_crashes_the_normaliser(kind, data, tmp_path_factory):
    payload = PAYLOADS[kind]
    every_path = list(paths(payload))
    mangled = payload
    for _ in range(data.draw(st.integers(1, 3))):
        mangled = mangle(mangled, data.draw(st.sampled_from(every_path)), data.draw(JUNK), data.draw(st.booleans()))
    batch = normalise(kind, mangled, ["somesummit"], source="test")
    assert isinstance(batch, Batch)
    for post in batch.posts:
        assert post.native_id and post.author_id and post.created_at.tzinfo is not None
    assert all(isinstance(r, str) and r for r in batch.rejected)


@settings(max_examples=40, deadline=None)
@given(text=ODD_TEXT, handle=ODD_TEXT, followers=JUNK)
def test_odd_unicode_and_huge_fields_are_stored_intact_but_control_characters(text, handle, followers):
    page = {
        "data": [{"id": "1", "author_id": "9", "text": text, "created_at": "2014-10-22T14:00:00Z"}],
        "includes": {
            "users": [{"id": "9", "username": handle or "u", "public_metrics": {"followers_count": followers}}]
        },
    }
    engine = open_store("sqlite:///:memory:")
    batch = normalise("x_page", page)
    ingest(engine, batch)
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT text FROM posts").scalar()
    assert stored == clean_text(text)  # control characters out, everything else intact
