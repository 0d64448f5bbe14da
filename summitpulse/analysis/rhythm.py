"""An account's home time zone from its own posting rhythm before the event, and what it says against the venue's.

People post on a daily rhythm: little in the small hours, most in the day and evening (the trough of Golder and
Macy's hour-of-day curve of Twitter activity, Science 2011). ``home_zone`` slides a typical day (``DAY``) over an
account's hour-of-day histogram of its own posts before the event (UTC) and keeps the offset it fits best — when
there are enough posts, the fit beats a flat day, and one offset (give or take an hour) clearly wins. No DST: an
offset is an offset. ``far_home`` then asks whether the account's posts during the event keep that home day
rather than the venue's: a home zone hours away from the venue's, kept through the event, is remote evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# A typical day's posting, by local hour (relative rates; the trough 02:00–06:00), as a share of the day, with a
# floor: some people post at any hour.
_SHAPE = (
    0.75, 0.45, 0.28, 0.18, 0.14, 0.17, 0.32, 0.60, 0.90, 1.05, 1.10, 1.15,
    1.20, 1.20, 1.15, 1.15, 1.15, 1.15, 1.15, 1.20, 1.25, 1.30, 1.20, 1.00,
)  # fmt: skip
FLOOR = 0.1
DAY = tuple((1 - FLOOR) * v / sum(_SHAPE) + FLOOR / 24 for v in _SHAPE)
QUIET = (1, 7)  # the local hours [from, to) shown as the trough ("quiet 01:00–07:00 there")
OFFSETS = range(-11, 13)  # hours east of UTC: the 24 candidates (UTC+13 and +14 read as −11 and −10)
MIN_POSTS = 30  # posts before the event needed to estimate a home zone
MIN_GAIN = 6.0  # nats by which the best day must beat a flat one (a flat histogram says nothing)
MIN_CLEAR = 0.8  # the share of the offsets' likelihood within an hour of the best
FAR_HOURS = 5  # a home zone at least this far from the venue's
MIN_EVENT_POSTS = 2  # own posts during the event needed to say whose day they keep
MIN_RATIO = 2.0  # nats by which the home day must explain the event's posts better than the venue's


@dataclass(frozen=True)
class Zone:
    """A home zone: hours east of UTC, how clearly it won (0–1), from how many posts."""

    offset: int
    clarity: float
    posts: int


@dataclass(frozen=True)
class FarHome:
    """A home zone far from the venue's, kept during the event: ``kept`` of ``posts`` during the event fit the
    home day better than the venue's, by ``ratio`` nats in all."""

    zone: Zone
    venue: float  # the venue's offset at the event, hours east of UTC
    hours_away: float
    kept: int
    posts: int
    ratio: float


def _log_likelihood(hours: Sequence[int], offset: float) -> float:
    """The log-likelihood of an hour-of-day histogram (UTC) under the typical day lived at ``offset``."""
    return sum(n * math.log(_day_at(utc + offset)) for utc, n in enumerate(hours) if n)


def _day_at(local: float) -> float:
    """The typical day's share at a local hour (a fractional offset takes the nearer hours' mean)."""
    low = math.floor(local)
    share = local - low
    return (1 - share) * DAY[low % 24] + share * DAY[(low + 1) % 24]


def home_zone(hours: Sequence[int]) -> Zone | None:
    """The home zone of a 24-hour histogram (UTC) of an account's own posts, or None when too few posts, a day
    no better than a flat one, or no clear winner."""
    n = sum(hours)
    if n < MIN_POSTS:
        return None
    fits = {offset: _log_likelihood(hours, offset) for offset in OFFSETS}
    best = max(fits, key=lambda o: (fits[o], -abs(o)))
    if fits[best] - n * math.log(1 / 24) < MIN_GAIN:
        return None
    weights = {o: math.exp(fit - fits[best]) for o, fit in fits.items()}
    near = sum(w for o, w in weights.items() if _apart(o, best) <= 1)
    clarity = near / sum(weights.values())
    return Zone(best, round(clarity, 2), n) if clarity >= MIN_CLEAR else None


def _apart(a: float, b: float) -> float:
    """Hours between two offsets around the clock."""
    d = abs(a - b) % 24
    return min(d, 24 - d)


def venue_offset(tz, start: datetime, end: datetime) -> float:
    """The venue's offset (hours east of UTC) at the event's midpoint."""
    middle = start + (end - start) / 2
    return middle.astimezone(tz).utcoffset().total_seconds() / 3600


def far_home(hours: Sequence[int], event_hours: Sequence[int], venue: float) -> FarHome | None:
    """A home zone (from ``hours``, before the event) at least FAR_HOURS from the ``venue``'s offset whose day
    explains the account's own posts during the event (``event_hours``, UTC) better than the venue's by
    MIN_RATIO; None otherwise (no zone, near the venue, too few posts during the event, or they keep the venue's
    day: travelled)."""
    zone = home_zone(hours)
    posts = sum(event_hours)
    if zone is None or _apart(zone.offset, venue) < FAR_HOURS or posts < MIN_EVENT_POSTS:
        return None
    ratio = _log_likelihood(event_hours, zone.offset) - _log_likelihood(event_hours, venue)
    if ratio < MIN_RATIO:
        return None
    kept = sum(n for utc, n in enumerate(event_hours) if _day_at(utc + zone.offset) > _day_at(utc + venue))
    return FarHome(zone, venue, _apart(zone.offset, venue), kept, posts, round(ratio, 2))


def utc_label(offset: float) -> str:
    """ "UTC+9", "UTC−8", "UTC+5:30", "UTC"."""
    if not offset:
        return "UTC"
    sign, minutes = "+" if offset > 0 else "−", round(abs(offset) * 60)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def explain(found: FarHome) -> str:
    """The evidence in plain words."""
    zone = found.zone
    return (
        f"posts before the event ({zone.posts}) keep the day of {utc_label(zone.offset)} "
        f"(quiet {QUIET[0]:02d}:00–{QUIET[1]:02d}:00 there): a home zone {found.hours_away:g} h from the venue's "
        f"{utc_label(found.venue)}, and {found.kept} of {found.posts} posts during the event fit that day, "
        f"not the venue's"
    )


def hours_of(stamps: Sequence[float]) -> list[int]:
    """The 24-hour histogram (UTC) of epoch times."""
    out = [0] * 24
    for ts in stamps:
        out[int(ts // 3600) % 24] += 1
    return out


def event_hours(quarters, start: float, end: float) -> dict[tuple[str, str], list[int]]:
    """Each account's own posts (reposts aside) from an hour before the event to an hour after, by UTC hour, from
    rows of (network, author_id, quarter hour's start, posts, reposts)."""
    out: dict[tuple[str, str], list[int]] = {}
    for network, author_id, quarter, posts, reposts in quarters:
        if start - 3600 <= quarter <= end + 3600 and posts > reposts:
            out.setdefault((network, author_id), [0] * 24)[int(quarter // 3600) % 24] += posts - reposts
    return out
