"""A real headless Chromium (Debian's chromium + chromedriver) against a real `streamlit run`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import PATIENCE, ROOT

SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM, CHROMEDRIVER = (
    shutil.which("chromium") or "/usr/bin/chromium",
    shutil.which("chromedriver") or "/usr/bin/chromedriver",
)


def require_browser() -> None:
    """Skip (fail under CI) when Debian's chromium or chromedriver is missing."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        reason = "chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(database_url: str, **env):
    """`streamlit run dashboard.py` on a free loopback port; yields its base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "SUMMITPULSE_DATABASE_URL": database_url,
        "SUMMITPULSE_CONFIG": str(ROOT / "config.yaml"),
        **env,
    }
    proc = subprocess.Popen(
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
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def chrome(width: int, height: int, log_requests: bool = False):
    """Headless Chromium at width×height; ``log_requests`` records every network request (the performance log).

    Off by default: it keeps the DevTools network domain on for the whole session, which a live screen feeds
    with every websocket frame, and a bench that watches the page's memory for hours must not measure that."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        # a live screen in a background tab must refresh like one in front (bench/viewers.py opens many)
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--js-flags=--expose-gc",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", **({"performance": "ALL"} if log_requests else {})})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    return driver


def wait_for(driver, css: str, timeout: float = PATIENCE) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


LIVE_DRAWN = (".sp-card", ".sp-plot svg polygon", ".sp-bars", ".sp-rank")
THEME_DRAWN = (".sp-card", ".sp-plot svg polygon", ".sp-split")


def drawn(driver, path: str, timeout: float = PATIENCE) -> None:
    """Wait until the page at ``path`` shows what it draws (the live screen or a theme's) and Streamlit is idle."""
    from selenium.webdriver.support.ui import WebDriverWait

    wanted = THEME_DRAWN if path.startswith("/theme") else LIVE_DRAWN
    script = (
        "return arguments[0].every(s => document.querySelector(s))"
        ' && !document.querySelector(\'[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]\')'
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
    )
    WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script, list(wanted)))


def page_height(driver) -> int:
    """How tall the page is: the document's scroll height, or Streamlit's own scrolling area's if taller."""
    return driver.execute_script(
        "const main = document.querySelector('[data-testid=\"stMain\"]') || document.documentElement;"
        "return Math.max(document.documentElement.scrollHeight, main.scrollHeight);"
    )


def with_footnote(driver, timeout: float = PATIENCE) -> None:
    """Wait for the live screen's completeness note: estimated in the background, it joins a later refresh."""
    from selenium.webdriver.support.ui import WebDriverWait

    script = "const n = document.querySelector('.sp-footnote'); return !!n && n.textContent.trim().length > 0"
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: d.execute_script(script))
