"""`collect --once` as a real process against loopback fakes, SIGKILLed between pages and restarted."""

import copy
import os
import signal
import subprocess
import sys
import time

import yaml
from sqlalchemy import text

from summitpulse.store.engine import open_store

from .conftest import ROOT
from .fakes.mastodon import FakeMastodon
from .test_collect_mastodon import TAG
from .test_config import _good


def _config_file(tmp_path, instance) -> str:
    data = _good()
    data["event"].update(start="2026-07-01T00:00:00+00:00", end="2026-09-01T00:00:00+00:00")
    data["hashtags"] = {"primary": f"#{TAG}", "aliases": []}
    data["networks"] = {
        "mastodon": {"enabled": True, "instances": [instance], "poll_seconds": 5},
        "x": {"enabled": False},
        "bluesky": {"enabled": False},
    }
    data["participants"].update(in_room_roster=None, remote_roster=None)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, default_flow_style=False))
    return str(path)


def _collect(config_path, url) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "summitpulse", "--config", config_path, "collect", "--once"],
        cwd=ROOT,
        env={**os.environ, "SUMMITPULSE_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _grow(fake, n: int) -> None:
    """``n`` new statuses on the server, newest first like the API."""
    top = int(fake.statuses[0]["id"])
    fresh = []
    for k in range(1, n + 1):
        s = copy.deepcopy(fake.statuses[-1])
        s.update(id=str(top + k), uri=f"https://example.invalid/statuses/{top + k}")
        fresh.append(s)
    fake.statuses[:0] = reversed(fresh)


def test_collect_once_fills_the_store_and_sigkill_between_pages_loses_and_doubles_nothing(
    store_url, fixtures_dir, tmp_path
):
    fake = FakeMastodon(fixtures_dir)
    try:
        config_path = _config_file(tmp_path, fake.url)
        assert _collect(config_path, store_url).wait(timeout=120) == 0
        _grow(fake, 200)  # five pages of 40
        fake.delay_s = 0.3
        proc = _collect(config_path, store_url)
        deadline = time.monotonic() + 60
        while sum("min_id" in p for _, p in fake.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        fake.delay_s = 0.0
        engine = open_store(store_url)
        with engine.connect() as conn:
            partial = conn.execute(text("SELECT count(*) FROM posts")).scalar()
        assert 30 <= partial < len(fake.statuses), "killed part-way"
        assert _collect(config_path, store_url).wait(timeout=120) == 0
        with engine.connect() as conn:
            stored = [r[0] for r in conn.execute(text("SELECT native_id FROM posts"))]
        engine.dispose()
        assert sorted(stored) == sorted(s["uri"] for s in fake.statuses)
    finally:
        fake.close()
