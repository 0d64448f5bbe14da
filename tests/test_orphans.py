"""`kill -9` of `import` (or `report`) leaves no forked worker behind holding memory and the store."""

import json
import os
import signal
import subprocess
import sys
import time

import psutil

from .conftest import ROOT

GONE_WITHIN = 60  # seconds: the kernel's SIGKILL is immediate, the watchdog's at most a second; 3x slower holds


def _big_archives(fixtures_dir, tmp_path, files: int = 2, copies: int = 400) -> list[str]:
    """Jetstream archives large enough that their readers are still at work when the import is killed."""
    lines = (fixtures_dir / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines()
    paths = []
    for f in range(files):
        path = tmp_path / f"big{f}.jsonl"
        with path.open("w") as out:
            for c in range(copies):
                for line in lines:
                    event = json.loads(line)
                    if "commit" in event:
                        event["commit"]["rkey"] = f"{event['commit'].get('rkey', 'r')}{f}x{c}"
                    out.write(json.dumps(event) + "\n")
        paths.append(str(path))
    return paths


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass
    return out


def test_sigkill_of_import_takes_its_workers_with_it(fixtures_dir, tmp_path):
    files = _big_archives(fixtures_dir, tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "summitpulse", "--config", str(ROOT / "config.yaml"), "import", *files],
        cwd=ROOT,
        env={**os.environ, "SUMMITPULSE_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, workers = time.monotonic() + 120, []
        while not workers and time.monotonic() < deadline and proc.poll() is None:
            workers = [c.pid for c in psutil.Process(proc.pid).children()]
            time.sleep(0.05)
        assert workers, "the import forked its reading workers"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + GONE_WITHIN
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(workers) == [], "a worker outlived its killed import"
    finally:
        for pid in _alive(locals().get("workers") or []):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
