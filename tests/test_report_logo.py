"""`dashboard.logo`: a local image goes inside the report (fetched from nowhere); a remote one is refused clearly."""

import json
import os
import struct
import subprocess
import sys
import zlib

import pytest
import yaml

from summitpulse.outputs.report import build_report_html
from summitpulse.settings.config import ConfigError, load_config
from summitpulse.store.engine import open_store

from .browser import chrome, require_browser
from .conftest import ROOT
from .test_config import _good
from .test_report import EXTERNAL


def _png() -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0\x0f\x76\x6e"))
        + chunk(b"IEND", b"")
    )


def _config_with_logo(tmp_path, logo: str) -> str:
    data = _good()
    data["dashboard"] = {**(data.get("dashboard") or {}), "logo": logo}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


@pytest.mark.parametrize("logo", ["https://cdn.example.org/logo.png", "//cdn.example.org/logo.png", "missing.png"])
def test_a_logo_that_is_not_a_local_image_is_a_config_error_naming_the_field(tmp_path, logo):
    path = _config_with_logo(tmp_path, logo)
    with pytest.raises(ConfigError, match="dashboard.logo"):
        load_config(path)
    done = subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", path, "report", "--out", str(tmp_path / "r.html")],
        cwd=ROOT,
        env={**os.environ, "SUMMITPULSE_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "dashboard.logo" in done.stderr and logo in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_a_local_logo_is_carried_inside_the_report(tmp_path, demo_url):
    (tmp_path / "logo.png").write_bytes(_png())
    config = load_config(_config_with_logo(tmp_path, "logo.png"))
    engine = open_store(demo_url)
    html = build_report_html(config, engine)
    engine.dispose()
    assert '<img src="data:image/png;base64,' in html and "logo.png" not in html
    assert not EXTERNAL.search(html)


@pytest.mark.browser
def test_the_report_with_a_logo_makes_no_network_request(tmp_path, demo_url):
    require_browser()
    (tmp_path / "logo.png").write_bytes(_png())
    config = load_config(_config_with_logo(tmp_path, "logo.png"))
    engine = open_store(demo_url)
    report = tmp_path / "report.html"
    report.write_text(build_report_html(config, engine))
    engine.dispose()
    driver = chrome(1280, 900, log_requests=True)
    driver.execute_cdp_cmd("Network.enable", {})
    try:
        driver.get(report.as_uri())
        shown = driver.execute_script("const i = document.querySelector('header img'); return i && i.naturalWidth")
        requested = [e for e in driver.get_log("performance") if "requestWillBeSent" in e["message"]]
    finally:
        driver.quit()
    assert shown == 1, "the logo is drawn from inside the file"
    urls = [json.loads(e["message"])["message"]["params"]["request"]["url"] for e in requested]
    assert all(u.startswith(("file:", "data:", "blob:")) for u in urls), urls
