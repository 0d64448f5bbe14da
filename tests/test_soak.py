"""Soak: collectors for all three networks against growing loopback fakes with random faults and SIGKILLs,
while dashboard queries read; at the end the store equals what the fakes served, exactly. Memory is measured as
growth inside one long-lived collector and the reading process, never by comparing different processes; every
bound holds with the machine three times slower (the phases are counted in runs, not seconds).

The Mastodon fakes behave as Mastodon does (tests/fakes/mastodon.py): late copies keep ids from their creation
time, 2-60 s before they arrive (1 % dated up to a day behind or ahead), and each instance enforces its
documented rate limit, which no window exceeds. X's and Bluesky's posts reach search up to 10 s after they are
created; 1 % of Bluesky's are dated up to a day ahead or behind (tests/fakes/x.py, tests/fakes/bluesky.py)."""

import copy
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import psutil
import pytest
import yaml
from sqlalchemy import text

from summitpulse.analysis import contributors, metrics
from summitpulse.analysis.filters import Filters
from summitpulse.cli.exits import DONE, PARTLY_DONE
from summitpulse.settings.config import parse_config
from summitpulse.store.engine import open_store

from .conftest import ROOT
from .fakes.bluesky import FakeBluesky
from .fakes.mastodon import FakeMastodon
from .fakes.x import FakeX
from .test_config import _good

SECONDS = float(os.environ.get("SUMMITPULSE_SOAK_SECONDS", "40"))
FAULTS = ["500", "502", "429", "timeout", "truncated", "cut", "html", "down", "reorder", "duplicate"]
pytestmark = pytest.mark.slow


class Stream:
    """Adds new posts to every fake while the soak runs, and injects random faults (seeded)."""

    def __init__(self, mastodons, fake_x, fake_bsky, seed=7):
        self.mastodons, self.x, self.bsky = mastodons, fake_x, fake_bsky
        self.rng, self.stop, self.injected = random.Random(seed), threading.Event(), Counter()
        self.n = 0

    def grow(self) -> None:
        self.n += 1
        for fake in self.mastodons:
            s = copy.deepcopy(fake.statuses[-1])
            s.update(uri=f"https://soak.invalid/{fake.url[-5:]}/{self.n}")
            late = self.rng.uniform(2, 60) if self.rng.random() < 0.3 else 0.0  # federated in late
            if self.rng.random() < 0.01:  # its server's clock up to a day behind or ahead
                late = self.rng.uniform(-86400, 86400)
            fake.arrive(s, time.time() - late, late)
        like = {**next(t for t in self.x.tweets.values() if t.get("author_id")), "text": f"soak {self.n} #SoMeSummit"}
        self.x.arrive(like, time.time(), lag=self.rng.uniform(0, 10), sequence=self.n % 4096)  # search lag
        skew = self.rng.uniform(-86400, 86400) if self.rng.random() < 0.01 else 0.0  # a device's clock
        self.bsky.arrive(10_000 + self.n, time.time(), lag=self.rng.uniform(0, 10), skew=skew)  # index lag

    def fault(self) -> None:
        fake = self.rng.choice([*self.mastodons, self.x, self.bsky])
        kind = self.rng.choice(FAULTS)
        fake.inject(kind)
        self.injected[kind] += 1

    def vanish(self) -> None:
        """One Mastodon instance drops every connection for a while."""
        self.mastodons[1].inject(*["down"] * 12)
        self.injected["instance vanished"] += 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.grow()
            if self.rng.random() < 0.5:
                self.fault()
            if self.n % 40 == 0:
                self.vanish()
            time.sleep(0.25)


def _config(mastodons, fake_x, fake_bsky) -> dict:
    data = _good()
    data["event"].update(start="2014-01-01T00:00:00+00:00", end="2030-01-01T00:00:00+00:00")
    data["networks"] = {
        "mastodon": {"instances": [m.url for m in mastodons], "poll_seconds": 5},
        "x": {"base_url": fake_x.url, "poll_seconds": 5},
        "bluesky": {"base_url": fake_bsky.url, "poll_seconds": 5, "sweep_minutes": 0},  # a 40-second soak
    }
    data["participants"].update(in_room_roster=None, remote_roster=None)
    return data


def _read_continuously(url: str, config, stop: threading.Event, errors: list, reads: list) -> None:
    engine = open_store(url)
    while not stop.is_set():
        try:
            with engine.connect() as conn:
                metrics.headline(conn, config, Filters(), int(time.time()))
                contributors.rank(conn, config, Filters(), "posts", 5)
            reads.append(time.monotonic())
        except Exception as exc:  # any error that would have reached a viewer
            errors.append(repr(exc))
        time.sleep(0.1)
    engine.dispose()


def _served(mastodons, fake_x, fake_bsky) -> Counter:
    return Counter(
        [("mastodon", s["uri"]) for s in {s["uri"]: s for m in mastodons for s in m.statuses}.values()]
        + [("x", i) for i, t in fake_x.tweets.items() if t.get("author_id")]
        + [("bluesky", p["uri"]) for p in fake_bsky.posts]
    )


def _stored(url: str) -> set[tuple[str, str]]:
    engine = open_store(url)
    with engine.connect() as conn:
        stored = {(n, i) for n, i in conn.execute(text("SELECT network, native_id FROM posts"))}
    engine.dispose()
    return stored


def test_soak(store_url, fixtures_dir, tmp_path, monkeypatch):
    mastodons = [FakeMastodon(fixtures_dir), FakeMastodon(fixtures_dir)]
    fake_x, fake_bsky = FakeX(fixtures_dir), FakeBluesky(fixtures_dir, "somesummit", n=12)
    data = _config(mastodons, fake_x, fake_bsky)
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(data))
    env = {
        **os.environ,
        "SUMMITPULSE_DATABASE_URL": store_url,
        "SUMMITPULSE_X_BEARER_TOKEN": "soak-token",
        "SUMMITPULSE_BLUESKY_HANDLE": "collector.test",
        "SUMMITPULSE_BLUESKY_APP_PASSWORD": "soak-pass",
        "SUMMITPULSE_MASTODON_TOKEN": "soak-token",  # the instances are streamed too
    }
    command = [sys.executable, "-m", "summitpulse", "--config", str(config_path), "collect"]
    open_store(store_url).dispose()
    stream = Stream(mastodons, fake_x, fake_bsky)
    stop_reading, errors, reads = threading.Event(), [], []
    threads = [
        threading.Thread(target=stream.run, daemon=True),
        threading.Thread(
            target=_read_continuously, args=(store_url, parse_config(data), stop_reading, errors, reads), daemon=True
        ),
    ]
    for t in threads:
        t.start()
    restarts, me = 0, psutil.Process()
    steady = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    steady_rss, reader_rss = [], []  # sampled once per restart of the killed collector, inside the same processes
    deadline = time.monotonic() + SECONDS
    try:
        while time.monotonic() < deadline:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(random.Random(restarts).uniform(4, 9))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            restarts += 1
            steady_rss.append(psutil.Process(steady.pid).memory_info().rss)
            reader_rss.append(me.memory_info().rss)
        steady.send_signal(signal.SIGKILL)
        steady.wait()
        # the vanished instance comes back, faults stop: one last pass catches up
        stream.stop.set()
        threads[0].join(timeout=30)  # else a last fault can land after the clear, under load
        for fake in (*mastodons, fake_x, fake_bsky):
            fake.faults.clear()
        # a run reads at most MAX_PAGES per collector (4 tweets a page here), a killed run's walk is finished first,
        # and a late 429 makes a run wait out its reset: a long backlog takes several runs to catch up.
        served = _served(mastodons, fake_x, fake_bsky)
        for _ in range(30):  # counted in runs, not seconds: a slower machine takes as many runs, each longer
            final = subprocess.run(command + ["--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
            # catching up, a run may still wait out a 429 past its interval: partly done (3), never nothing done
            assert final.returncode in (DONE, PARTLY_DONE), final.stdout[-2000:]
            if _stored(store_url) >= set(served):
                break
            time.sleep(2)
        stop_reading.set()
        threads[1].join(timeout=30)
        engine = open_store(store_url)
        with engine.connect() as conn:
            stored = Counter((n, i) for n, i in conn.execute(text("SELECT network, native_id FROM posts")))
        engine.dispose()
        print(
            f"\nsoak on {store_url.split(':')[0]}: served {sum(served.values())}, stored {sum(stored.values())}, "
            f"faults injected {dict(stream.injected)}, restarts (SIGKILL) {restarts}, reads {len(reads)}, "
            f"reader errors {len(errors)}, long-lived collector RSS {_mib(steady_rss)} MiB, "
            f"reader RSS {_mib(reader_rss)} MiB, "
            f"Mastodon requests in the busiest window {[m.window.busiest() for m in mastodons]}"
        )
        assert set(stored) == set(served), (set(served) - set(stored), set(stored) - set(served))
        for fake in (*mastodons, fake_x, fake_bsky):
            assert fake.window.over_budget == 0 and fake.window.busiest() <= fake.window.limit
        assert max(stored.values()) == 1
        assert errors == [], errors[:3]
        assert restarts >= 2 and sum(stream.injected.values()) >= 5
        assert _flat(reader_rss), f"the reading process grows: {_mib(reader_rss)} MiB"
        assert _flat(steady_rss), f"the long-lived collector grows: {_mib(steady_rss)} MiB"
    finally:
        if steady.poll() is None:
            steady.kill()
        stream.stop.set()
        stop_reading.set()
        for fake in (*mastodons, fake_x, fake_bsky):
            fake.close()


def _mib(samples: list[int]) -> str:
    return "→".join(str(s // 2**20) for s in samples)


def _flat(samples: list[int]) -> bool:
    """No growth inside one process: the later half of its samples stays within its warmed-up size (the most of the
    earlier half: a start-up three times slower is still warming at the first sample) plus a margin for caches.
    """
    half = len(samples) // 2
    return max(samples[half:]) < max(samples[:half]) * 1.25 + 64 * 2**20
