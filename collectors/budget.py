"""Rate budgets per host, kept in the store: shared by every job of a process and by every collecting process.

Every HTTP request to a host first takes one request from the host's budget (``take``) and after the answer
reads the host's rate-limit headers (``note``): the headers say how many requests the window allows and when it
ends, and what is left is the headers' count less what was taken since. When nothing is left the request waits
for the window's end — or, past the run's ``max_wait``, ends the run (``StopRun``: the next run resumes from
its cursor). A ``Policy`` names a network's headers and its documented default, used until a host answers.

``budgeted`` is the decorator around an API call (beside ``retry.retrying``): the requests the call sends are
the run's, counted in its record and waited for with its clock. The client libraries send their requests through
a ``BudgetAdapter`` (Mastodon.py and tweepy: a ``requests`` session); another transport calls ``spend`` before
a request and ``note`` after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlparse

from requests import Session
from requests.adapters import HTTPAdapter
from sqlalchemy import Engine, case, func, select, update

from summitpulse.normalise.common import parse_time
from summitpulse.store import schema
from summitpulse.store.engine import dialect_insert, wall_clock

from .runs import Run, StopRun

t = schema.rate_budgets
current: ContextVar[Run | None] = ContextVar("budget_run", default=None)


def _reset_time(value: str) -> float:
    """A reset header as epoch seconds: epoch seconds (X, Bluesky) or an ISO 8601 time (Mastodon)."""
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        return parse_time(value).timestamp()


@dataclass(frozen=True)
class Policy:
    """A network's rate-limit headers (limit, remaining, reset) and its documented default budget."""

    network: str
    limit: int
    period: float  # seconds
    headers: tuple[str, str, str]
    margin: int = 3  # requests kept back for other jobs' requests in flight when the headers spoke
    unthrottled: tuple[str, ...] = ()  # path prefixes the host does not count (a streaming server)

    def read(self, headers: Mapping[str, str]) -> tuple[int, int, float] | None:
        """(limit, remaining, reset) from a response's headers (names are matched case-insensitively)."""
        lower = {k.lower(): v for k, v in headers.items()}
        values = [lower.get(name.lower()) for name in self.headers]
        if None in values:
            return None
        try:
            return int(values[0]), int(values[1]), _reset_time(values[2])
        except (TypeError, ValueError):
            return None


# docs.joinmastodon.org/api/rate-limits: 300 requests per 5 minutes per account and per IP; reset is ISO 8601.
# The streaming server is a separate process, not behind Rack::Attack (config/initializers/rack_attack.rb).
MASTODON = Policy(
    "mastodon",
    300,
    300,
    ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"),
    unthrottled=("/api/v1/streaming",),
)
# docs.x.com/fundamentals/rate-limits: per endpoint and 15-minute window (recent search: 450 per app); epoch reset.
X = Policy("x", 450, 900, ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"))
# docs.bsky.app/docs/advanced-guides/rate-limits: a PDS allows 3000 requests per 5 minutes per IP; epoch reset.
BLUESKY = Policy("bluesky", 3000, 300, ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"))


def take(engine: Engine, host: str, policy: Policy, now: float | None = None) -> float:
    """Take one request from ``host``'s budget: 0 when taken, else the seconds until its window ends. Every
    statement writes first, so concurrent takers queue on the store's lock instead of failing."""
    now = time.time() if now is None else now
    with engine.begin() as conn:
        fresh = {"limit": policy.limit, "remaining": policy.limit, "reset_ts": now + policy.period}
        conn.execute(
            dialect_insert(conn, t)
            .values(host=host, network=policy.network, updated_ts=wall_clock(), **fresh)
            .on_conflict_do_nothing()
        )
        conn.execute(  # a window that ended and no answer told of the next one: assume the documented one
            update(t)
            .where(t.c.host == host, t.c.reset_ts <= now)
            .values(remaining=t.c.limit, reset_ts=now + policy.period, updated_ts=wall_clock())
        )
        taken = conn.execute(
            update(t)
            .where(t.c.host == host, t.c.remaining > policy.margin)
            .values(remaining=t.c.remaining - 1, requests=t.c.requests + 1, updated_ts=wall_clock())
        ).rowcount
        if taken:
            return 0.0
        return max(0.1, conn.execute(select(t.c.reset_ts).where(t.c.host == host)).scalar() - now)


def note(engine: Engine, host: str, policy: Policy, headers: Mapping[str, str], status: int) -> None:
    """What an answer says of ``host``'s budget. In the same window, what is left is the smaller of the headers'
    count and ours (ours has other jobs' requests in flight); a new window is the headers' word."""
    said = policy.read(headers)
    refused = 1 if status == 429 else 0
    if said is None and not refused:
        return
    values = {"refused": t.c.refused + refused, "updated_ts": wall_clock()}
    if said:
        limit, remaining, reset = said
        same = func.abs(t.c.reset_ts - reset) < 1
        least = func.min if engine.dialect.name == "sqlite" else func.least  # SQLite's two-argument min
        values.update(
            limit=limit, remaining=case((same, least(t.c.remaining, remaining)), else_=remaining), reset_ts=reset
        )
    with engine.begin() as conn:
        conn.execute(update(t).where(t.c.host == host).values(**values))


def spend(engine: Engine, host: str, policy: Policy) -> None:
    """Take a request from the budget for the current run, waiting for the window's end if it is spent."""
    run = current.get()
    while (wait := take(engine, host, policy)) > 0:
        limit = run.max_wait if run else 60.0
        if wait > limit:
            raise StopRun(f"rate budget of {host} spent until its window ends in {wait:.0f} s")
        if run:
            run.counts["rate_limit_waits"] += 1
        (run.sleep if run else time.sleep)(wait)
    if run:
        run.counted_request(host)


def budgeted(fn: Callable) -> Callable:
    """The decorated ``fn(run, ...)`` spends its requests for ``run``: counted in its record, waited for with
    its clock, and a spent budget ends the run whatever the client library wraps that in."""

    @wraps(fn)
    def call(run: Run, *args, **kwargs):
        token = current.set(run)
        try:
            return fn(run, *args, **kwargs)
        except Exception as exc:
            stop = stopped(exc)
            if stop is not None and stop is not exc:
                raise stop from exc
            raise
        finally:
            current.reset(token)

    return call


def stopped(exc: BaseException | None) -> StopRun | None:
    """The ``StopRun`` behind ``exc``, if a library wrapped one in its own error."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, StopRun):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class BudgetAdapter(HTTPAdapter):
    """A ``requests`` transport that spends every request from its host's budget and reads its answer."""

    def __init__(self, engine: Engine, host: str, policy: Policy):
        super().__init__()
        self.engine, self.host, self.policy = engine, host, policy

    def send(self, request, **kwargs):
        if urlparse(request.url).path.startswith(self.policy.unthrottled or ("\0",)):
            return super().send(request, **kwargs)
        spend(self.engine, self.host, self.policy)
        response = super().send(request, **kwargs)
        note(self.engine, self.host, self.policy, response.headers, response.status_code)
        return response


def session(engine: Engine, host: str, policy: Policy) -> Session:
    """A ``requests`` session whose every request is budgeted (give it to Mastodon.py as ``session=``)."""
    out = Session()
    adapter = BudgetAdapter(engine, host, policy)
    out.mount("https://", adapter)
    out.mount("http://", adapter)
    return out
