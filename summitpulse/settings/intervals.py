"""How often each collector runs, by its run's name: the scheduler (``collectors/scheduler.py``) runs every job at
this interval, and the health page judges each collector stalled by its own."""

from __future__ import annotations

from .config import Config, Networks

NETWORKS = ("x", "mastodon", "bluesky")
MASTODON_SWEEP_S = 60  # one sweep page a minute per tag: five requests of the instance's 300 per 5 minutes
MASTODON_STREAM_S = 300  # a Mastodon stream's job; a dropped connection is retried within a run
JETSTREAM_S = 60  # Jetstream's job, whatever search's polling: a run listens this long, a dropped one resumes then
UNKNOWN_S = 60  # a run of no configured collector (a test's, an older release's)


def refresh_seconds(networks: Networks) -> int:
    """The refresh of what was collected: slow, at least five minutes."""
    return max(300, 5 * min(networks.x.poll_seconds, networks.mastodon.poll_seconds, networks.bluesky.poll_seconds))


def interval(config: Config, collector: str) -> int:
    """Seconds between the runs of ``collector`` (``x:search:…``, ``mastodon:host:#tag``, ``…:sweep``, ``…:stream``,
    ``bluesky:search:#tag``, ``bluesky:jetstream``, ``network:…:refresh``)."""
    network = collector.partition(":")[0]
    if network not in NETWORKS:
        return UNKNOWN_S
    if collector.endswith(":refresh"):
        return refresh_seconds(config.networks)
    if network == "mastodon" and collector.endswith(":sweep"):
        return MASTODON_SWEEP_S
    if network == "mastodon" and collector.endswith(":stream"):
        return MASTODON_STREAM_S
    if collector == "bluesky:jetstream":
        return JETSTREAM_S
    return getattr(config.networks, network).poll_seconds
