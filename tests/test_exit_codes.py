"""Exit statuses a scheduler can trust: `import` and `collect --once` say done (0), partly done (3), nothing done (1)."""

import os
import socket
import subprocess
import sys

import pytest

from summitpulse.cli.exits import DONE, NOTHING_DONE, PARTLY_DONE
from summitpulse.ingest import import_files

from .conftest import ROOT
from .fakes.mastodon import FakeMastodon
from .test_collect_cli import _config_file


def _jsonl(tmp_path, fixtures_dir, good: int, broken: int):
    tagged = [line for line in (fixtures_dir / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines()]
    tagged = [line for line in tagged if "#tag" in line][:good]
    path = tmp_path / f"g{good}b{broken}.jsonl"
    path.write_text("\n".join(tagged + ['{"truncated": '] * broken) + "\n")
    return path


@pytest.mark.parametrize(
    "good, broken, expected", [(2, 0, DONE), (2, 1, PARTLY_DONE), (0, 2, NOTHING_DONE)], ids=["done", "partly", "none"]
)
def test_import_says_done_partly_done_or_nothing_done(
    config, sqlite_engine, fixtures_dir, tmp_path, good, broken, expected
):
    assert import_files(config, sqlite_engine, [_jsonl(tmp_path, fixtures_dir, good, broken)]) == expected


def test_import_of_a_missing_file_beside_a_good_one_is_partly_done(config, sqlite_engine, fixtures_dir, tmp_path):
    files = [_jsonl(tmp_path, fixtures_dir, 2, 0), tmp_path / "missing.jsonl"]
    assert import_files(config, sqlite_engine, files) == PARTLY_DONE
    assert import_files(config, sqlite_engine, files[1:]) == NOTHING_DONE


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed once the socket is: connection refused


def _collect_once(config_path, url) -> int:
    return subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", config_path, "collect", "--once"],
        cwd=ROOT,
        env={**os.environ, "SUMMITPULSE_DATABASE_URL": url},
        capture_output=True,
        timeout=300,
    ).returncode


def test_collect_once_says_nothing_done_when_every_collector_failed_and_partly_done_when_some(fixtures_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert _collect_once(_config_file(tmp_path, _closed_port_url()), url) == NOTHING_DONE
    fake = FakeMastodon(fixtures_dir)
    try:
        both = _config_file(tmp_path, fake.url)
        text = open(both).read().replace(f"- {fake.url}", f"- {fake.url}\n    - {_closed_port_url()}")
        open(both, "w").write(text)
        assert _collect_once(both, url) == PARTLY_DONE
        assert _collect_once(_config_file(tmp_path, fake.url), url) == DONE
    finally:
        fake.close()
