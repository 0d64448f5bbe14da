"""The post-event report: one self-contained file, every chart drawn, no network request, hostile text escaped."""

import json
import re
from datetime import UTC, datetime

import pytest

from summitpulse.analysis import moderation
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.outputs.report import build_report_html, write_report
from summitpulse.store.engine import ingest, open_store

from .browser import SCREENSHOTS, chrome, require_browser

EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I
)


@pytest.fixture(scope="module")
def report(demo_url, tmp_path_factory):
    from summitpulse.settings.config import load_config

    from .conftest import ROOT

    out = tmp_path_factory.mktemp("report") / "report.html"
    engine = open_store(demo_url)
    assert write_report(load_config(ROOT / "config.yaml"), engine, out) == 0
    return out


def test_the_report_is_one_self_contained_file_with_its_data_beside_it(report):
    html = report.read_text()
    assert not EXTERNAL.search(html), "a resource would be fetched from the network"
    assert "Plotly" in html and html.count('class="plotly-graph-div"') >= 5
    for section in (
        "Headline",
        "Timeline",
        "In the room and remote",
        "Themes",
        "Emerging topics",
        "Top contributors",
        "The programme",
        "The conversation network",
        "The most engaging posts",
        "Methodology",
        "Appendix: data files",
    ):
        assert section in html
    assert (
        "How far the labels can be trusted" in html and "2 people in this event" in html
    )  # the demo's linked speakers
    data = report.with_name("report_data")
    assert (data / "posts.csv").stat().st_size > 0 and (data / "posts.parquet").stat().st_size > 0


def test_the_opted_out_are_never_named_and_moderated_posts_stay_out(report):
    html = report.read_text()
    assert "quietresident" not in html
    assert "fucking" not in html and "Buy followers" not in html


@pytest.mark.browser
def test_it_opens_offline_in_chromium_with_every_chart_drawn_and_no_request(report):
    require_browser()
    driver = chrome(1280, 2000, log_requests=True)
    driver.execute_cdp_cmd("Network.enable", {})
    try:
        driver.get(report.as_uri())
        charts = driver.find_elements("css selector", ".plotly-graph-div")
        drawn = driver.execute_script(
            "return [...document.querySelectorAll('.plotly-graph-div')]"
            ".filter(d => d.querySelector('svg.main-svg')).length"
        )
        driver.save_screenshot(str(SCREENSHOTS / "report.png"))
        requested = [e for e in driver.get_log("performance") if "requestWillBeSent" in e["message"]]
    finally:
        driver.quit()
    assert charts and drawn == len(charts)
    urls = [json.loads(e["message"])["message"]["params"]["request"]["url"] for e in requested]
    assert all(u.startswith(("file:", "data:", "blob:")) for u in urls), urls


def test_hostile_text_is_escaped_in_the_report(config, tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'h.db'}")
    when = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    ingest(
        engine,
        Batch(
            posts=[Post("x", "1", "9", when, "<script>alert(1)</script> #SoMeSummit", like_count=50)],
            authors=[Author("x", "9", "h", "<img src=x onerror=alert(2)>")],
        ),
    )
    with engine.begin() as conn:
        moderation.set_status(conn, "x", "1", "approved", "test", "tester")
    html = build_report_html(config, engine)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x onerror" not in html


def test_a_failure_writing_the_posts_file_aside_fails_the_report(sqlite_engine, tmp_path, monkeypatch):
    """The posts data file is written by a forked process while the report is built; if it fails, so does the report."""
    from summitpulse.outputs import export
    from summitpulse.settings.config import load_config

    from .conftest import ROOT

    def broken(conn, config, shared=None):
        raise OSError("disk full")

    monkeypatch.setitem(export.EXPORTS, "posts", broken)
    with pytest.raises(RuntimeError, match="posts data file.* failed"):
        write_report(load_config(ROOT / "config.yaml"), sqlite_engine, tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()


def test_a_failure_in_the_collection_figures_aside_fails_the_report_without_waiting_forever(
    sqlite_engine, tmp_path, monkeypatch
):
    import summitpulse.outputs.report as report
    from summitpulse.settings.config import load_config

    from .conftest import ROOT

    def broken(conn, config):
        raise ValueError("no figures")

    monkeypatch.setattr(report, "collection", broken)
    with pytest.raises(RuntimeError, match="collection figures.* failed"):
        write_report(load_config(ROOT / "config.yaml"), sqlite_engine, tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()
