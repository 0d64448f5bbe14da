"""Organiser authentication: a password from the environment or Streamlit secrets, compared in constant time,
behind the throttle kept in the store (``store.signin``)."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from ..settings.secrets import get_secret
from ..store import signin

log = logging.getLogger(__name__)


def password_configured() -> bool:
    return bool(get_secret("organiser_password"))


def check_password(attempt: str) -> bool:
    """True when ``attempt`` is the organiser password; False when none is configured."""
    expected = get_secret("organiser_password")
    if not expected or not isinstance(attempt, str):
        return False
    return hmac.compare_digest(attempt.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    wait_s: float = 0.0  # above 0: refused unchecked, try again after this many seconds


def sign_in(engine: Engine, attempt: str, client: str, now: float) -> Outcome:
    """Check ``attempt`` unless ``client`` must still wait; record the outcome (never the value tried) and log a
    failure."""
    with engine.begin() as conn:
        until = signin.retry_at(conn, client, now)
        if until > now:
            signin.record(conn, client, "throttled", now)
            log.warning("organiser sign-in from %s refused unchecked: next attempt in %.0f s", client, until - now)
            return Outcome(False, until - now)
        ok = check_password(attempt)
        signin.record(conn, client, "ok" if ok else "failed", now)
    if not ok:
        log.warning("organiser sign-in failed from %s", client)
    return Outcome(ok)
