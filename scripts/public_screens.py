"""Screenshots of the public pages, as a projector and a phone show them, into docs/screens/.

    .venv/bin/python -m scripts.public_screens [--database-url sqlite:///demo.db]

Without a store it builds the demo day in a temporary one (the demo never touches a real store).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.browser import ROOT, chrome, drawn, page_height, streamlit_server, with_footnote

OUT = ROOT / "docs" / "screens"
LIVE_SIZES = [(1024, 768), (1280, 720), (1280, 800), (1366, 768), (1920, 1080), (3840, 2160)]
LIVE = [(f"live-{w}x{h}-{mode}", f"/?kiosk=1&theme={mode}", w, h) for w, h in LIVE_SIZES for mode in ("light", "dark")]
THEME = [
    ("theme-phone-390x844-light", "/theme?theme_name=Education+theory", 390, 844),
    ("theme-phone-390x844-dark", "/theme?theme_name=Education+theory&theme=dark", 390, 844),
    ("theme-1920x1080-light", "/theme?theme_name=Education+theory", 1920, 1080),
]


def demo_store(folder: Path) -> str:
    from summitpulse.demo import run_demo
    from summitpulse.settings.config import load_config
    from summitpulse.store.engine import open_store

    url = f"sqlite:///{folder / 'demo.db'}"
    config = load_config(ROOT / "config.yaml")
    run_demo(config, open_store(url, config), speed=float("inf"))
    return url


def shoot(base: str, shots: list[tuple[str, str, int, int]], out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, path, width, height in shots:
        driver = chrome(width, height)
        try:
            driver.get(base + path)
            drawn(driver, path)
            if path.startswith("/?kiosk"):
                with_footnote(driver)
            driver.save_screenshot(str(out / f"{name}.png"))
            print(f"{name}: page {page_height(driver)} px tall in a {height} px viewport")
        finally:
            driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a store to show (default: the demo day, built afresh)")
    parser.add_argument("--only", default="", help="shoot only the screens whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or demo_store(Path(folder))
        with streamlit_server(url) as base:
            shoot(base, [s for s in LIVE + THEME if args.only in s[0]])


if __name__ == "__main__":
    main()
