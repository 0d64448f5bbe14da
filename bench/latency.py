"""Latency: from a post's appearance on its network to its first appearance in the live screen's data.

``summitpulse collect`` runs as it does at an event (its own process, the scheduler, the real client
libraries) against loopback fakes: two Mastodon instances (tests/fakes/mastodon.py: late copies with ids from
their creation time, the documented rate limit enforced) and a live Jetstream (the recorded firehose replayed
as noise). Posts appear at a conference's pace; a sampler runs the live screen's own query (``analysis.wall``)
every quarter second and notes when each post first shows. A post's delay is counted from the moment the fake
makes it visible (a late copy's federation lag is the network's, not ours).

Two modes, one run each: the shipped polling (config.yaml's ``poll_seconds``, no token, no Jetstream) and
streaming (a Mastodon token: ``stream_hashtag``; Bluesky's Jetstream on). Baseline, same run: a post written
straight into the store (normalise → ingest), timed to the same query — what the pipeline after collection
costs. Goals: p95 ≤ 15 s polling, ≤ 5 s streaming.

    .venv/bin/python -m bench.latency [--seconds 150] [--poll 60]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml
from sqlalchemy import text

from bench.results import record
from summitpulse.analysis import wall
from summitpulse.analysis.filters import Filters
from summitpulse.normalise import normalise
from summitpulse.settings.config import parse_config
from summitpulse.store.engine import ingest, open_store
from tests.fakes.jetstream import FakeJetstream
from tests.fakes.mastodon import FakeMastodon

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(os.environ.get("SUMMITPULSE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
TAG = "somesummit"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")


class Sampler:
    """Runs the live screen's query every ``every`` seconds; ``seen[native_id]`` is when a post first showed."""

    def __init__(self, url: str, config, every: float = 0.25):
        self.engine, self.config, self.every = open_store(url), config, every
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            with self.engine.connect() as conn:
                cards = wall.wall(conn, self.config, Filters(), int(time.time()), limit=200, highlights=False)
            now = time.monotonic()
            for card in cards:
                self.seen.setdefault(card["native_id"], now)
            time.sleep(self.every)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()


class Poster:
    """Posts at a conference's pace: a Mastodon status (three in ten federating in 2-60 s late) or, when
    Jetstream runs, a Bluesky post, one every ``every`` seconds; ``posted[native_id]`` is when each appeared."""

    def __init__(self, mastodons: list[FakeMastodon], jetstream: FakeJetstream | None, every: float):
        self.mastodons, self.jetstream, self.every = mastodons, jetstream, every
        self.posted: dict[str, tuple[str, float]] = {}
        self.rng, self.n, self.stop = random.Random(17), 0, threading.Event()
        self.template = copy.deepcopy(mastodons[0].statuses[-1])
        self.event = (
            next(
                json.loads(line)
                for line in jetstream.lines
                if '"app.bsky.feed.post"' in line and '"operation":"create"' in line
            )
            if jetstream
            else None
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            self.n += 1
            if self.jetstream and self.n % 3 == 0:
                self._bluesky()
            else:
                self._mastodon()
            time.sleep(self.every)

    def _mastodon(self) -> None:
        fake = self.mastodons[self.n % len(self.mastodons)]
        late = self.rng.uniform(2, 60) if self.rng.random() < 0.3 else 0.0
        status = copy.deepcopy(self.template)
        status.update(uri=f"https://bench.invalid/{self.n}", content=f"<p>talk {self.n} #{TAG}</p>")
        fake.arrive(status, time.time() - late, late)
        self.posted[status["uri"]] = ("mastodon late" if late else "mastodon", time.monotonic())

    def _bluesky(self) -> None:
        event = copy.deepcopy(self.event)
        commit = event["commit"]
        commit["rkey"] = f"3bench{self.n:07d}"
        commit["record"].update(text=f"talk {self.n} #{TAG}", facets=[], createdAt=_now_iso())
        self.jetstream.publish(event)
        self.posted[f"at://{event['did']}/app.bsky.feed.post/{commit['rkey']}"] = ("bluesky", time.monotonic())

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _config(mastodons, jetstream, poll: int) -> dict:
    data = yaml.safe_load((ROOT / "config.yaml").read_text())
    for key in ("in_room_roster", "remote_roster"):
        data["participants"][key] = None
    now = time.time()
    data["event"].update(
        start=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - 3600)),
        end=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now + 86400)),
    )
    data["hashtags"] = {"primary": f"#{TAG}", "aliases": []}
    data["networks"] = {
        "x": {"enabled": False},
        "mastodon": {"instances": [m.url for m in mastodons], "poll_seconds": poll},
        "bluesky": {"enabled": bool(jetstream), "poll_seconds": poll, "jetstream": bool(jetstream)}
        | ({"jetstream_url": jetstream.url} if jetstream else {}),
    }
    data.setdefault("alerts", {})["enabled"] = False
    return data


def _mode(streaming: bool, seconds: float, poll: int, every: float) -> dict:
    """One run of ``collect`` against fresh fakes; the delays by kind of post, and each instance's busiest window."""
    mastodons = [FakeMastodon(FIXTURES, seed=1), FakeMastodon(FIXTURES, seed=2)]
    jetstream = FakeJetstream(FIXTURES, live=True) if streaming else None
    folder = Path(tempfile.mkdtemp(prefix="latency-"))
    url = f"sqlite:///{folder}/store.db"
    data = _config(mastodons, jetstream, poll)
    (folder / "config.yaml").write_text(yaml.safe_dump(data))
    config = parse_config(data)
    env = {**os.environ, "SUMMITPULSE_DATABASE_URL": url}
    env.pop("SUMMITPULSE_MASTODON_TOKEN", None)
    if streaming:
        env.update(
            SUMMITPULSE_MASTODON_TOKEN="bench-token", SUMMITPULSE_BLUESKY_HANDLE="", SUMMITPULSE_BLUESKY_APP_PASSWORD=""
        )
    open_store(url, config).dispose()
    sampler = Sampler(url, config)
    collector = subprocess.Popen(
        [sys.executable, "-m", "summitpulse", "--config", str(folder / "config.yaml"), "collect"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _warm(url, len(mastodons))
    poster = Poster(mastodons, jetstream, every)
    time.sleep(seconds)
    poster.close()
    time.sleep(poll + 5)  # the last posts' chance to show
    collector.terminate()
    collector.wait(timeout=30)
    sampler.close()
    delays: dict[str, list[float]] = {}
    missing: dict[str, int] = {}
    for native_id, (kind, at) in poster.posted.items():
        if native_id in sampler.seen:
            delays.setdefault(kind, []).append(sampler.seen[native_id] - at)
        else:
            missing[kind] = missing.get(kind, 0) + 1
    for fake in mastodons:
        fake.close()
    if jetstream:
        jetstream.close()
    return {"delays": delays, "missing": missing, "busiest": [m.window.busiest() for m in mastodons]}


def _warm(url: str, instances: int, limit: float = 180) -> None:
    """Wait for the collecting process's first run of each instance to end: a process loads its gazetteer once,
    on its first write (seconds), which is start-up, not latency."""
    engine, deadline = open_store(url), time.monotonic() + limit
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            done = conn.execute(
                text("SELECT COUNT(DISTINCT collector) FROM runs WHERE ended_ts IS NOT NULL AND collector LIKE '%#%'")
            ).scalar()
        if done >= instances:
            break
        time.sleep(0.5)
    engine.dispose()


def baseline(posts: int = 40) -> list[float]:
    """Delays of posts written straight into the store, seen by the same sampler and query."""
    folder = Path(tempfile.mkdtemp(prefix="latency-base-"))
    url = f"sqlite:///{folder}/store.db"
    data = _config([FakeMastodon(FIXTURES)], None, 60)
    config = parse_config(data)
    engine = open_store(url, config)
    sampler = Sampler(url, config)
    template, written = FakeMastodon(FIXTURES), {}
    for n in range(posts):
        status = copy.deepcopy(template.statuses[-1])
        status.update(uri=f"https://base.invalid/{n}", created_at=_now_iso(), content=f"<p>talk {n} #{TAG}</p>")
        written[status["uri"]] = time.monotonic()
        ingest(engine, normalise("mastodon_statuses", [status], config.hashtags.all, source="bench"))
        time.sleep(0.2)
    time.sleep(2)
    sampler.close()
    template.close()
    return [sampler.seen[k] - at for k, at in written.items() if k in sampler.seen]


def _line(name: str, delays: list[float]) -> str:
    if not delays:
        return f"{name}: none seen"
    return f"{name}: {len(delays)} posts, p50 {sorted(delays)[len(delays) // 2]:.1f} s, p95 {p95(delays):.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=150, help="how long posts appear, per mode")
    parser.add_argument("--poll", type=int, help="poll_seconds (default: config.yaml's Mastodon one)")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between two posts")
    args = parser.parse_args()
    poll = args.poll or yaml.safe_load((ROOT / "config.yaml").read_text())["networks"]["mastodon"]["poll_seconds"]
    base = baseline()
    lines = [f"- baseline (written straight into the store, same query): {_line('all', base)}"]
    goals = {False: 15.0, True: 5.0}
    for streaming in (False, True):
        result = _mode(streaming, args.seconds, poll, args.every)
        everything = [d for ds in result["delays"].values() for d in ds]
        name = "Mastodon streaming + Jetstream" if streaming else f"polling every {poll} s"
        met = "met" if p95(everything) <= goals[streaming] else "NOT met"
        lines.append(
            f"- **{name}**: {_line('all', everything)} (goal ≤ {goals[streaming]:.0f} s: {met}); "
            f"never seen {sum(result['missing'].values())}; Mastodon requests in the busiest window per instance "
            f"{result['busiest']} (limit 300 per 5 min)"
        )
        lines += [
            f"  - {_line(kind, ds)}; never seen {result['missing'].get(kind, 0)}"
            for kind, ds in sorted(result["delays"].items())
        ]
    print("\n".join(lines))
    record("latency", "bench/latency.py: a post's delay to the live screen's data", lines)


if __name__ == "__main__":
    main()
