"""Any number of collectors and dashboards on one PostgreSQL store: two `collect` processes write the same posts
at once and count none twice; two real `streamlit run` dashboards show the same figures, the store's."""

import os
import subprocess
import sys

import pytest
import yaml

from summitpulse.analysis import metrics, people
from summitpulse.analysis.filters import Filters
from summitpulse.settings.config import parse_config
from summitpulse.store.engine import open_store

from .browser import chrome, require_browser, streamlit_server, wait_for
from .conftest import ROOT
from .fakes.bluesky import FakeBluesky
from .fakes.mastodon import FakeMastodon
from .fakes.x import FakeX
from .test_figures import assert_exact
from .test_soak import _config, _served

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _tiles(base: str) -> dict[str, str]:
    """The live screen's counters as a viewer of the dashboard at ``base`` sees them."""
    from selenium.webdriver.common.by import By

    driver = chrome(1920, 1080)
    try:
        driver.get(f"{base}/?kiosk=1")
        wait_for(driver, ".sp-tile")
        tiles = driver.find_elements(By.CSS_SELECTOR, ".sp-tile")
        text = lambda tile, part: tile.find_element(By.CSS_SELECTOR, part).get_attribute("textContent")  # noqa: E731
        return {text(t, ".k"): text(t, ".v") for t in tiles}
    finally:
        driver.quit()


def test_two_collectors_and_two_dashboards_on_one_store_agree(pg_url, fixtures_dir, tmp_path):
    require_browser()
    mastodons = [FakeMastodon(fixtures_dir), FakeMastodon(fixtures_dir)]  # the same statuses from two instances
    fake_x, fake_bsky = FakeX(fixtures_dir), FakeBluesky(fixtures_dir, "somesummit", n=12)
    data = _config(mastodons, fake_x, fake_bsky)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    config = parse_config(data)
    env = {
        **os.environ,
        "SUMMITPULSE_DATABASE_URL": pg_url,
        "SUMMITPULSE_X_BEARER_TOKEN": "replica-token",
        "SUMMITPULSE_BLUESKY_HANDLE": "collector.test",
        "SUMMITPULSE_BLUESKY_APP_PASSWORD": "replica-pass",
    }
    try:
        open_store(pg_url, config).dispose()
        command = [sys.executable, "-m", "summitpulse", "--config", str(path), "collect", "--once"]
        collectors = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)]
        collectors.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        )
        for proc in collectors:
            out, _ = proc.communicate(timeout=600)
            assert proc.returncode == 0, out.decode()[-2000:]
        engine = open_store(pg_url)
        with engine.connect() as conn:
            assert_exact(conn, config)  # both wrote every post: each is counted once
            head = metrics.headline(conn, config, Filters(), 0)
            split = people.split(conn, config)
        engine.dispose()
        assert head["posts"] == sum(_served(mastodons, fake_x, fake_bsky).values()) > 0
        with (
            streamlit_server(pg_url, SUMMITPULSE_CONFIG=str(path)) as first,
            streamlit_server(pg_url, SUMMITPULSE_CONFIG=str(path)) as second,
        ):
            seen = [_tiles(first), _tiles(second)]
        expected = {
            "Posts": f"{head['posts']:,}",
            "Participants": f"{head['participants']:,}",
            "In the room": f"{split['in_room']:,}",
            "Remote": f"{split['remote']:,}",
        }
        for tiles in seen:
            assert {k: tiles.get(k) for k in expected} == expected
    finally:
        for fake in (*mastodons, fake_x, fake_bsky):
            fake.close()
