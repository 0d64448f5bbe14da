"""Retries, back-off and rate limits, as a decorator around a single API call.

A collector gives ``retrying`` a ``classify`` function that turns its
library's exceptions into a :class:`Fault`. Transient faults (5xx, timeouts,
unreadable pages) back off exponentially with jitter; a rate limit waits for
its reset — but never past ``run.max_wait`` (the job's interval): then the run
stops and the next one resumes from the stored cursor.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from .runs import Run, StopRun


@dataclass(frozen=True)
class Fault:
    kind: str  # one of summitpulse.analysis.health.FAULT_KINDS
    retry: bool = True
    reset_at: float | None = None  # epoch seconds, for rate limits
    message: str = ""  # what to record instead of the exception's text


def backoff(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Exponential back-off with full jitter."""
    return random.uniform(0, min(cap, base * 2**attempt))


def retrying(classify: Callable[[BaseException], Fault | None], attempts: int = 4):
    """Retry the decorated ``fn(run, ...)`` on the faults ``classify`` recognises."""

    def decorate(fn):
        @wraps(fn)
        def call(run: Run, *args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(run, *args, **kwargs)
                except StopRun:
                    raise
                except Exception as exc:  # classified below; unknown errors propagate
                    fault = classify(exc)
                    if fault is None:
                        raise
                    run.fault(fault.kind, fault.message or str(exc))
                    wait = _wait(fault, attempt)
                    if not fault.retry or attempt == attempts - 1 or wait > run.max_wait:
                        raise StopRun(f"{fault.kind}: gave up after {attempt + 1} attempt(s)") from exc
                    if fault.kind == "rate_limit":
                        run.counts["rate_limit_waits"] += 1
                    run.sleep(wait)
            raise AssertionError("unreachable")

        return call

    return decorate


def _wait(fault: Fault, attempt: int) -> float:
    if fault.reset_at is not None:
        return max(0.0, fault.reset_at - time.time()) + random.uniform(0, 1)
    return backoff(attempt)
