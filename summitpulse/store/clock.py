"""The event's "now": wall-clock time live, the simulated clock in the demo.

The demo stores its clock in the ``meta`` table (key ``clock_ts``) as it
releases posts, so every process — dashboard, report, analysis — agrees on
what "the last 15 minutes" means.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import Connection

from .engine import get_meta, set_meta

CLOCK_KEY = "clock_ts"
# the first and last instants every zone can show (a day inside Python's datetime range)
FIRST, LAST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1), datetime.max.replace(tzinfo=UTC) - timedelta(days=1)


def event_now(conn: Connection) -> int:
    """The simulated time while a demo runs (or ran), else the wall clock."""
    value = get_meta(conn, CLOCK_KEY)
    return int(float(value)) if value else int(time.time())


def set_clock(conn: Connection, ts: float) -> None:
    set_meta(conn, CLOCK_KEY, str(int(ts)))


def local_time(ts: float, tz: tzinfo) -> datetime:
    """Epoch seconds ``ts`` in zone ``tz``; a time the zone cannot hold (a stored year 1 or 9999, as an older release
    kept a stranger's claim) as the nearest one it can."""
    try:
        return datetime.fromtimestamp(ts, tz)
    except (OverflowError, OSError, ValueError):
        return (LAST if ts > 0 else FIRST).astimezone(tz)
