"""Small helpers shared by the network normalisers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

HASHTAG = re.compile(r"(?<![\w&])#(\w{1,100})", re.UNICODE)


class NormaliseError(ValueError):
    """A payload that cannot become a post; the message says why."""


# What a malformed payload can raise while it is read; each means "reject it, with this reason".
PAYLOAD_ERRORS = (
    NormaliseError,
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
    ValueError,
    OverflowError,
    RecursionError,
)


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def parse_time(value) -> datetime:
    """An aware UTC datetime from an ISO string (any offset, 'Z') or a datetime; one that UTC cannot hold (year 9999
    west of it) is the last (or first) instant UTC can."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value:
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise NormaliseError(f"unreadable time {value[:40]!r}") from None
    else:
        raise NormaliseError(f"missing or non-text time {type(value).__name__}")
    try:
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        return (datetime.max if dt.year > 1 else datetime.min).replace(tzinfo=UTC)


def text_tags(text: str) -> list[str]:
    """Hashtags written in the text, casefolded."""
    return [t.casefold() for t in HASHTAG.findall(text or "")]


MAX_COUNT = 2**31 - 1


def as_int(value) -> int | None:
    """A plausible count (0 … 2³¹−1), or None for anything that is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number <= MAX_COUNT else None


def as_str(value, limit: int = 100_000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def require(mapping, key: str) -> dict:
    """The object ``mapping[key]``, or a NormaliseError that names the field."""
    value = _field(mapping, key)
    if not isinstance(value, dict):
        raise NormaliseError(f"field {key!r} should be an object, found {type(value).__name__}")
    return value


def require_id(mapping, key: str) -> str:
    """The non-empty text (or integer) id ``mapping[key]`` as text, or a NormaliseError."""
    value = _field(mapping, key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise NormaliseError(f"field {key!r} should be a non-empty id, found {type(value).__name__}")
    return value[:512]


def _field(mapping, key: str):
    if not isinstance(mapping, dict):
        raise NormaliseError(f"expected an object holding {key!r}, found {type(mapping).__name__}")
    if mapping.get(key) is None:
        raise NormaliseError(f"missing field {key!r}")
    return mapping[key]


BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
ANCHOR = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
ATTR = re.compile(r"""(href|class)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def _link(anchor: str) -> str | None:
    """The href of an ``<a>`` that is not a mention or hashtag link."""
    attrs = {m.group(1).casefold(): m.group(2) if m.group(2) is not None else m.group(3) for m in ATTR.finditer(anchor)}
    classes = set((attrs.get("class") or "").split())
    return None if {"mention", "hashtag"} & classes or not attrs.get("href") else unescape(attrs["href"])


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Plain text and non-mention links of a status's HTML; never raises on bad markup."""
    if not html or "<" not in html:
        return unescape(html or ""), []
    links = [link for link in map(_link, ANCHOR.findall(html)) if link]
    text = TAG.sub("", BREAK.sub(lambda m: "\n" if m.group(0).lower().startswith("<br") else "\n\n", html))
    return unescape(text).strip(), links
