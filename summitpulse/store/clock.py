"""The event's "now": wall-clock time live, the simulated clock in the demo.

The demo stores its clock in the ``meta`` table (key ``clock_ts``) as it
releases posts, so every process — dashboard, report, analysis — agrees on
what "the last 15 minutes" means.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection

from .engine import get_meta, set_meta

CLOCK_KEY = "clock_ts"


def event_now(conn: Connection) -> int:
    """The simulated time while a demo runs (or ran), else the wall clock."""
    value = get_meta(conn, CLOCK_KEY)
    return int(float(value)) if value else int(time.time())


def set_clock(conn: Connection, ts: float) -> None:
    set_meta(conn, CLOCK_KEY, str(int(ts)))
