"""Opted-out people, pushed through every file that leaves Summit Pulse — every export in every format, the report
with its data files, the published wall — on both backends: none names them by handle, name, account id or any
address holding their username (issue 19 item 10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.outputs.export import EXPORTS, export
from summitpulse.outputs.publish import site
from summitpulse.outputs.report import write_report
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest, open_store

from .conftest import ROOT

START = datetime(2014, 10, 22, 13, 0, tzinfo=UTC)
# What could name each withheld person: handle, display name, account id, what their addresses hold.
NAMING = [
    "quietresident",
    "Sam Quiet",
    "50100777",
    "hushed",
    "Hana Hushwell",
    "quiet.example/@hushed",
    "tagger",
    "Tara Taggart",
]


def _post(n: int, network: str, author: str, text: str, native_id: str = "", url: str = "", **more) -> Post:
    tags = ["somesummit", "nosomewall"] if "#NoSoMeWall" in text else ["somesummit"]
    return Post(
        network, native_id or str(1000 + n), author, START + timedelta(minutes=n), text, url=url, hashtags=tags, **more
    )


def _batch() -> Batch:
    authors = [
        Author("x", "50100777", "quietresident", "Sam Quiet", url="https://x.com/quietresident"),
        Author(
            "mastodon",
            "hushed@quiet.example",
            "@hushed@quiet.example",
            "Hana Hushwell",
            url="https://quiet.example/@hushed",
        ),
        Author(
            "mastodon",
            "tagger@mstdn.example",
            "@tagger@mstdn.example",
            "Tara Taggart",
            url="https://mstdn.example/@tagger",
        ),
        Author("x", "9", "ana", "Ana Open", url="https://x.com/ana"),
    ]
    hushed = "https://quiet.example/users/hushed/statuses/1"
    posts = [
        _post(1, "x", "50100777", "Notes from the hall #SoMeSummit", url="https://x.com/quietresident/status/1001"),
        _post(2, "mastodon", "hushed@quiet.example", "Good session #SoMeSummit", hushed, "https://quiet.example/@hushed/1"),
        _post(3, "mastodon", "tagger@mstdn.example", "Keep me off the screen #SoMeSummit #NoSoMeWall",
              "https://mstdn.example/users/tagger/statuses/3", "https://mstdn.example/@tagger/3"),
        _post(4, "mastodon", "tagger@mstdn.example", "Learning a lot #SoMeSummit",
              "https://mstdn.example/users/tagger/statuses/4", "https://mstdn.example/@tagger/4"),
        _post(5, "x", "9", "@quietresident and @hushed@quiet.example, agreed! Sam Quiet said it #SoMeSummit",
              mentions=["50100777", "hushed@quiet.example"], reply_to="1001", reply_to_author="50100777",
              url="https://x.com/ana/status/1005"),
        _post(6, "mastodon", "tagger@mstdn.example", "Good session #SoMeSummit",
              "https://mstdn.example/users/tagger/statuses/6/activity", hushed.replace("users/hushed/statuses", "@hushed"),
              repost_of=hushed),
    ]  # fmt: skip
    return Batch(posts=posts, authors=authors)


@pytest.fixture
def config():
    config = load_config(ROOT / "config.yaml")
    participants = config.participants.model_copy(
        update={"opt_out": ["x:quietresident", "mastodon:hushed@quiet.example"]}
    )
    return config.model_copy(update={"participants": participants})


def _texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text (a Parquet file as its table written as CSV)."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            out[str(path)] = pd.read_parquet(path).to_csv()
        elif path.suffix != ".pdf":
            out[str(path)] = path.read_text(encoding="utf-8")
    return out


def test_no_file_that_leaves_names_an_opted_out_person(store_url, config, tmp_path):
    engine = open_store(store_url, config)
    ingest(engine, _batch())
    (tmp_path / "exports").mkdir()
    for what in EXPORTS:
        for fmt in ("csv", "json", "parquet"):
            assert export(config, engine, what, fmt, str(tmp_path / "exports" / f"{what}.{fmt}")) in (0,)
    assert write_report(config, engine, tmp_path / "report" / "report.html") == 0
    with engine.connect() as conn:
        for path, text in site(conn, config, 15, "https://wall.example.org").items():
            (tmp_path / "site" / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "site" / path).write_text(text)
    engine.dispose()
    files = {k: v for folder in ("exports", "report", "site") for k, v in _texts(tmp_path / folder).items()}
    assert len(files) >= 12 + 9 + 4
    leaks = [(path, word) for path, text in files.items() for word in NAMING if word.casefold() in text.casefold()]
    assert not leaks
    posts = pd.read_csv(tmp_path / "exports" / "posts.csv")
    assert len(posts) == 6 and "Ana Open" in set(posts.display_name)  # counted, only anonymised
    people = pd.read_csv(tmp_path / "exports" / "participants.csv")
    assert (people.person == "(opted out)").sum() == 3 and "ana" in set(people.handle)
    assert set(pd.read_csv(tmp_path / "exports" / "contributors.csv").handle) == {"ana"}
