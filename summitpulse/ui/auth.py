"""Organiser authentication: a password from the environment or Streamlit secrets, compared in constant time."""

from __future__ import annotations

import hmac

from ..settings.secrets import get_secret


def password_configured() -> bool:
    return bool(get_secret("organiser_password"))


def check_password(attempt: str) -> bool:
    """True when ``attempt`` is the organiser password; False when none is configured."""
    expected = get_secret("organiser_password")
    if not expected or not isinstance(attempt, str):
        return False
    return hmac.compare_digest(attempt.encode("utf-8"), expected.encode("utf-8"))
