"""Programme files: an iCalendar file, a Sessionize All export or a pretalx schedule.json, merged with
``programme.sessions``.

Every session of every file is kept, then ``programme.sessions``: where the config has a session with the same
title starting at the same time as one from a file, the config's wins (that is how an imported session gets a
theme, a hashtag or a kind). A session whose track or category names a configured theme gets that theme; one whose title (or pretalx
type) says keynote is a keynote.
Only sessions overlapping the event's start–end are kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from pydantic import ValidationError

from ..errors import ConfigError
from ..files import read_named_file
from .ics import read_ics
from .pretalx import read_pretalx
from .sessionize import read_sessionize

log = logging.getLogger(__name__)
LIMIT_MB = 20  # the largest conferences' exports are a few MB
READERS: dict[str, tuple[str, Callable]] = {
    "ics": ("an iCalendar (.ics) file", read_ics),
    "sessionize": ("a Sessionize All export (JSON)", read_sessionize),
    "pretalx": ("a pretalx or frab schedule.json", read_pretalx),
}


def programme_sessions(config) -> list:
    """``config.programme.sessions`` with the sessions of the programme files the config names merged in."""
    mine = {_key(s) for s in config.programme.sessions}
    merged = list(config.programme.sessions)
    for field, (what, reader) in READERS.items():
        name = getattr(config.programme, field)
        if name:
            found = _file_sessions(config, f"programme.{field}", name, what, reader)
            merged += [s for s in found if _key(s) not in mine]
    return sorted(merged, key=lambda s: s.start)


def _key(session) -> tuple:
    return session.title.casefold().strip(), session.start.timestamp()


def _file_sessions(config, field: str, name: str, what: str, reader: Callable) -> list:
    path = config.path(name)
    data = read_named_file(path, field, LIMIT_MB)
    where = f"{field}: {path}"
    try:
        raw = reader(data, config.event.tz)
    except (ValueError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{where}: {exc}; expected {what}") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ConfigError(f"{where}: not {what} (unexpected structure: {exc!r})") from None
    themes = {t.name.casefold(): t.name for t in config.themes}
    sessions = [s for s in (_session(where, r, themes) for r in raw) if s is not None]
    start, end = config.event.start, config.event.end
    kept = [s for s in sessions if s.end > start and s.start < end]
    if sessions and not kept:
        first = min(s.start for s in sessions)
        raise ConfigError(
            f"{where}: none of its {len(sessions)} sessions falls between event.start and event.end "
            f"(the first starts {first.isoformat()}); check the event's dates or the file"
        )
    if len(kept) < len(sessions):
        log.info("%s: %d sessions outside the event's start–end left out", where, len(sessions) - len(kept))
    return kept


def _session(where: str, raw: dict, themes: dict):
    """A Session from a file's fields; None for one that lasts no time; ConfigError for one that cannot be."""
    from ..config import Session

    if raw["end"] == raw["start"]:
        return None
    theme = next((themes[t.casefold()] for t in raw.pop("tracks", []) if t.casefold() in themes), None)
    kind = raw.pop("kind", None) or ("keynote" if "keynote" in raw["title"].casefold() else "session")
    try:
        return Session.model_validate({**raw, "theme": theme, "kind": kind})
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(
            f"{where}: session {raw['title']!r}: {problem}; correct it where the file comes from"
        ) from None
