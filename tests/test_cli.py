"""The command line as a user runs it."""

import csv
import io
import os
import subprocess
import sys

from .conftest import ROOT


def _run(*args, db):
    url = f"sqlite:///{db}"  # the demo plays into it, the other commands read it
    env = {**os.environ, "SUMMITPULSE_DATABASE_URL": url, "SUMMITPULSE_DEMO_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "summitpulse", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_demo_then_export_posts_as_csv_twice_gives_the_same_rows(tmp_path):
    db = tmp_path / "cli.db"
    assert _run("demo", "--speed", "max", db=db).returncode == 0
    first = _run("export", "posts", "--format", "csv", db=db)
    assert _run("demo", "--speed", "max", db=db).returncode == 0
    second = _run("export", "posts", "--format", "csv", db=db)
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    assert len(rows) >= 3000 and {r["network"] for r in rows} == {"x", "mastodon", "bluesky"}
    assert all(r["handle"] for r in rows)
    assert first.stdout == second.stdout
    assert not any("quietresident" in r["handle"] for r in rows), "an opted-out account is never named"


def test_export_parquet_and_json(tmp_path):
    db = tmp_path / "cli.db"
    _run("demo", "--speed", "max", db=db)
    assert _run("export", "posts", "--format", "parquet", "--out", str(tmp_path / "p.parquet"), db=db).returncode == 0
    assert (tmp_path / "p.parquet").stat().st_size > 10_000
    done = _run("export", "posts", "--format", "json", db=db)
    assert done.returncode == 0 and done.stdout.lstrip().startswith("[")


def test_help_lists_every_command(tmp_path):
    done = _run("--help", db=tmp_path / "x.db")
    for command in ("init", "demo", "collect", "import", "export", "report", "up"):
        assert command in done.stdout
