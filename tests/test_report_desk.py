"""The report as its reader gets it (issue 19 item 13): links from the networks' link fields, a headline that adds
up, charts that say what they count, nothing asking the reader to run a command, a PDF without empty pages."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from summitpulse.analysis import metrics
from summitpulse.analysis.filters import Filters
from summitpulse.normalise.mastodon import post_from_status
from summitpulse.outputs.report import report_archive
from summitpulse.settings.config import load_config
from summitpulse.store.engine import open_store

from .conftest import ROOT


def test_mastodon_links_are_whole_addresses_never_mentions_tags_or_markup(fixtures_dir):
    """The documented status entity (the card's link), and a status whose markup nests a mention inside another."""
    documented = json.loads((fixtures_dir / "mastodon" / "docs_status_entity.json").read_text())
    assert post_from_status(documented, "https://mastodon.social").links == [documented["card"]["url"]]
    nested = dict(
        documented,
        card=None,
        content='<p><a href="https://med.example/<span class="h-card"><a href="https://med.example/@bt" '
        'class="u-url mention">@<span>bt</span></a></span>" class="u-url mention">@bt</a> '
        '<a href="https://med.example/@bt">@bt</a> <a href="https://med.example/tags/x">#x</a> '
        '<a href="javascript:alert(1)">x</a> <a href="https://doi.org/10.1/abc">paper</a></p>',
        mentions=[{"id": "1", "acct": "bt@med.example", "url": "https://med.example/@bt", "username": "bt"}],
        tags=[{"name": "x", "url": "https://med.example/tags/x"}],
    )
    assert post_from_status(nested, "https://med.example").links == ["https://doi.org/10.1/abc"]


def test_the_demos_most_shared_links_are_web_addresses(demo_engine, config):
    with demo_engine.connect() as conn:
        links = metrics.top_links(conn, config, Filters(), 50).link
    assert len(links) >= 5 and all(re.fullmatch(r"https?://[^\s<>\"']+", link) for link in links)


@pytest.fixture(scope="module")
def archive(demo_url):
    engine = open_store(demo_url)
    data, _ = report_archive(load_config(ROOT / "config.yaml"), engine, [ROOT / "demo" / "icre2015" / "report_data"])
    engine.dispose()
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_dashboards_report_comes_with_its_data_files_and_asks_no_command(archive):
    names = set(archive.namelist())
    assert "report/report.html" in names and "report/report_data/posts.csv" in names
    html = archive.read("report/report.html").decode()
    for linked in re.findall(r'href="(report_data/[^"]+)"', html):
        assert f"report/{linked}" in names
    assert "python -m" not in html and "summitpulse report" not in html
    assert '<section id="editions">' in html and "report/report_data/edition.json" in names  # compared, comparable
    shared = html.split("<h3>Most-shared links</h3>", 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<td>(https?://[^\s<>\"']+)</td>", shared) and "&lt;span" not in shared


def test_the_headline_adds_up_and_the_timelines_say_what_they_count(archive):
    html = archive.read("report/report.html").decode()
    tiles = dict(re.findall(r'<div class="k">([^<]+)</div><div class="v">([\d,]+)</div>', html))
    number = {k: int(v.replace(",", "")) for k, v in tiles.items()}
    parts = ("Original posts", "Replies", "Quotes", "Reposts")
    assert sum(number[k] for k in parts) == number["Posts"]
    titles = re.findall(r'"yaxis":\{[^{}]*?"title":\{"font":\{[^{}]*\},"text":"([^"]+)"', html)
    titles += re.findall(r'"yaxis":\{[^{}]*?"title":\{"text":"([^"]+)"', html)
    assert {"Posts per 15 min", "Posts per 30 min"} <= set(titles)


@pytest.mark.browser
@pytest.mark.slow
def test_no_printed_page_is_nearly_empty(demo_url, tmp_path):
    """Chromium's print of the demo's report, each page's words counted (poppler's pdftotext): a section kept whole
    once left a page holding one table row."""
    import shutil
    import subprocess

    from .browser import require_browser

    require_browser()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from summitpulse.outputs.report import write_report

    engine = open_store(demo_url)
    assert write_report(load_config(ROOT / "config.yaml"), engine, tmp_path / "report.html", pdf=True) == 0
    engine.dispose()
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    words = [
        len(
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
            ).stdout.split()
        )
        for n in range(1, pages + 1)
    ]
    assert min(words[:-1]) >= 30, words  # the last page may be short
