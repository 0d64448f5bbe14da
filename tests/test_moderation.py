"""Blocking however an organiser writes the account, on both backends: its posts leave the wall at once, the block
is listed and lifted, and the log names posts and actions in words."""

from datetime import UTC, datetime

import pytest

from summitpulse.analysis import moderation, wall
from summitpulse.analysis.filters import Filters
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.store.engine import ingest

NOW = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
END = int(NOW.timestamp()) + 3600


@pytest.fixture
def store(engine, config):
    authors = [
        Author("x", "77", "Spammer", "Spam Bot"),
        Author("x", "9", "ana", "Ana"),
        Author("mastodon", "troll@bad.example", "@troll@bad.example"),
        Author("bluesky", "did:plc:abc", "loud.bsky.social"),
    ]
    posts = [
        Post("x", "1", "77", NOW, "Great talk! Follow me for prizes #SoMeSummit"),
        Post("x", "2", "77", NOW.replace(minute=1), "Another one from the same account #SoMeSummit"),
        Post("x", "3", "9", NOW.replace(minute=2), "A real question on pedagogy #SoMeSummit"),
        Post("mastodon", "https://bad.example/s/1", "troll@bad.example", NOW, "Trolling #SoMeSummit"),
        Post("bluesky", "at://did:plc:abc/app.bsky.feed.post/1", "did:plc:abc", NOW, "Loud #SoMeSummit"),
    ]
    ingest(engine, Batch(posts=posts, authors=authors))
    with engine.begin() as conn:
        moderation.set_status(conn, "x", "1", "approved", moderation.BY_HAND["approved"], "tester")
    return engine


def _on_wall(engine, config) -> set[str]:
    with engine.connect() as conn:
        return {c["native_id"] for c in wall.wall(conn, config, Filters(None, END), END, limit=20)}


@pytest.mark.parametrize(
    "written, key",
    [
        ("x:@spammer", "x:spammer"),
        ("x: Spammer", "x:spammer"),
        ("@Spammer", "x:spammer"),
        ("https://x.com/Spammer", "x:spammer"),
        ("twitter:spammer", "x:spammer"),
        ("spammer", "x:spammer"),  # a bare handle the store knows on one network
        ("@troll@bad.example", "mastodon:troll@bad.example"),
        ("https://bad.example/@troll", "mastodon:troll@bad.example"),
        ("mastodon:@troll@bad.example", "mastodon:troll@bad.example"),
        ("https://bsky.app/profile/loud.bsky.social", "bluesky:loud.bsky.social"),
        ("bluesky:did:plc:abc", "bluesky:did:plc:abc"),
    ],
)
def test_an_account_written_any_usual_way_is_its_key(store, written, key):
    with store.connect() as conn:
        assert moderation.account_key(conn, written) == key


@pytest.mark.parametrize("written", ["no such person", "mastodon:troll", "x:", "https://example.com/about"])
def test_what_names_no_account_is_refused_saying_how_to_write_one(store, written):
    with store.connect() as conn, pytest.raises(ValueError, match="x:name, @name@instance"):
        moderation.account_key(conn, written)


@pytest.mark.parametrize("written", ["x:@spammer", "x: spammer", "https://twitter.com/spammer"])
def test_a_block_hides_the_accounts_posts_at_once_even_one_approved_by_hand(store, config, written):
    assert {"1", "2"} <= _on_wall(store, config)
    with store.begin() as conn:
        assert moderation.block(conn, "account", written, "spam", "tester") == ("x:spammer", 2)
        assert moderation.blocklist(conn)[0]["value"] == "x:spammer"
    assert not {"1", "2"} & _on_wall(store, config) and "3" in _on_wall(store, config)
    with store.begin() as conn:
        moderation.unblock(conn, "account", "x:spammer", "tester")
        assert moderation.blocklist(conn) == []
    assert {"1", "2"} <= _on_wall(store, config)


def test_blocks_reach_mastodon_and_bluesky_accounts_and_leave_spam_spam(store, config):
    with store.begin() as conn:
        moderation.set_status(conn, "x", "2", "spam", moderation.BY_HAND["spam"], "tester")
        moderation.block(conn, "account", "@troll@bad.example", "", "tester")
        moderation.block(conn, "account", "bluesky:did:plc:abc", "", "tester")
        moderation.block(conn, "account", "@spammer", "", "tester")
        assert moderation.decisions(conn, [("x", "2")])[("x", "2")][0] == "spam"
    assert _on_wall(store, config) == {"3"}


def test_a_blocked_term_hides_stored_posts_and_is_lifted(store, config):
    with store.begin() as conn:
        assert moderation.block(conn, "term", "FOLLOW ME", "", "tester") == ("FOLLOW ME", 1)
    assert "1" not in _on_wall(store, config)
    with store.begin() as conn:
        moderation.unblock(conn, "term", "FOLLOW ME", "tester")
    assert "1" in _on_wall(store, config)


def test_the_log_says_what_was_done_to_which_post_in_words(store):
    with store.begin() as conn:
        moderation.set_status(conn, "x", "3", "hidden", moderation.BY_HAND["hidden"], "tester")
        moderation.set_status(conn, "x", "3", "spam", moderation.BY_HAND["spam"], "tester")
        moderation.block(conn, "account", "x:@spammer", "sells followers", "tester")
        log = moderation.actions(conn)
    assert [r["action"] for r in log[:3]] == ["blocked account", "marked as spam", "hidden"]
    assert log[1]["target"] == "@ana: “A real question on pedagogy #SoMeSummit”"
    assert [r["reason"] for r in log[1:3]] == ["marked as spam by hand", "hidden by hand"]
    assert log[0]["target"] == "x:spammer"
