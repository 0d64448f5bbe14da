"""Mastodon streaming: a hashtag's statuses seconds after they reach the instance (Mastodon.py ``stream_hashtag``).

Streaming needs a token since Mastodon 4.2, so only an instance with one
(``SUMMITPULSE_MASTODON_TOKEN`` or its per-instance variable) is streamed.
Each status is stored as it comes; there is no cursor: the hashtag timeline
is still polled (``mastodon.collect``) and fills whatever a dropped or
restarted stream missed. A run listens for at most its interval.
"""

from __future__ import annotations

import time

from mastodon import Mastodon, StreamListener
from mastodon.errors import MastodonNetworkError

from summitpulse.normalise import normalise
from summitpulse.settings.config import Config
from summitpulse.settings.secrets import get_secret

from . import budget, mastodon
from .retry import Fault, retrying
from .runs import Run, StopRun


class Enough(StopRun):
    """The run has listened for its interval."""


class Listener(StreamListener):
    """Stores each status as it comes; ends the stream at ``deadline`` (monotonic seconds)."""

    def __init__(self, run: Run, instance: str, tags: list[str], deadline: float):
        self.run, self.instance, self.tags, self.deadline = run, instance, tags, deadline

    def on_update(self, status) -> None:
        self.run.store(normalise("mastodon_statuses", [status], self.tags, source=self.instance))
        self.handle_heartbeat()

    def handle_heartbeat(self) -> None:
        if time.monotonic() >= self.deadline:
            raise Enough("listened for the interval")


def classify(exc: BaseException) -> Fault | None:
    """Mastodon.py reports a refused stream as a network error naming the HTTP reason."""
    if isinstance(exc, MastodonNetworkError) and "Unauthorized" in str(exc):
        return Fault("refused", retry=False)
    return mastodon.classify(exc)


@retrying(classify)
@budget.budgeted
def listen(run: Run, api: Mastodon, tag: str, listener: Listener) -> None:
    wait = max(1.0, listener.deadline - time.monotonic())
    api.stream_hashtag(tag, listener, timeout=wait + 20)  # Mastodon's streaming server beats every 15 s


def stream(config: Config, engine, instance: str, tag: str, sleep, max_wait: float, timeout: float = 10.0) -> None:
    """Listen to ``tag`` on ``instance`` for ``max_wait`` seconds, storing each status as it comes."""
    with Run(engine, job_name(instance, tag), sleep=sleep, max_wait=max_wait) as run:
        deadline = time.monotonic() + max_wait
        listener = Listener(run, instance, config.hashtags.all, deadline)
        try:
            listen(run, mastodon.client(instance, engine, timeout), tag, listener)
        except Enough:
            return


def job_name(instance: str, tag: str) -> str:
    return f"mastodon:{mastodon.instance_key(instance)}:#{tag}:stream"


def jobs(config: Config) -> list[tuple[str, dict]]:
    """(name, kwargs for stream) for every instance with a token × tag."""
    return [
        (job_name(kw["instance"], kw["tag"]), kw)
        for _, kw in mastodon.jobs(config)
        if get_secret("mastodon_token", kw["instance"])
    ]
