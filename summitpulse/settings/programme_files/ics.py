"""iCalendar programmes (RFC 5545), read with the ``icalendar`` library: folded lines, ``TZID`` and UTC times.

All-day events are left out (a day is not a session), and so are events with a start and neither an end nor a
duration (they last no time, RFC 5545 §3.6.1); a time with neither an offset nor a ``TZID`` is the venue's
local time; a ``TZID`` nobody knows is refused rather than guessed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar


def read_ics(data: bytes, tz: ZoneInfo) -> list[dict]:
    """The timed events of a calendar as session fields (``title``, ``start``, ``end``, ``room``)."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise ValueError(f"not an iCalendar file ({exc})") from None
    sessions = []
    for event in calendar.walk("VEVENT"):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        title = str(event.get("SUMMARY", "")).strip() or "Untitled session"
        start = _time(event, "DTSTART", title, tz)
        if start is None or not isinstance(start, datetime):
            continue  # no start, or an all-day event
        end = _time(event, "DTEND", title, tz)
        if end is None:
            duration = event.decoded("DURATION", None)
            end = start + duration if isinstance(duration, timedelta) else start
        if not isinstance(end, datetime):
            continue
        sessions.append({"title": title, "start": start, "end": end, "room": str(event.get("LOCATION", "")).strip()})
    return sessions


def _time(event, name: str, title: str, tz: ZoneInfo) -> date | None:
    prop = event.get(name)
    if prop is None:
        return None
    value = event.decoded(name)
    if not isinstance(value, date):
        raise ValueError(f"event {title!r}: {name} {str(value)!r} is not a date or a time")
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return value
    if prop.params.get("TZID"):
        raise ValueError(
            f"event {title!r}: unknown time zone {prop.params['TZID']!r}; export the calendar with "
            "IANA zone names (e.g. Europe/Berlin) or UTC times"
        )
    return value.replace(tzinfo=tz)
