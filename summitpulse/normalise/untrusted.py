"""What a stranger's payload may not bring into the store: control characters, impossible times, overlong ids.

Every text field is cleaned the same way whichever backend stores it: NUL (which PostgreSQL refuses in text), the
other C0 and C1 control characters and DEL are removed, a lone surrogate (which no UTF-8 store takes) becomes
U+FFFD; a post's text keeps its line breaks and tabs, the one-line fields (names, handles, ids, URLs) turn them
into spaces. A post's time is whatever its author's client wrote: one before any of the networks existed or more
than a day ahead of the clock is kept as the time the post was collected, the claimed time kept beside it in
``Post.claimed_at`` (Bluesky's own AppView likewise sorts a post by when it was indexed when its ``createdAt`` is
in the future: https://docs.bsky.app/docs/advanced-guides/timestamps).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .models import Author, Batch, Post

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\t\n\r]")
EARLIEST = datetime(2006, 3, 21, tzinfo=UTC)  # the first post on any of the three networks (X's first)
AHEAD = timedelta(days=1)  # a device clock set a little ahead is not a hostile one

POST_TEXT = ("text",)
POST_LINES = (
    "network",
    "native_id",
    "author_id",
    "uri",
    "url",
    "lang",
    "place",
    "source",
    "local_id",
    "reply_to",
    "reply_to_author",
    "repost_of",
    "quote_of",
)
POST_LISTS = ("hashtags", "mentions", "links", "media_urls", "media_alts", "matched_tags")
# The store's column widths: PostgreSQL refuses a longer value where SQLite would keep it, so it is cut here, the
# same for both (tests/test_hostile_text.py holds these equal to store/schema.py)
WIDTHS = {
    "network": 16,
    "native_id": 512,
    "author_id": 128,
    "lang": 16,
    "source": 255,
    "local_id": 64,
    "reply_to": 512,
    "reply_to_author": 128,
    "repost_of": 512,
    "quote_of": 512,
    "handle": 255,
}
AUTHOR_TEXT = ("description",)
AUTHOR_LINES = ("network", "author_id", "handle", "display_name", "location", "avatar_url", "url")


def clean_text(value: str, one_line: bool = False) -> str:
    """``value`` without control characters (and, ``one_line``, with tabs and line breaks as spaces)."""
    if one_line and LINE_BREAK.search(value):
        value = LINE_BREAK.sub(" ", value)
    if CONTROL.search(value):
        value = CONTROL.sub("", value)
    if SURROGATE.search(value):
        value = SURROGATE.sub("\ufffd", value)
    return value


def _clean_fields(record: Post | Author, text: tuple, lines: tuple, lists: tuple = ()) -> None:
    for name in text + lines:
        value = getattr(record, name)
        if isinstance(value, str):
            setattr(record, name, clean_text(value, one_line=name in lines)[: WIDTHS.get(name)])
    for name in lists:
        setattr(record, name, [clean_text(v, one_line=True) for v in getattr(record, name) if isinstance(v, str)])


def plausible(when: datetime, now: datetime) -> bool:
    """Whether a claimed post time can be true: after the networks began, not ahead of the clock."""
    return EARLIEST <= when <= now + AHEAD


def trust_time(post: Post, now: datetime) -> None:
    """An impossible ``created_at`` becomes ``now`` (when it was collected), the claim kept in ``claimed_at``."""
    if not plausible(post.created_at, now):
        post.claimed_at = post.created_at.isoformat().replace("+00:00", "Z")
        post.created_at = now


def clean_batch(batch: Batch, now: datetime | None = None) -> Batch:
    """Every post and author of ``batch`` cleaned of control characters, every post time made plausible."""
    now = datetime.now(UTC).replace(microsecond=0) if now is None else now
    for post in batch.posts:
        _clean_fields(post, POST_TEXT, POST_LINES, POST_LISTS)
        trust_time(post, now)
    for author in batch.authors:
        _clean_fields(author, AUTHOR_TEXT, AUTHOR_LINES)
    batch.deleted = [clean_text(key, one_line=True) for key in batch.deleted]
    return batch
