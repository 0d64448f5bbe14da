"""``up``: the demo (or the collectors) and the dashboard together, as child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..settings.config import Config
from ..settings.database import DATABASE_URL_ENV, DEMO_DATABASE_URL_ENV, redact_url
from ..settings.secrets import DEMO_PASSWORD, get_secret
from ..store.demo_store import claim_for_demo
from ..store.engine import open_store

ROOT = Path(__file__).resolve().parents[2]  # the checkout: dashboard.py and pages/ live there


def _children(config_path: str, port: int, live: bool, speed: float, alerts: bool = True) -> list[list[str]]:
    py = [sys.executable, "-m", "summitpulse", "--config", config_path]
    feeder = py + ["collect"] if live else py + ["demo", "--speed", "max" if speed == float("inf") else str(speed)]
    dashboard = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    # live, `collect` runs the alert rules itself; the demo has its own watcher, so the health page shows them
    return [feeder, dashboard] + ([py + ["alerts"]] if alerts and not live else [])


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def demo_env(config: Config) -> dict[str, str]:
    """The demo's store for every child, the dashboard's too; StoreOwnerError (before any child starts) when it
    holds posts that are not the demo's."""
    url = config.demo_database_url
    engine = open_store(url, config)
    try:
        claim_for_demo(engine, config.event.name)
    finally:
        engine.dispose()
    return {DATABASE_URL_ENV: url, DEMO_DATABASE_URL_ENV: url}


def run_up(config: Config, config_path: str, port: int = 8501, live: bool = False, speed: float = 60.0) -> int:
    """Start both, print the URL, stop both on Ctrl-C/SIGTERM; non-zero if a child dies."""
    env = {**os.environ, "SUMMITPULSE_CONFIG": str(Path(config_path).resolve())}
    if not live:
        env |= demo_env(config)
    demo_password = not live and not get_secret("organiser_password")
    if demo_password:
        env["SUMMITPULSE_ORGANISER_PASSWORD"] = DEMO_PASSWORD
    procs = [
        subprocess.Popen(cmd, env=env, cwd=ROOT)
        for cmd in _children(config_path, port, live, speed, config.alerts.enabled)
    ]
    print(
        f"Summit Pulse: {config.event.name} — {'live collectors' if live else 'demo'} running.\n"
        f"  Dashboard:   http://localhost:{port}\n  Live screen: http://localhost:{port}/?kiosk=1\n"
        + ("" if live else f"  Demo store:  {redact_url(env[DEMO_DATABASE_URL_ENV])}\n")
        + (f"  Organiser pages password (demo only): {DEMO_PASSWORD}\n" if demo_password else "")
        + "Ctrl-C stops both.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        name, dead = next((n, p) for n, p in zip(("feeder", "dashboard", "alerts"), procs) if p.poll() is not None)
        print(f"error: the {name} stopped with status {dead.returncode}", file=sys.stderr)
        return dead.returncode or 1
    except KeyboardInterrupt:
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
