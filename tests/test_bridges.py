"""Bridgy Fed's copies (see summitpulse/normalise/bridges.py for the sources): a bridged copy is one post with its
original, and a bridge account and the account it copies are one person, linked automatically with the reason."""

from __future__ import annotations

import copy
import json

from sqlalchemy import text

from summitpulse.analysis import identity
from summitpulse.figures import adopt
from summitpulse.normalise import normalise
from summitpulse.store.engine import ingest

from .fakes.bluesky import post

TAGS = ["somesummit"]
ORIGINAL_URL = "https://mastodon.social/@Gargron/103270115826048975"
ORIGINAL_URI = "https://mastodon.social/users/Gargron/statuses/103270115826048975"


def _status(fixtures_dir) -> dict:
    status = json.loads((fixtures_dir / "mastodon/docs_status_entity.json").read_text())
    status["content"] = "<p>Live from the hall <a href='https://mastodon.social/tags/SoMeSummit'>#SoMeSummit</a></p>"
    status["tags"] = [{"name": "SoMeSummit", "url": "https://mastodon.social/tags/somesummit"}]
    return status


def _bluesky_copy(fixtures_dir, original_url: str = ORIGINAL_URL, i: int = 1) -> dict:
    """The Bluesky copy Bridgy Fed posts: its account ``gargron.mastodon.social.ap.brid.gy``, ``bridgyOriginalUrl``."""
    view = json.loads((fixtures_dir / "bluesky/thread_view_post_with_embed_media.json").read_text())["thread"]["post"]
    copied = post(view, i, "somesummit", "2026-08-01T10:00:00.000Z", author="did:plc:bridgedgargron")
    copied["author"]["handle"] = "gargron.mastodon.social.ap.brid.gy"
    copied["record"]["bridgyOriginalUrl"] = original_url
    copied["likeCount"] = 1
    return copied


def test_a_bluesky_copy_of_a_fediverse_post_is_the_original(fixtures_dir):
    batch = normalise("bluesky_search", {"posts": [_bluesky_copy(fixtures_dir)]}, TAGS)
    [folded] = batch.posts
    assert (folded.network, folded.native_id, folded.author_id) == ("mastodon", ORIGINAL_URI, "gargron@mastodon.social")
    assert folded.like_count is None, "the copy's counts never overwrite the original's"
    assert ("mastodon", "gargron@mastodon.social") in {(a.network, a.author_id) for a in batch.authors}


def test_a_fediverse_copy_of_a_bluesky_post_and_boosts_of_it_are_the_original(fixtures_dir):
    status = _status(fixtures_dir)
    at_uri = "at://did:plc:alice/app.bsky.feed.post/3kaheyt6v00001"
    status.update(
        uri=f"https://bsky.brid.gy/convert/ap/{at_uri}",
        url="https://bsky.app/profile/alice.bsky.social/post/3kaheyt6v00001",
    )
    status["account"] = {
        **status["account"],
        "acct": "alice.bsky.social@bsky.brid.gy",
        "url": "https://bsky.brid.gy/ap/did:plc:alice",
    }
    boost = copy.deepcopy(_status(fixtures_dir))
    boost.update(id="2", uri="https://mastodon.social/users/Gargron/statuses/2/activity", reblog=status)
    batch = normalise("mastodon_statuses", [status, boost], TAGS, source="https://mastodon.social")
    copied, boosted = batch.posts
    assert (copied.network, copied.native_id, copied.author_id) == ("bluesky", at_uri, "did:plc:alice")
    assert boosted.repost_of == at_uri
    assert ("bluesky", "did:plc:alice", "alice.bsky.social") in {
        (a.network, a.author_id, a.handle) for a in batch.authors
    }


def test_original_and_copy_count_once_and_their_accounts_are_one_person(engine, config, fixtures_dir):
    with engine.begin() as conn:
        adopt(conn, config)
    other_software = "https://pixelfed.example/p/gargron/99"  # not a Mastodon address: stays the bridge account's
    ingest(engine, normalise("mastodon_statuses", [_status(fixtures_dir)], TAGS, source="https://mastodon.social"))
    ingest(engine, normalise("bluesky_search", {"posts": [_bluesky_copy(fixtures_dir)]}, TAGS, source="bluesky"))
    ingest(engine, normalise("bluesky_search", {"posts": [_bluesky_copy(fixtures_dir, other_software, 2)]}, TAGS))
    with engine.begin() as conn:
        posts = conn.execute(text("SELECT network, native_id FROM posts")).all()
        assert sorted(n for n, _ in posts) == ["bluesky", "mastodon"], "the copy of the Mastodon post is that post"
        assert dict(conn.execute(text("SELECT native_id, like_count FROM posts")).all())[ORIGINAL_URI] is not None
        [(pair, why)] = identity.bridged_pairs(conn)
        assert sorted(pair) == [("bluesky", "did:plc:bridgedgargron"), ("mastodon", "gargron@mastodon.social")]
        assert "Bridgy Fed" in why and "gargron.mastodon.social.ap.brid.gy" in why
        assert identity.bridged(conn).why.tolist() == [why]
        persons = dict(conn.execute(text("SELECT network, person FROM accounts")).all())
    assert persons["bluesky"] == persons["mastodon"], "one person across the bridge"


def test_a_record_claiming_someone_elses_post_is_not_folded(fixtures_dir):
    """Any account can write bridgyOriginalUrl: only Bridgy Fed's account for the original's author is believed."""
    forged = _bluesky_copy(fixtures_dir)
    forged["author"]["handle"] = "mallory.bsky.social"
    [kept] = normalise("bluesky_search", {"posts": [forged]}, TAGS).posts
    assert (kept.network, kept.native_id) == ("bluesky", forged["uri"])
    status = _status(fixtures_dir)
    status["uri"] = "https://bsky.brid.gy/convert/ap/at://did:plc:alice/app.bsky.feed.post/3kaheyt6v00001"
    [kept] = normalise("mastodon_statuses", [status], TAGS, source="https://mastodon.social").posts
    assert kept.network == "mastodon", "a copy's id is believed only from a bsky.brid.gy account"


def test_a_copy_from_the_firehose_is_left_to_search(fixtures_dir):
    """A Jetstream event names no handle, so nothing vouches for its bridgyOriginalUrl: search, which names the
    author, stores it (as its original) instead of the firehose storing it a second time as a Bluesky post."""
    copied = _bluesky_copy(fixtures_dir)
    did, rkey = copied["author"]["did"], copied["uri"].rsplit("/", 1)[1]
    event = {
        "did": did,
        "time_us": 1725911162329308,
        "kind": "commit",
        "commit": {
            "rev": "x",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": rkey,
            "record": copied["record"],
            "cid": "bafy",
        },
    }
    assert normalise("jetstream_event", event, TAGS).posts == []


def test_the_originals_text_wins_over_its_copy(engine, config, fixtures_dir):
    """Bridgy Fed's copy (shortened, with a link back) never overwrites the original's text, links or figures; a copy
    stored first gives way to its original's text when that arrives, as any post to a later reading."""
    from .test_figures import assert_exact

    with engine.begin() as conn:
        adopt(conn, config)
    status = _status(fixtures_dir)
    copied = _bluesky_copy(fixtures_dir)
    copied["record"]["text"] = "Live from the hall #SoMeSummit [bridged from https://mastodon.social/@Gargron]"

    def collect(kind: str) -> tuple[int, int]:
        if kind == "original":
            batch = normalise("mastodon_statuses", [status], TAGS, source="https://mastodon.social")
        else:
            batch = normalise("bluesky_search", {"posts": [copied]}, TAGS, source="bluesky")
        result = ingest(engine, batch)
        return result.new, result.updated

    def stored_text() -> str:
        with engine.connect() as conn:
            return conn.execute(text("SELECT text FROM posts WHERE native_id = :id"), {"id": ORIGINAL_URI}).scalar()

    assert collect("original") == (1, 0) and collect("copy") == (0, 1)
    assert stored_text() == "Live from the hall #SoMeSummit"
    with engine.connect() as conn:
        links = conn.execute(text("SELECT link FROM post_links WHERE native_id = :id"), {"id": ORIGINAL_URI}).scalars()
        assert "https://mastodon.social/@Gargron" not in set(links)
        assert_exact(conn, config)
        conn.execute(text("DELETE FROM posts"))
        conn.commit()
    collect("copy")
    assert stored_text().endswith("[bridged from https://mastodon.social/@Gargron]"), "only the copy is known yet"
    collect("original")
    assert stored_text() == "Live from the hall #SoMeSummit"
