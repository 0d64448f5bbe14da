"""``publish``: the static wall shows exactly the live screen's posts, swaps atomically, and carries nothing private."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest

from summitpulse.analysis.filters import Filters
from summitpulse.analysis.wall import wall
from summitpulse.cli import main
from summitpulse.outputs.publish import publish, site, slug, swap
from summitpulse.store.clock import event_now

from .conftest import ROOT


@pytest.fixture(scope="module")
def files(demo_url):
    from summitpulse.settings.config import load_config
    from summitpulse.store.engine import open_store

    config, engine = load_config(ROOT / "config.yaml"), open_store(demo_url)
    with engine.connect() as conn:
        yield (
            site(conn, config, 15, "https://wall.example.org"),
            wall(conn, config, Filters(), event_now(conn), 24),
            config,
        )
    engine.dispose()


def test_every_page_and_feed_is_there(files):
    out, _, config = files
    themes = [f"themes/{slug(t.name)}" for t in config.themes]
    expected = {"index.html", "embed.html", "feed.json", "feed.xml"} | {
        f"{t}.{ext}" for t in themes for ext in ("html", "json", "xml")
    }
    assert set(out) == expected
    assert "themes/ethics-professionalism.html" in out
    feed = json.loads(out["feed.json"])
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) == 50
    assert feed["feed_url"] == "https://wall.example.org/feed.json"
    rss = ET.fromstring(out["feed.xml"].split("\n", 1)[1])
    assert len(rss.findall("./channel/item")) == 50
    assert 'http-equiv="refresh" content="15"' in out["index.html"]


def test_the_wall_is_the_live_screens(files):
    out, live, _ = files
    page = out["index.html"]
    assert page.count("<article") == len(live) == 24
    for card in live:
        assert card["url"] in page


def test_nothing_private_leaves(files, demo_engine, monkeypatch):
    out, _, config = files
    everything = "\n".join(out.values())
    for private in (
        "quietresident",  # opted out
        "#NoSoMeWall",
        "nosomewall",  # opt-out tag
        "load of shit",  # hidden by the profanity filter
        "Buy followers",  # blocked term
        "blocked term",  # a moderation reason
        "in_room",
        "remote",  # participant labels
        "sqlite",
        "demo.db",  # the store
    ):
        assert private.casefold() not in everything.casefold(), private


def test_no_secret_in_the_files(demo_url, tmp_path, monkeypatch, capsys):
    secrets = {
        "SUMMITPULSE_X_BEARER_TOKEN": "AAAAsecretbearer0123456789",
        "SUMMITPULSE_ORGANISER_PASSWORD": "organiser-pass-9876",
        "SUMMITPULSE_ALERT_URL": "json://127.0.0.1:9/hooks/alerttoken0123456789",
    }
    for k, v in secrets.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    assert main(["--config", str(ROOT / "config.yaml"), "publish", str(tmp_path / "site"), "--once"]) == 0
    written = "".join(p.read_text() for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert written and not any(v in written or v in capsys.readouterr().out for v in secrets.values())


def test_each_cycle_is_swapped_in_whole(tmp_path):
    out = tmp_path / "site"
    cycles = [{"index.html": f"<html>{n}" + "x" * 200_000 + "</html>", "themes/a.html": str(n)} for n in range(30)]
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                seen.append((out / "index.html").read_text())
            except FileNotFoundError:
                pass

    reader = threading.Thread(target=read)
    reader.start()
    for files in cycles:
        swap(out, files)
    stop.set()
    reader.join()
    assert seen and all(text.startswith("<html>") and text.endswith("</html>") for text in seen)
    assert out.is_symlink() and (out / "index.html").read_text().startswith("<html>29")
    assert len([p for p in out.parent.joinpath(".site.versions").iterdir() if p.is_dir()]) == 3
    assert oct((out / "themes").stat().st_mode)[-3:] == "755" and oct((out / "index.html").stat().st_mode)[-3:] == "644"


def test_a_folder_it_did_not_make_is_left_alone(tmp_path, demo_engine, config):
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "keep.txt").write_text("mine")
    assert publish(config, demo_engine, tmp_path / "www", once=True) == 2
    assert (tmp_path / "www" / "keep.txt").read_text() == "mine"


def test_hostile_text_cannot_break_the_feeds(sqlite_engine, config):
    from summitpulse.analysis import moderation
    from summitpulse.normalise.models import Author, Batch, Post
    from summitpulse.store.engine import ingest

    at = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    text = "]]></description><script>x</script>\x00\x1b\ufffe & é #SoMeSummit"
    ingest(
        sqlite_engine,
        Batch(
            posts=[Post("x", "1", "9", at, text, url="javascript:alert(1)")],
            authors=[Author("x", "9", "h", "<b>n</b>")],
        ),
    )
    with sqlite_engine.begin() as conn:
        moderation.set_status(conn, "x", "1", "approved", "", "t")
        conn.exec_driver_sql(f"INSERT INTO meta (key, value) VALUES ('clock_ts', '{int(at.timestamp()) + 60}')")
        out = site(conn, config, 15)
    [item] = ET.fromstring(out["feed.xml"].split("\n", 1)[1]).findall("./channel/item")
    assert item.find("description").text.startswith("]]></description><script>x</script>")
    assert item.find("link") is None  # not a web address: no link
    assert json.loads(out["feed.json"])["items"][0]["content_text"].startswith("]]>")
    assert "javascript:" not in out["index.html"] and "<script>x" not in out["index.html"]
