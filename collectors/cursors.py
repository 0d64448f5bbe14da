"""Cursors that cannot lose: the one rule every collector's cursor follows.

A network publishes some posts late — a Mastodon status that federates in
late keeps an id from its creation time, a Bluesky post becomes searchable a
moment after it is created — so a run never asks only for what is newer than
its cursor: it re-reads an ``overlap`` back from the collection time, sized
from the network's documented behaviour. Storing is idempotent, so the
re-read costs requests, never duplicates. And a cursor never moves past the
collection time plus ``TOLERANCE``, whatever a post claims about itself: one
post from a device with a wrong clock must not push the next run's window
into the future.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

T = TypeVar("T")
TOLERANCE = timedelta(seconds=30)  # our clock against the network's


def _same(when: datetime):
    return when


def now() -> datetime:
    """The collection time: when the run asks, by this machine's clock."""
    return datetime.now(UTC)


def reread_from(cursor: T, collected: datetime, overlap: timedelta, at: Callable[[datetime], T] = _same) -> T:
    """Where a run reads from: ``overlap`` before the collection time, or the cursor when that is earlier (the
    collector was away longer than the overlap). ``at`` turns a time into the cursor's kind of value (a
    Mastodon id, say)."""
    return min(cursor, at(collected - overlap))


def advance(cursor: T | None, seen: Iterable[T], collected: datetime, at: Callable[[datetime], T] = _same) -> T | None:
    """The cursor after a page: the newest value seen, but never past the collection time plus ``TOLERANCE``,
    and never back."""
    newest = max(seen, default=None)
    if newest is None:
        return cursor
    capped = min(newest, at(collected + TOLERANCE))
    return capped if cursor is None else max(cursor, capped)
