"""The cursor rule every collector follows: re-read an overlap, never move past the collection time."""

from datetime import UTC, datetime, timedelta

from collectors import cursors
from collectors.mastodon import id_at, time_of

NOW = datetime(2026, 8, 1, 10, 0, tzinfo=UTC)


def test_a_run_re_reads_the_overlap_or_from_an_older_cursor():
    overlap = timedelta(minutes=2)
    assert cursors.reread_from(NOW - timedelta(seconds=5), NOW, overlap) == NOW - overlap
    assert cursors.reread_from(NOW - timedelta(hours=1), NOW, overlap) == NOW - timedelta(hours=1)


def test_a_post_dated_ahead_moves_the_cursor_no_further_than_now_plus_the_tolerance():
    ahead = NOW + timedelta(hours=2)
    assert cursors.advance(NOW - timedelta(minutes=1), [ahead], NOW) == NOW + cursors.TOLERANCE
    assert cursors.advance(None, [NOW - timedelta(seconds=1)], NOW) == NOW - timedelta(seconds=1)


def test_a_cursor_never_moves_back_and_an_empty_page_keeps_it():
    assert cursors.advance(NOW, [NOW - timedelta(days=1)], NOW) == NOW
    assert cursors.advance(NOW, [], NOW) == NOW


def test_mastodon_ids_follow_the_same_rule_through_their_snowflake_time():
    """Mastodon::Snowflake.id_at: 48 bits of milliseconds, 16 of sequence; a status created within a second
    has an id at least id_at of that second."""
    created = NOW - timedelta(seconds=40)
    status_id = ((int(created.timestamp()) * 1000 + 999) << 16) + 65535
    assert id_at(created) <= status_id < id_at(created + timedelta(seconds=1))
    assert abs(time_of(status_id) - created) < timedelta(seconds=1)
    start = cursors.reread_from(id_at(NOW - timedelta(seconds=1)), NOW, timedelta(minutes=2), id_at)
    assert start < status_id, "a late copy created 40 s ago is inside the re-read window"
    skewed = id_at(NOW + timedelta(days=1))
    assert cursors.advance(id_at(NOW), [skewed], NOW, id_at) == id_at(NOW + cursors.TOLERANCE)
