"""Sessionize's "All data" export (``https://sessionize.com/api/v2/<id>/view/All``).

``sessions`` hold times in the event's local time without an offset (``startsAt``, ``endsAt``), a ``roomId``,
speaker ids and ``categoryItems`` ids; ``rooms``, ``speakers`` and ``categories`` name them. A speaker's
``links`` (``linkType`` "Twitter", "Bluesky", ...) and answers to questions naming a network become speaker
accounts. Unscheduled sessions (no ``startsAt``) are left out.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from ..social import accounts, network_of_label


def read_sessionize(data: bytes, tz: ZoneInfo) -> list[dict]:
    """The scheduled sessions of an All export as session fields (``title``, ``start``, ``end``, ``room``,
    ``speakers``, ``kind``, ``tracks``)."""
    doc = json.loads(data)
    if isinstance(doc, list):
        raise ValueError(
            "this is one of Sessionize's grouped views; export the All view (/api/v2/<id>/view/All), "
            "which carries rooms and speakers"
        )
    if not isinstance(doc, dict) or not isinstance(doc.get("sessions"), list):
        raise ValueError("not a Sessionize All export (no sessions list)")
    rooms = {r["id"]: r["name"] for r in doc.get("rooms") or []}
    items = {i["id"]: i["name"] for c in doc.get("categories") or [] for i in c.get("items") or []}
    questions = {q["id"]: str(q.get("question", "")) for q in doc.get("questions") or []}
    speakers = {s["id"]: _speaker_accounts(s, questions) for s in doc.get("speakers") or []}
    return [_session(s, rooms, items, speakers, tz) for s in doc["sessions"] if s.get("startsAt") and s.get("endsAt")]


def _session(s: dict, rooms: dict, items: dict, speakers: dict, tz: ZoneInfo) -> dict:
    title = str(s.get("title") or "Untitled session").strip()
    ids = [sp["id"] if isinstance(sp, dict) else sp for sp in s.get("speakers") or []]
    return {
        "title": title,
        "start": _local(s["startsAt"], title, tz),
        "end": _local(s["endsAt"], title, tz),
        "room": str(rooms.get(s.get("roomId")) or s.get("room") or ""),
        "speakers": list(dict.fromkeys(a for i in ids for a in speakers.get(i, []))),
        "kind": "break" if s.get("isServiceSession") else "plenary" if s.get("isPlenumSession") else None,
        "tracks": [items[i] for i in s.get("categoryItems") or [] if i in items],
    }


def _local(text, title: str, tz: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"session {title!r}: {text!r} is not an ISO time") from None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _speaker_accounts(speaker: dict, questions: dict) -> list[str]:
    found = []
    for link in speaker.get("links") or []:
        label = f"{link.get('linkType', '')} {link.get('title', '')}"
        found += accounts(str(link.get("url", "")), network_of_label(label))
    for answer in speaker.get("questionAnswers") or []:
        label = questions.get(answer.get("questionId"), answer.get("question", ""))
        if network_of_label(str(label)):
            found += accounts(str(answer.get("answerValue") or answer.get("answer") or ""), network_of_label(label))
    return found
