"""One collection run: what it fetched, stored and waited for, recorded for the health page."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

from sqlalchemy import Engine, func, select

from summitpulse.normalise.models import Batch
from summitpulse.settings.secrets import redact
from summitpulse.store import schema
from summitpulse.store.engine import finish_run, get_cursor, ingest, log_event, start_run

log = logging.getLogger("collectors")


class Run:
    """A context manager around one run of one collector (``network:source:#tag``)."""

    def __init__(self, engine: Engine, name: str, sleep=time.sleep, max_wait: float = 60.0):
        self.engine, self.name, self.sleep, self.max_wait = engine, name, sleep, max_wait
        self.counts = {"fetched": 0, "new": 0, "updated": 0, "errors": 0, "rate_limit_waits": 0, "requests": 0}
        self.reached_back: datetime | None = None
        self.host: str | None = None

    def __enter__(self) -> Run:
        with self.engine.begin() as conn:
            self.id = start_run(conn, self.name)
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        status = "ok" if exc is None else "refused" if isinstance(exc, StopRun) and exc.refused else "failed"
        message = "" if exc is None else redact(f"{type(exc).__name__}: {exc}")[:500]
        if exc is not None:
            log.warning("%s: run failed: %s", self.name, message)
        with self.engine.begin() as conn:
            finish_run(
                conn,
                self.id,
                status=status,
                message=message,
                **self.counts,
                reached_back_ts=int(self.reached_back.timestamp()) if self.reached_back else None,
                host=self.host,
            )
        return isinstance(exc, StopRun)

    def cursor(self) -> str | None:
        with self.engine.connect() as conn:
            return get_cursor(conn, self.name)

    def state(self, key: str) -> dict:
        """The stored cursor as a dict: the JSON state of an unfinished walk, or ``{key: cursor}``."""
        cursor = self.cursor()
        return json.loads(cursor) if cursor and cursor.startswith("{") else {key: cursor}

    def store(self, batch: Batch, cursor: str | None = None) -> None:
        """Write a page's posts and, in the same transaction, the cursor that covers them."""
        result = ingest(self.engine, batch, cursor=(self.name, cursor) if cursor is not None else None)
        self.counts["fetched"] += result.fetched
        self.counts["new"] += result.new
        self.counts["updated"] += result.updated
        for reason in result.reasons:
            self.fault("bad_record", reason)

    def fault(self, kind: str, message: str) -> None:
        """Count and record a fault (429, 5xx, timeout, bad page…) for the health page."""
        self.counts["errors"] += 1
        message = redact(message)[:500]
        log.info("%s: %s: %s", self.name, kind, message)
        with self.engine.begin() as conn:
            log_event(conn, self.name, kind, message)

    def counted_request(self, host: str) -> None:
        """One more HTTP request sent, spent from ``host``'s rate budget."""
        self.counts["requests"] += 1
        self.host = host

    def reached(self, when: datetime) -> None:
        if self.reached_back is None or when < self.reached_back:
            self.reached_back = when


class StopRun(Exception):
    """End this run quietly (already recorded): a rate limit past the interval, a refused login…"""

    @property
    def refused(self) -> bool:
        """The network refused us (a login, a token, an admin setting): no retry will help until someone acts."""
        return str(self).startswith("refused")


def last_started(engine: Engine) -> dict[str, int]:
    """When each collector's latest run started (epoch seconds): a restarted process does not repeat a run
    made less than an interval ago, and so spends no request twice on it."""
    r = schema.runs
    with engine.connect() as conn:
        return dict(conn.execute(select(r.c.collector, func.max(r.c.started_ts)).group_by(r.c.collector)).all())
