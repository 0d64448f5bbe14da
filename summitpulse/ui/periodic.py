"""A figure too slow for a refresh, recomputed on a background thread and read instantly.

The capture–recapture estimate reads every sighting (slow on a large store);
the live screen shows the latest estimate instead of waiting for one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Periodic(Generic[T]):
    """Runs ``compute`` now and then every ``every`` seconds on a daemon thread; ``latest`` is the last result."""

    def __init__(self, compute: Callable[[], T], every: float, initial: T):
        self.compute, self.every, self.latest = compute, every, initial
        self._stop, self._ready = threading.Event(), threading.Event()
        threading.Thread(target=self._run, daemon=True, name="periodic").start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.latest = self.compute()
            except Exception:  # a failed estimate keeps the previous one and tries again later
                if threading.main_thread().is_alive():  # not the process ending under it
                    log.exception("background figure failed")
            self._ready.set()
            self._stop.wait(self.every)

    def get(self, wait: float = 0) -> T:
        """The latest result, waiting up to ``wait`` seconds for the first one."""
        self._ready.wait(wait)
        return self.latest

    def stop(self) -> None:
        self._stop.set()
