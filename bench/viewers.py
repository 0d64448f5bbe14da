"""Many viewers on the live screen: server CPU and memory, and refresh latency, at N real browsers.

Starts the demo (moving, 60× speed) and `streamlit run dashboard.py` on
loopback, opens N real browser sessions on the kiosk screen (headless
Chromium, ``--tabs`` unthrottled tabs per browser), and watches each page's
clock element: every change is a completed refresh. Latency is how late a
refresh lands after its interval (p50 / p95 over all viewers). Goals: at 50
viewers, refresh latency under 2 s and server memory under 1 GB. The
browsers share the server's two cores, so their own drawing counts too;
bench/sessions.py measures the server alone at 50 sessions.

``--hours`` adds the long run: one screen refreshing every second, printing
server RSS and the browser's JS heap (after a forced garbage collection)
every two minutes (goal: growth under 10 %; see ``long_run``).

    .venv/bin/python -m bench.viewers [--viewers 1,10,50] [--seconds 40] [--hours 1]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import yaml

from summitpulse.demo.script import day_bounds, live_from
from summitpulse.settings.config import load_config
from tests.browser import chrome, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent

DEMO_SPEED = 60

WATCH = """
window.__updates = [];
const clock = document.querySelector('.sp-clock');
let last = clock ? clock.textContent : '';
new MutationObserver(() => {
  const now = document.querySelector('.sp-clock');
  if (now && now.textContent !== last) { last = now.textContent; window.__updates.push(performance.now()); }
}).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def start(config_path: Path, db_url: str, port: int) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "SUMMITPULSE_CONFIG": str(config_path),
        "SUMMITPULSE_DATABASE_URL": db_url,
        "SUMMITPULSE_DEMO_DATABASE_URL": db_url,
    }
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    demo = subprocess.Popen(
        [sys.executable, "-m", "summitpulse", "--config", str(config_path), "demo", "--speed", str(DEMO_SPEED)], **quiet
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        **quiet,
    )
    time.sleep(8)
    return [demo, server]


@contextmanager
def running(tmp: str, refresh_s: float):
    """The demo (60×) and the dashboard on a free loopback port, refreshing every ``refresh_s``: (port, server)."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text())
    data["participants"] = {
        k: (str(ROOT / v) if k.endswith("roster") and v else v) for k, v in data["participants"].items()
    }
    data["dashboard"]["refresh_seconds"] = refresh_s
    config_path = Path(tmp) / f"config-{refresh_s}.yaml"
    config_path.write_text(yaml.safe_dump(data))
    port = free_port()
    procs = start(config_path, f"sqlite:///{tmp}/viewers-{refresh_s}.db", port)
    try:
        yield port, procs[1]
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)


def server_usage(server: subprocess.Popen, seconds: float) -> tuple[float, float]:
    """CPU % (of one core) over ``seconds`` and resident MiB of the Streamlit process."""
    proc = psutil.Process(server.pid)
    proc.cpu_percent(None)
    time.sleep(seconds)
    return proc.cpu_percent(None), proc.memory_info().rss / 2**20


def open_viewers(url: str, n: int, tabs: int) -> list[tuple]:
    """``n`` live screens as (browser, tab) pairs: ``tabs`` tabs per headless Chromium, unthrottled."""
    viewers: list[tuple] = []
    try:
        for i in range(n):
            if i % tabs == 0:
                driver = chrome(1920, 1080)
                driver.set_page_load_timeout(120)
            else:
                driver.switch_to.new_window("tab")
            viewers.append((driver, driver.current_window_handle))
            driver.get(url)
        for driver, tab in viewers:
            driver.switch_to.window(tab)
            wait_for(driver, ".sp-clock", timeout=180)
            driver.execute_script(WATCH)
    except Exception:
        close(viewers)  # the browsers opened so far
        raise
    return viewers


def lateness(viewers: list[tuple], refresh_s: float) -> list[float]:
    late = []
    for driver, tab in viewers:
        driver.switch_to.window(tab)
        stamps = driver.execute_script("return window.__updates || []")
        late += [max(0.0, (b - a) / 1000 - refresh_s) for a, b in zip(stamps, stamps[1:])]
    return late


def close(viewers: list[tuple]) -> None:
    for driver in {id(d): d for d, _ in viewers}.values():
        driver.quit()


def level(url: str, server: subprocess.Popen, n: int, seconds: float, refresh_s: float, tabs: int) -> None:
    viewers = open_viewers(url, n, tabs)
    try:
        cpu, rss = server_usage(server, seconds)
        late = sorted(lateness(viewers, refresh_s))
        p50 = statistics.median(late) if late else float("nan")
        p95 = late[max(0, math.ceil(0.95 * len(late)) - 1)] if late else float("nan")
        print(
            f"{n:>3} viewers: server CPU {cpu:5.0f} % of a core, RSS {rss:6.0f} MiB, "
            f"{len(late)} refreshes seen, lateness p50 {p50:.2f} s, p95 {p95:.2f} s",
            flush=True,
        )
    finally:
        close(viewers)


def replay_seconds(config) -> float:
    """How long one replay of the demo day lasts at DEMO_SPEED: live from the first keynote to the day's end."""
    return (day_bounds(config)[1] - live_from(config)) / DEMO_SPEED


def long_run(url: str, server: subprocess.Popen, hours: float) -> None:
    """One screen refreshing every second for ``hours``; memory sampled every two minutes after a full GC.

    The demo (60×) replays its day from the first keynote every ~13 minutes, so what the screen holds grows
    and resets with it: growth is judged on the lowest reading of each replay (just after the day starts
    again), first replay against last, as well as start against end."""
    driver = open_viewers(url, 1, 1)[0][0]
    heap = "window.gc && window.gc(); return performance.memory ? performance.memory.usedJSHeapSize : 0"
    sample = lambda: (psutil.Process(server.pid).memory_info().rss, driver.execute_script(heap))  # noqa: E731
    cycle_s = replay_seconds(load_config(ROOT / "config.yaml"))
    try:
        time.sleep(30)  # let the first refreshes settle
        started, readings = time.monotonic(), []
        while True:
            rss, js = sample()
            minutes = (time.monotonic() - started) / 60
            readings.append((minutes, rss, js))
            print(
                f"  +{minutes:3.0f} min: server RSS {rss / 2**20:.0f} MiB, browser JS heap {js / 2**20:.1f} MiB",
                flush=True,
            )
            if minutes >= hours * 60:
                break
            time.sleep(min(120, max(1, hours * 3600 - (time.monotonic() - started))))
        refreshes = len(driver.execute_script("return window.__updates"))
        (_, rss0, js0), (_, rss1, js1) = readings[0], readings[-1]
        lows = {}
        for minutes, _, js in readings:
            replay = int(minutes * 60 // cycle_s)
            lows[replay] = min(lows.get(replay, js), js)
        print(
            f"long run ({hours:g} h, refresh every second, {refreshes} refreshes seen): server RSS "
            f"{rss0 / 2**20:.0f} → {rss1 / 2**20:.0f} MiB ({(rss1 - rss0) / rss0:+.1%}); browser JS heap after GC "
            f"{js0 / 2**20:.1f} → {js1 / 2**20:.1f} MiB ({(js1 - js0) / max(js0, 1):+.1%}); {_lows(lows)} "
            f"over {len(lows)} replays of {cycle_s / 60:.0f} min",
            flush=True,
        )
    finally:
        driver.quit()


def _lows(lows: dict[int, int]) -> str:
    """The heap's lowest reading per demo replay, first against last, and from the second replay on (what the
    screen shows grows through each replay of the demo day, so like is compared with like)."""
    replays = sorted(lows)
    out = (
        f"lowest per demo replay {lows[replays[0]] / 2**20:.1f} → {lows[replays[-1]] / 2**20:.1f} MiB "
        f"({(lows[replays[-1]] - lows[replays[0]]) / max(lows[replays[0]], 1):+.1%})"
    )
    if len(replays) > 2:
        second, last = lows[replays[1]], lows[replays[-1]]
        out += (
            f", after warm-up (second replay on) {second / 2**20:.1f} → {last / 2**20:.1f} MiB "
            f"({(last - second) / max(second, 1):+.1%})"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--hours", type=float, default=0, help="also run the long single-screen test")
    parser.add_argument("--tabs", type=int, default=10, help="viewers per browser (tabs), to fit many on 2 cores")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for refresh_s, runs in (
            (5, [int(n) for n in args.viewers.split(",") if n]),
            (1, ["long"] if args.hours else []),
        ):
            if not runs:
                continue
            with running(tmp, refresh_s) as (port, server):
                url = f"http://127.0.0.1:{port}/?kiosk=1"
                for n in runs:
                    if n == "long":
                        long_run(url, server, args.hours)
                    else:
                        level(url, server, n, args.seconds, refresh_s, args.tabs)


if __name__ == "__main__":
    main()
