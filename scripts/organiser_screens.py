"""Screenshots of every organiser page over the demo, in headless Chromium, into docs/screens/organiser-*.png.

    .venv/bin/python -m scripts.organiser_screens [--store sqlite:///demo.db] [--width 1440]

Plays the demo into a fresh store unless one is given, signs in with a password set for the run, and opens each
page through the menu (a sign-in lasts one browser session), capturing the whole page, not just its first screen.
The public pages' screenshots are another script's (scripts/public_screens.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from summitpulse.ui.controls import ORGANISER_PAGES
from tests.browser import chrome, streamlit_server, wait_for

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "docs" / "screens"
PASSWORD = "screens-only"
SETTLE_S = 4  # charts and tables draw after the script run ends


def demo_store(folder: Path) -> str:
    from summitpulse.demo import run_demo
    from summitpulse.settings.config import load_config
    from summitpulse.store.engine import open_store

    url = f"sqlite:///{folder / 'demo.db'}"
    config = load_config(ROOT / "config.yaml")
    run_demo(config, open_store(url, config), speed=float("inf"))
    return url


def idle(driver, timeout: float = 90) -> None:
    """Wait until Streamlit has finished running the page, then for the drawing to settle."""
    deadline = time.monotonic() + timeout
    time.sleep(1)
    while time.monotonic() < deadline:
        running = driver.execute_script("return !!document.querySelector('[data-testid=\"stStatusWidget\"]')")
        if not running:
            break
        time.sleep(0.5)
    time.sleep(SETTLE_S)


def whole_page(driver, path: Path, width: int) -> None:
    """The page at its full height (Streamlit scrolls inside its main section)."""
    height = driver.execute_script(
        "const m = document.querySelector('[data-testid=\"stMain\"]');"
        "return Math.max(document.body.scrollHeight, m ? m.scrollHeight : 0);"
    )
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": min(int(height) + 40, 12000), "deviceScaleFactor": 1, "mobile": False},
    )
    time.sleep(2)
    driver.save_screenshot(str(path))


def sign_in(driver, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/signin")
    wait_for(driver, "input[type=password]")
    driver.find_element(By.CSS_SELECTOR, "input[type=password]").send_keys(PASSWORD)
    next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Sign in").click()
    wait_for(driver, "[data-testid=stPageLink] a")
    idle(driver)


def open_page(driver, title: str) -> None:
    from selenium.webdriver.common.by import By

    links = driver.find_elements(By.CSS_SELECTOR, "[data-testid=stSidebarNav] a, [data-testid=stPageLink] a")
    next(a for a in links if a.text.strip().endswith(title)).click()
    idle(driver)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a store URL (default: the demo, played into a temporary store)")
    parser.add_argument("--width", type=int, default=1440)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = args.store or demo_store(Path(folder))
        with streamlit_server(url, SUMMITPULSE_ORGANISER_PASSWORD=PASSWORD) as base:
            driver = chrome(args.width, 900)
            try:
                sign_in(driver, base)
                for name, title, _ in ORGANISER_PAGES:
                    open_page(driver, title)
                    whole_page(driver, OUT / f"organiser-{name}.png", args.width)
                    driver.execute_cdp_cmd(
                        "Emulation.setDeviceMetricsOverride",
                        {"width": args.width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                    )
                    print(f"wrote {OUT / f'organiser-{name}.png'}")
            finally:
                driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
