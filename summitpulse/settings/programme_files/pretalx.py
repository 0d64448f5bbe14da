"""pretalx's schedule export (``/<event>/schedule/export/schedule.json``), which frab also writes.

The format is the C3VOC schedule JSON: ``schedule.conference.days[].rooms{room: [talk]}``, each talk with a
``date`` (ISO, with the venue's offset), a ``duration`` ("HH:MM") and its ``persons``. pretalx carries no
social fields for speakers; their links, custom answers naming a network, and profile URLs or
``@name@instance`` in their biographies become speaker accounts.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..social import accounts, network_of_label

URL = re.compile(r"https?://[^\s)\]>\"']+")
FEDIVERSE = re.compile(r"(?<![\w@])@[A-Za-z0-9_][\w.-]*@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def read_pretalx(data: bytes, tz: ZoneInfo) -> list[dict]:
    """The talks of a schedule.json as session fields (``title``, ``start``, ``end``, ``room``, ``speakers``,
    ``kind``, ``tracks``)."""
    conference = json.loads(data).get("schedule", {}).get("conference", {})
    days = conference.get("days")
    if not isinstance(days, list):
        raise ValueError("not a pretalx or frab schedule.json (no schedule.conference.days)")
    zone = _zone(conference.get("time_zone_name"), tz)
    return [_session(talk, room, zone) for day in days for room, talks in day["rooms"].items() for talk in talks]


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _session(talk: dict, room: str, zone: ZoneInfo) -> dict:
    title = str(talk.get("title") or "Untitled session").strip()
    try:
        start = datetime.fromisoformat(talk["date"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"talk {title!r}: its date {talk.get('date')!r} is not an ISO time") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    return {
        "title": title,
        "start": start,
        "end": start + _duration(talk.get("duration"), title),
        "room": str(talk.get("room") or room),
        "speakers": list(dict.fromkeys(a for person in talk.get("persons") or [] for a in _person_accounts(person))),
        "kind": "keynote" if "keynote" in str(talk.get("type") or "").casefold() else None,
        "tracks": [str(talk["track"])] if talk.get("track") else [],
    }


def _duration(text, title: str) -> timedelta:
    """frab durations: "HH:MM", also "H:MM" and "HH:MM:SS"."""
    match = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", str(text or "").strip())
    if not match:
        raise ValueError(f"talk {title!r}: its duration {text!r} is not HH:MM")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _person_accounts(person: dict) -> list[str]:
    found = []
    for link in person.get("links") or []:
        found += accounts(link.get("url", ""), network_of_label(str(link.get("title", ""))))
    for answer in person.get("answers") or []:
        question = answer.get("question")
        label = question.get("question") if isinstance(question, dict) else None
        label = " ".join(map(str, label.values())) if isinstance(label, dict) else str(label or "")
        if network_of_label(label):
            found += accounts(str(answer.get("answer", "")), network_of_label(label))
    biography = str(person.get("biography") or "")
    for text in URL.findall(biography) + FEDIVERSE.findall(biography):
        found += accounts(text)
    return found
