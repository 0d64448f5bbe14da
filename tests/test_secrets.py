"""Planted secrets appear in no log, no database row, no report, no CLI output and no exception message."""

import logging
import os
import subprocess
import sys

import pytest
from sqlalchemy import inspect, text

from collectors import bluesky, mastodon, x
from summitpulse.outputs.report import build_report_html
from summitpulse.settings.config import parse_config

from .conftest import ROOT
from .fakes.bluesky import FakeBluesky
from .fakes.mastodon import FakeMastodon
from .fakes.x import FakeX
from .test_config import _good

PLANTED = {
    "SUMMITPULSE_X_BEARER_TOKEN": "PLANTED-x-bearer-5f1e",
    "SUMMITPULSE_MASTODON_TOKEN": "PLANTED-mastodon-token-77aa",
    "SUMMITPULSE_BLUESKY_HANDLE": "collector.test",
    "SUMMITPULSE_BLUESKY_APP_PASSWORD": "PLANTED-bsky-app-pass-19c0",
    "SUMMITPULSE_ORGANISER_PASSWORD": "PLANTED-organiser-pw-3b2d",
}
SECRET_VALUES = [v for k, v in PLANTED.items() if "HANDLE" not in k]


@pytest.fixture
def fakes(fixtures_dir, monkeypatch):
    for k, v in PLANTED.items():
        monkeypatch.setenv(k, v)
    servers = FakeMastodon(fixtures_dir), FakeX(fixtures_dir), FakeBluesky(fixtures_dir, "somesummit")
    yield servers
    for s in servers:
        s.close()


def _config(fakes, tmp_path):
    m, xs, b = fakes
    data = _good()
    data["event"].update(start="2014-01-01T00:00:00+00:00", end="2026-09-01T00:00:00+00:00")
    data["networks"] = {"mastodon": {"instances": [m.url]}, "x": {"base_url": xs.url}, "bluesky": {"base_url": b.url}}
    return parse_config(data, base_dir=str(tmp_path))


def _leaks(blob: str) -> list[str]:
    return [v for v in SECRET_VALUES if v in blob]


def test_no_secret_in_logs_rows_or_reports_even_when_every_call_fails(fakes, tmp_path, sqlite_engine, caplog):
    caplog.set_level(logging.DEBUG)
    config = _config(fakes, tmp_path)
    m, xs, b = fakes
    for server, on in ((m, "timelines"), (xs, "search"), (b, "searchPosts")):
        server.inject("401", "500", "500", "500", "500", on=on)
    run = dict(sleep=lambda s: None, max_wait=5, timeout=1)
    mastodon.collect(config, sqlite_engine, m.url, "somesummit", **run)
    x.collect(config, sqlite_engine, **run)
    bluesky.collect(config, sqlite_engine, "somesummit", **run)
    x.collect(config, sqlite_engine, **run)  # and once more, succeeding
    with sqlite_engine.connect() as conn:
        rows = " ".join(
            str(v)
            for t in inspect(conn).get_table_names()
            for row in conn.execute(text(f'SELECT * FROM "{t}"'))
            for v in row
        )
        failed = conn.execute(text("SELECT count(*) FROM runs WHERE status = 'failed'")).scalar()
    assert failed >= 1, "the faults were really hit"
    assert _leaks(caplog.text) == []
    assert _leaks(rows) == []
    assert _leaks(build_report_html(config, sqlite_engine)) == []


def test_no_secret_in_cli_output_at_debug_level(fakes, tmp_path):
    config_path = tmp_path / "config.yaml"
    m, xs, b = fakes
    import yaml

    data = _good()
    data["networks"] = {"mastodon": {"instances": [m.url]}, "x": {"base_url": xs.url}, "bluesky": {"base_url": b.url}}
    config_path.write_text(yaml.safe_dump(data))
    xs.inject("500", on="search")
    env = {**os.environ, **PLANTED, "SUMMITPULSE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", str(config_path), "-v", "collect", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _leaks(done.stdout + done.stderr) == []


def test_a_database_url_with_a_password_is_never_printed(tmp_path):
    env = {**os.environ, "SUMMITPULSE_DATABASE_URL": "postgresql+psycopg://u:PLANTED-db-pw-42@127.0.0.1:9/x"}
    done = subprocess.run(
        [sys.executable, "-m", "summitpulse", "init"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert "PLANTED-db-pw-42" not in done.stdout + done.stderr
    assert done.returncode == 1 and "cannot use the database" in done.stderr and "Traceback" not in done.stderr


def test_redaction_leaves_words_alone_and_the_public_demo_password_unredacted(monkeypatch):
    from summitpulse.settings.secrets import DEMO_PASSWORD, redact

    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", DEMO_PASSWORD)
    assert redact("the demo day is over; a demonstration") == "the demo day is over; a demonstration"
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "hall7")
    assert redact("password hall7 in the hall7b") == "password [redacted] in the hall7b"
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "a-long-secret-value")
    assert redact("token=xa-long-secret-valuex") == "token=x[redacted]x"
