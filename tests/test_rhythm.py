"""A home time zone from an account's posting rhythm before the event (synthetic histograms), and the remote
evidence it gives when it is far from the venue's and kept through the event."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from summitpulse.analysis import rhythm
from summitpulse.analysis.participation import NO_ROSTERS, judge_person, new_facts


def day_in(offset: int, posts: int = 120) -> list[int]:
    """The typical day lived at ``offset`` (hours east of UTC) as a UTC histogram of about ``posts`` posts."""
    return [round(posts * rhythm.DAY[(utc + offset) % 24]) for utc in range(24)]


def at_utc(*hours: int) -> list[int]:
    out = [0] * 24
    for h in hours:
        out[h] += 1
    return out


@pytest.mark.parametrize("offset", [-8, -5, 0, 1, 5, 9, 12])
def test_a_clear_day_gives_its_zone(offset):
    zone = rhythm.home_zone(day_in(offset))
    assert zone is not None and zone.offset == offset and zone.clarity >= rhythm.MIN_CLEAR


def test_a_day_of_few_posts_flat_or_split_gives_none():
    assert rhythm.home_zone(day_in(9, posts=20)) is None, "too few posts"
    assert rhythm.home_zone([10] * 24) is None, "a flat day: no trough to place"
    split = [a + b for a, b in zip(day_in(-8, 60), day_in(4, 60))]  # two people's days twelve hours apart
    assert rhythm.home_zone(split) is None


def test_a_noisy_day_still_finds_its_trough():
    noisy = [n + (3 if utc % 5 == 0 else 0) for utc, n in enumerate(day_in(-3, 100))]
    assert rhythm.home_zone(noisy).offset == -3


def test_the_venue_offset_is_the_one_at_the_event_and_offsets_read_plainly():
    london = ZoneInfo("Europe/London")
    assert rhythm.venue_offset(london, datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 3, tzinfo=UTC)) == 1
    assert rhythm.venue_offset(london, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC)) == 0
    kolkata = ZoneInfo("Asia/Kolkata")
    assert rhythm.venue_offset(kolkata, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)) == 5.5
    assert [rhythm.utc_label(o) for o in (-8, 0, 9, 5.5)] == ["UTC−8", "UTC", "UTC+9", "UTC+5:30"]


def test_a_far_home_kept_through_the_event_is_found_and_explained():
    tokyo = day_in(9)
    found = rhythm.far_home(tokyo, at_utc(0, 1, 2, 3), venue=1.0)  # London's small hours, Tokyo's working day
    assert found and found.hours_away == 8 and (found.kept, found.posts) == (4, 4)
    assert rhythm.explain(found) == (
        f"posts before the event ({sum(tokyo)}) keep the day of UTC+9 (quiet 01:00–07:00 there): a home zone 8 h from the "
        "venue's UTC+1, and 4 of 4 posts during the event fit that day, not the venue's"
    )


def test_no_far_home_when_near_travelled_too_quiet_or_unknown():
    tokyo = day_in(9)
    assert rhythm.far_home(tokyo, at_utc(9, 11, 13, 15, 17), venue=1.0) is None, "the venue's day: travelled"
    assert rhythm.far_home(tokyo, at_utc(2), venue=1.0) is None, "one post says little"
    assert rhythm.far_home(day_in(4), at_utc(0, 1, 2, 3), venue=1.0) is None, "three hours away is near"
    assert rhythm.far_home([10] * 24, at_utc(0, 1, 2, 3), venue=1.0) is None, "no home zone"


def test_event_hours_count_own_posts_around_the_event():
    start, end = 1_000_000 * 3600, 1_000_010 * 3600
    rows = [
        ("bluesky", "a", start, 3, 1),  # two own posts at the start
        ("bluesky", "a", start - 7200, 5, 0),  # two hours before: not the event
        ("bluesky", "b", end + 900, 1, 0),  # a quarter after the end
        ("bluesky", "c", end, 2, 2),  # reposts only
    ]
    hours = rhythm.event_hours(rows, start, end)
    assert hours == {("bluesky", "a"): at_utc(16, 16), ("bluesky", "b"): at_utc(2)}


def _person(config, **facts):
    f = {**new_facts(posts=6), "handle": "far", **facts}
    return judge_person(config, ("bluesky", "did:plc:far"), [(("bluesky", "did:plc:far"), f)], NO_ROSTERS, {}, dict)


def test_a_far_home_is_remote_evidence_unless_other_evidence_places_them_in_the_room(config):
    # the bundled event: Toronto, 22 October 2014 (UTC−4); Tokyo (UTC+9) is 11 hours away round the clock
    tokyo, small_hours = day_in(9), at_utc(5, 6, 7)  # 01:00–03:00 in Toronto, the afternoon in Tokyo
    remote = _person(config, rhythm=tokyo, event_hours=small_hours)
    reason = next(r for r in remote["reasons"] if "keep the day of UTC+9" in r)
    assert "11 h from the venue's UTC−4" in reason and reason.endswith(f"({config.participation.home_zone_far:+.1f})")
    assert remote["label"] == "remote"
    travelled = _person(config, rhythm=tokyo, event_hours=small_hours, checkin=2, phrases=_said_in())
    assert travelled["label"] == "in_room"
    assert any(r.endswith("travelled") for r in travelled["reasons"])
    assert not any("keep the day" in r for r in _person(config, event_hours=small_hours)["reasons"]), "no feed read"


def _said_in():
    from collections import Counter

    return Counter({("in", "here at"): 2})
