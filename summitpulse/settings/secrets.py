"""Secrets: from the environment or Streamlit's ``.streamlit/secrets.toml``, never the config.

``install_redaction`` keeps every known secret value out of log output.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

# Every secret Summit Pulse reads; the README lists them.
NAMES = {
    "x_bearer_token": "SUMMITPULSE_X_BEARER_TOKEN",
    "mastodon_token": "SUMMITPULSE_MASTODON_TOKEN",
    "bluesky_handle": "SUMMITPULSE_BLUESKY_HANDLE",
    "bluesky_app_password": "SUMMITPULSE_BLUESKY_APP_PASSWORD",
    "organiser_password": "SUMMITPULSE_ORGANISER_PASSWORD",
    "session_secret": "SUMMITPULSE_SESSION_SECRET",  # signs the organiser sign-in token (else derived from the password)
    "database_url": "SUMMITPULSE_DATABASE_URL",
    "demo_database_url": "SUMMITPULSE_DEMO_DATABASE_URL",
    "alert_url": "SUMMITPULSE_ALERT_URL",  # and SUMMITPULSE_ALERT_URL_<CHANNEL>: one apprise URL per channel
}
SECRETS_FILE = Path(".streamlit/secrets.toml")


@lru_cache(maxsize=1)
def _secrets_file() -> dict:
    try:
        return tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def get_secret(name: str, instance: str | None = None) -> str | None:
    """The secret ``name`` (a key of NAMES), per Mastodon instance where given.

    For an instance, ``SUMMITPULSE_MASTODON_TOKEN_MED_MASTODON_COM`` wins over
    the shared ``SUMMITPULSE_MASTODON_TOKEN``.
    """
    env = NAMES[name]
    candidates = [env]
    if instance:
        host = re.sub(r"^https?://", "", instance).strip("/")
        candidates.insert(0, f"{env}_{re.sub(r'[^A-Za-z0-9]', '_', host).upper()}")
    for var in candidates:
        if os.environ.get(var):
            return os.environ[var]
        if _secrets_file().get(var):
            return str(_secrets_file()[var])
    return None


def alert_urls() -> dict[str, str]:
    """The organisers' alert channels: ``SUMMITPULSE_ALERT_URL`` and every ``SUMMITPULSE_ALERT_URL_<CHANNEL>``, from
    the environment or the secrets file (the environment wins), one apprise URL each, by variable name."""
    prefix = NAMES["alert_url"]
    found = {k: str(v) for k, v in _secrets_file().items() if k == prefix or k.startswith(prefix + "_")}
    found |= {k: v for k, v in os.environ.items() if k == prefix or k.startswith(prefix + "_")}
    return {k: v.strip() for k, v in sorted(found.items()) if v.strip()}


def _url_parts(url: str) -> list[str]:
    """The pieces of a channel URL that a library may log on their own: its password, tokens in its path and
    its query's values (long enough to be secrets, not words like "json")."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    pieces = [parts.password or "", *parts.path.split("/"), *(v for _, v in parse_qsl(parts.query))]
    return [unquote(p) for p in pieces if len(p) >= 8] + [p for p in pieces if len(p) >= 8]


def known_values() -> list[str]:
    """Every secret value currently set (longer than 3 characters, to redact)."""
    values = [
        v
        for k, v in os.environ.items()
        if k.startswith("SUMMITPULSE_") and any(k.startswith(n) for n in NAMES.values()) and v and len(v) > 3
    ]
    values += [str(v) for k, v in _secrets_file().items() if k.startswith("SUMMITPULSE_") and len(str(v)) > 3]
    values += [part for url in alert_urls().values() for part in _url_parts(url)]
    return sorted(set(values), key=len, reverse=True)


def redact(text: str) -> str:
    for value in known_values():
        text = text.replace(value, "[redacted]")
    return text


class RedactingFilter(logging.Filter):
    """Replaces secret values in every log record's rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.exc_info:
            record.msg, record.args = cleaned, ()
            if record.exc_info:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


def install_redaction() -> None:
    """Attach the redacting filter to every root handler."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
