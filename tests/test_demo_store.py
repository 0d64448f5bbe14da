"""The demo keeps a store of its own and never plays into, nor empties, a store holding an event's posts."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select

import summitpulse.demo
from summitpulse.cli import main
from summitpulse.demo import run_demo
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.settings.config import load_config
from summitpulse.store import schema
from summitpulse.store.demo_store import DEMO_MARK, StoreOwnerError
from summitpulse.store.engine import get_meta, ingest

from .conftest import ROOT

EVENT_POST = Batch(
    posts=[
        Post(
            network="x",
            native_id="1850000000000000001",
            author_id="u1",
            created_at=datetime(2014, 10, 22, 14, 0, tzinfo=UTC),
            text="Our own event's post #SoMeSummit",
            hashtags=["somesummit"],
            source="x",
        )
    ],
    authors=[Author("x", "u1", "organiser")],
)


def _posts(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.posts)).scalar()


def _cli(*args: str, url: str) -> subprocess.CompletedProcess:
    """A command pointed, as a careless organiser would, at one store for the event and the demo alike."""
    env = {**os.environ, "SUMMITPULSE_DATABASE_URL": url, "SUMMITPULSE_DEMO_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "summitpulse", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_demos_store_is_its_own_by_default_beside_the_config(monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'event.db'}")
    monkeypatch.delenv("SUMMITPULSE_DEMO_DATABASE_URL", raising=False)
    config = load_config(ROOT / "config.yaml")
    assert config.demo_database_url == f"sqlite:///{ROOT / 'data' / 'demo.db'}"
    assert config.effective_database_url != config.demo_database_url


@pytest.mark.parametrize("reset", [False, True])
def test_demo_refuses_a_store_holding_an_events_posts(engine, store_url, reset):
    ingest(engine, EVENT_POST)
    done = _cli("demo", "--speed", "max", *(["--reset"] if reset else []), url=store_url)
    assert done.returncode == 2, done.stderr
    assert "holds posts that are not the demo's" in done.stderr and "demo.database_url" in done.stderr
    assert "Traceback" not in done.stderr
    assert _posts(engine) == 1


def test_up_and_make_run_refuse_before_starting_anything(engine, store_url, monkeypatch, capsys):
    ingest(engine, EVENT_POST)
    monkeypatch.setenv("SUMMITPULSE_DEMO_DATABASE_URL", store_url)
    started = []
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a))
    assert main(["--config", str(ROOT / "config.yaml"), "up", "--port", "1"]) == 2
    assert "holds posts that are not the demo's" in capsys.readouterr().err
    assert started == [] and _posts(engine) == 1


def test_the_end_of_day_restart_refuses_a_store_that_is_no_longer_the_demos(engine, config, monkeypatch):
    days = []

    def day(player, *args, **kwargs):  # while the day plays, the store is swapped for an event's
        days.append(args)
        if len(days) > 1:
            raise RuntimeError("the demo emptied the store and played again")
        with engine.begin() as conn:
            conn.execute(delete(schema.meta).where(schema.meta.c.key == DEMO_MARK))
        ingest(engine, EVENT_POST)

    monkeypatch.setattr(summitpulse.demo, "play", day)
    with pytest.raises(StoreOwnerError, match="not the demo's"):
        run_demo(config, engine, speed=60.0)
    assert _posts(engine) == 1


def test_the_demo_marks_its_store_and_the_event_commands_refuse_it(engine, store_url, config, tmp_path):
    run_demo(config, engine, speed=float("inf"))
    with engine.connect() as conn:
        assert get_meta(conn, DEMO_MARK) == config.event.name
    archive = tmp_path / "x.jsonl"
    archive.write_text("")
    for command in (["import", str(archive)], ["collect", "--once"]):
        done = _cli(*command, url=store_url)
        assert done.returncode == 2 and "is the demo's" in done.stderr, done.stderr
