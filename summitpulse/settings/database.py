"""The store's URL: what hosts hand out made to work, what cannot work refused clearly, passwords never shown.

Summit Pulse stores in SQLite (one machine) or PostgreSQL (through psycopg 3). A relative SQLite path in the
config is relative to the config file's folder, so a command started from anywhere uses the same store.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .errors import ConfigError

DATABASE_URL_ENV = "SUMMITPULSE_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///data/summitpulse.db"
DEMO_DATABASE_URL_ENV = "SUMMITPULSE_DEMO_DATABASE_URL"  # the demo's store: never the event's variable above
DEFAULT_DEMO_DATABASE_URL = "sqlite:///data/demo.db"
EXAMPLES = "sqlite:///data/summitpulse.db or postgresql://summit@db.example.org/summit"
# Every way of naming a PostgreSQL URL a host or a guide hands out, to the driver Summit Pulse installs.
POSTGRESQL = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+psycopg3"}
SQLITE = {"sqlite", "sqlite+pysqlite"}
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@\s]*)@")


def redact_url(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def normalise(url: str) -> str:
    """``url`` in the form SQLAlchemy and psycopg 3 take; ValueError saying what is expected instead."""
    text = str(url).strip()
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):
        raise ValueError(f"a database URL, such as {EXAMPLES}") from None
    scheme = parsed.drivername.lower()
    if scheme in POSTGRESQL:
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if scheme in SQLITE:
        return text
    raise ValueError(
        f"a SQLite or PostgreSQL URL, such as {EXAMPLES} ({parsed.get_backend_name()} is not supported: "
        "Summit Pulse stores in SQLite on one machine, in PostgreSQL for several processes or machines)"
    )


def has_password(url: str) -> bool:
    try:
        return make_url(url).password is not None
    except (ArgumentError, ValueError):
        return bool(_USERINFO.search(url))


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names, or None (another database, or one in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def store_url(configured: str, base_dir: str, env: str = DATABASE_URL_ENV, field: str = "database_url") -> str:
    """The URL to open: the environment's ``env`` (relative to the working folder) or the config's ``field``
    (relative to its folder), normalised; ConfigError naming where it came from when it cannot be used."""
    from_env = os.environ.get(env)
    source = f"${env}" if from_env else field
    raw = from_env or configured
    try:
        url = normalise(raw)
        path = sqlite_path(url)
        if path is not None and not path.is_absolute():
            path = Path(os.getcwd() if from_env else base_dir).absolute() / path
            url = make_url(url).set(database=str(path)).render_as_string(hide_password=False)
        if path is not None:
            check_writable(path)
    except ValueError as exc:
        raise ConfigError(f"{source}: found {redact_url(raw)!r}; expected {exc}") from None
    return url


def check_writable(path: Path) -> None:
    """ValueError unless a SQLite store can be kept at ``path`` (its folder is created, as opening would)."""
    if path.is_dir():
        raise ValueError(f"the path of a file, not of the folder {path}: e.g. {path / 'summitpulse.db'}")
    existing = next(p for p in path.parents if p.exists())
    if not existing.is_dir():
        raise ValueError(f"a store that can be written, but {existing} is a file, not a folder; choose another path")
    try:
        if path.exists():
            with open(path, "r+b"):
                pass
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=path.parent):
                pass
    except OSError as exc:
        raise ValueError(
            f"a store that can be written, but {path} cannot be ({exc.strerror or exc.__class__.__name__}); "
            "choose a path in a folder you can write to"
        ) from None
