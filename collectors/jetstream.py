"""Bluesky's Jetstream firehose (v1): every new post, kept when its tag facets or text carry an event tag.

The ``time_us`` of the last event processed is the cursor, stored in the same
transaction as the posts it covers; a restart resumes a few seconds earlier
(idempotent upserts absorb the overlap), so nothing falls in a gap. A run
listens for at most its interval, then returns; the scheduler starts the next.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import connect

from summitpulse.normalise import normalise
from summitpulse.normalise.models import Batch
from summitpulse.settings.config import Config

from .retry import Fault, retrying
from .runs import Run

NAME = "bluesky:jetstream"
SECONDS = 60  # the job's interval, whatever search's polling: a run listens this long, a dropped one resumes then
REWIND_US = 3_000_000
FLUSH_EVENTS, FLUSH_SECONDS = 500, 1.0


def url(config: Config, cursor: str | None) -> str:
    params = {"wantedCollections": "app.bsky.feed.post"}
    if cursor:
        params["cursor"] = str(max(0, int(cursor) - REWIND_US))
    return f"{config.networks.bluesky.jetstream_url}?{urlencode(params)}"


def classify(exc: BaseException) -> Fault | None:
    if isinstance(exc, (InvalidHandshake, InvalidURI)):
        return Fault("refused", retry=False)
    if isinstance(exc, TimeoutError):
        return Fault("timeout")
    if isinstance(exc, (OSError, ConnectionClosed)):
        return Fault("dropped")
    return None


@retrying(classify)
def open_stream(run: Run, address: str, timeout: float):
    return connect(address, open_timeout=timeout, close_timeout=1, max_size=2**22)


class Buffer:
    """Events waiting to be stored, flushed with the cursor of the last one."""

    def __init__(self, run: Run, tags: list[str]):
        self.run, self.tags = run, tags
        self.batch, self.events, self.cursor, self.flushed_at = Batch(), 0, None, time.monotonic()

    def add(self, message: str | bytes) -> None:
        try:
            event = json.loads(message)
        except ValueError as exc:
            self.run.fault("bad_page", f"unreadable event: {exc}")
            return
        if isinstance(event, dict) and isinstance(event.get("time_us"), int):
            self.cursor = str(event["time_us"])
        self.batch.extend(normalise("jetstream_event", event, self.tags, source="jetstream", keep_unmatched=False))
        self.events += 1
        if self.events >= FLUSH_EVENTS or time.monotonic() - self.flushed_at >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.cursor is not None:
            self.run.store(self.batch, cursor=self.cursor)
        self.batch, self.events, self.flushed_at = Batch(), 0, time.monotonic()


def collect(config: Config, engine, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """Listen for up to ``max_wait`` seconds, storing tagged posts and deletions as they come."""
    with Run(engine, NAME, sleep=sleep, max_wait=max_wait) as run:
        buffer = Buffer(run, config.hashtags.all)
        deadline = time.monotonic() + max_wait
        try:
            with open_stream(run, url(config, run.cursor()), timeout) as stream:
                while (left := deadline - time.monotonic()) > 0:
                    try:
                        buffer.add(stream.recv(timeout=left))
                    except TimeoutError:
                        break
        except ConnectionClosed as exc:
            run.fault("dropped", f"the stream closed: {exc}")
        finally:
            buffer.flush()


def jobs(config: Config) -> list[tuple[str, dict]]:
    return [(NAME, {})] if config.networks.bluesky.jetstream else []
