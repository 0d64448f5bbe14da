"""``report --compare``: the demo's two editions set side by side from their data files, and a ranking of three."""

from __future__ import annotations

import json
import shutil

import pytest

from summitpulse.outputs.report import write_data_files, write_report
from summitpulse.outputs.report.compare import (
    EditionError,
    comparison_html,
    edition_title,
    read_edition,
    write_edition,
)

from .conftest import ROOT

PREVIOUS = ROOT / "demo" / "icre2015" / "report_data"


@pytest.fixture(scope="module")
def this_edition(demo_url, tmp_path_factory):
    """The 2014 demo's data folder, as its report writes it."""
    from summitpulse.settings.config import load_config
    from summitpulse.store.engine import open_store

    config, engine = load_config(ROOT / "config.yaml"), open_store(demo_url)
    folder = tmp_path_factory.mktemp("icre2014") / "report_data"
    write_data_files(config, engine, folder)
    write_edition(config, folder)
    engine.dispose()
    return folder


def test_the_shipped_second_edition_reads(this_edition):
    before, after = read_edition(this_edition), read_edition(PREVIOUS)
    assert before.name.endswith("ICRE 2014") and after.name.endswith("ICRE 2015") and before.start < after.start
    assert after.posts > before.posts > 3000 and after.people > before.people
    assert sum(after.networks.values()) == after.posts and sum(after.labels.values()) == after.people
    assert after.share("x") < before.share("x") and after.share("bluesky") > before.share("bluesky")  # the move off X
    assert set(after.themes) == set(before.themes) and len(after.top) == 10


def test_the_section_says_what_grew_and_who_came_back(this_edition):
    html = comparison_html(this_edition, [PREVIOUS])
    assert html.index("ICRE 2014") < html.index("ICRE 2015")  # in time order
    for part in ("Posts", "Participants: remote", "Share of posts on Bluesky", "pts)", "Theme: Education theory"):
        assert part in html
    assert "also in Social Media Summit at ICRE 2015" in html and "only in this edition" in html
    assert "Ranking across events" not in html  # two editions: a comparison, not a ranking
    later = comparison_html(PREVIOUS, [this_edition])
    assert "also in Social Media Summit at ICRE 2014" in later and "<b>new</b>" in later


def test_several_editions_are_ranked_and_names_are_text(this_edition, tmp_path):
    third = tmp_path / "icre2013"
    shutil.copytree(PREVIOUS, third)
    about = json.loads((third / "edition.json").read_text())
    about |= {"event": "<script>alert(1)</script> 2013", "start": "2013-10-24T08:00:00-04:00"}
    (third / "edition.json").write_text(json.dumps(about))
    html = comparison_html(this_edition, [PREVIOUS, third])
    assert "Ranking across events" in html and "<script>alert(1)</script>" not in html
    assert html.index("&lt;script&gt;") < html.index("ICRE 2014")  # 2013 first


def test_a_wrong_folder_is_refused_before_any_work(demo_engine, config, tmp_path, capsys):
    with pytest.raises(EditionError, match="posts.parquet"):
        read_edition(tmp_path)
    out = tmp_path / "report.html"
    assert write_report(config, demo_engine, out, compare=[tmp_path / "nothing"]) == 2
    assert "not a report's data folder" in capsys.readouterr().err and not out.exists()


@pytest.mark.slow
def test_the_report_command_compares(demo_url, tmp_path, monkeypatch):
    from summitpulse.cli import main

    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    out = tmp_path / "report.html"
    assert main(["--config", str(ROOT / "config.yaml"), "report", "--out", str(out), "--compare", str(PREVIOUS)]) == 0
    html = out.read_text()
    assert 'id="editions"' in html and "Social Media Summit at ICRE 2015" in html and "Session recaps" in html
    assert json.loads((tmp_path / "report_data" / "edition.json").read_text())["event"].endswith("ICRE 2014")


def test_the_editions_the_report_page_offers_are_named_by_their_event(tmp_path):
    """``dashboard.editions`` are offered by their event's name and first day, or by the folder's name when it has no
    ``edition.json``."""
    assert edition_title(PREVIOUS) == "Social Media Summit at ICRE 2015 (22 Oct 2015)"
    assert edition_title(tmp_path) == tmp_path.name
