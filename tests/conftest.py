"""Shared fixtures: a store on each backend, the bundled config, the shared API fixtures."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from summitpulse.settings.config import load_config
from summitpulse.store.engine import connect, open_store

ROOT = Path(__file__).resolve().parent.parent

# Property-based tests explore the same examples on every run: deterministic CI.
settings.register_profile("deterministic", derandomize=True, deadline=None, database=None)
settings.load_profile("deterministic")

FIXTURES = Path(os.environ.get("SUMMITPULSE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
# How long a test waits for a page, a server or a browser: long enough for a machine several times slower than this
# one under a full run; a wait ends as soon as what it waits for is there, so only a failure waits this long.
PATIENCE = 300
PG_URL = os.environ.get("SUMMITPULSE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason to skip."""
    try:
        with create_engine(PG_URL, connect_args={"connect_timeout": 3}).connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any driver error means: no server here
        return f"no PostgreSQL at {PG_URL.split('@')[-1]} ({exc.__class__.__name__})"


_PG_SKIP = _pg_available()


@pytest.fixture(autouse=True)
def patient_pages(monkeypatch):
    """Pages run by AppTest wait for the figures they ask to be gathered aside (in life: a second, then a note and a
    later redraw), so what a test sees never depends on how busy the machine is."""
    from summitpulse.ui import data

    monkeypatch.setattr(data, "ASIDE_WAIT_S", PATIENCE / 3)  # below AppTest's own limit: a stuck job shows a note


def dashboard_app() -> AppTest:
    """The app through its entry point (dashboard.py), as AppTest runs it."""
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=PATIENCE)


@pytest.fixture
def config():
    return load_config(ROOT / "config.yaml")


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"the shared fixtures are missing at {FIXTURES}; set SUMMITPULSE_FIXTURES")
    return FIXTURES


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if _PG_SKIP:
        if os.environ.get("CI"):
            pytest.fail(_PG_SKIP + " — CI must test PostgreSQL")
        pytest.skip(_PG_SKIP)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    yield f"{PG_URL}?options=-csearch_path%3D{name}&application_name={name}"
    _drop_schema(admin, name)
    admin.dispose()


def _drop_schema(admin, name: str) -> None:
    """Drop a test's schema once the connections it left open (a page's cached engine, a background thread) are gone.

    A thread still reading can take a lock between the two statements: PostgreSQL then breaks the deadlock by
    refusing the drop, and the drop is tried again.
    """
    for attempt in range(3):
        try:
            with admin.begin() as conn:
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": name},
                )
                conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
            return
        except OperationalError:
            if attempt == 2:
                raise


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The URL of an empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(store_url):
    engine = open_store(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    """A fast SQLite store, for tests that are not about the backend."""
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    """A SQLite store holding the whole demo day, built once per test session."""
    from summitpulse.demo import run_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    config = load_config(ROOT / "config.yaml")
    engine = open_store(url, config)
    run_demo(config, engine, speed=float("inf"))
    engine.dispose()
    return url


@pytest.fixture
def demo_copy_url(demo_url, tmp_path) -> str:
    """A private copy of the demo store, for a test that writes to it (sign-in attempts, heartbeats, incidents):
    what it writes never reaches the tests after it."""
    path = tmp_path / "demo-copy.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_engine(demo_url):
    engine = open_store(demo_url)
    yield engine
    engine.dispose()


__all__ = ["connect", "FIXTURES", "ROOT"]
