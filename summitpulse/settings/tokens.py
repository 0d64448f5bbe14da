"""The organiser's sign-in token: an expiry signed with HMAC-SHA256, kept by the browser so a reload stays signed in.

The key is ``SUMMITPULSE_SESSION_SECRET`` (environment or Streamlit secrets) or else derived from the organiser
password, never the password itself: changing either ends every token.
"""

from __future__ import annotations

import hashlib
import hmac

from .secrets import get_secret

TTL_S = 12 * 3600  # one event day


def _key() -> bytes | None:
    secret = get_secret("session_secret")
    if secret:
        return secret.encode("utf-8")
    password = get_secret("organiser_password")
    if not password:
        return None
    return hmac.new(password.encode("utf-8"), b"summitpulse organiser token v1", hashlib.sha256).digest()


def _sign(key: bytes, expires: int) -> str:
    return hmac.new(key, f"organiser:{expires}".encode(), hashlib.sha256).hexdigest()


def issue(now: float, ttl_s: int = TTL_S) -> str | None:
    """A token valid until ``now + ttl_s``; None when no organiser password is set."""
    key = _key()
    if key is None:
        return None
    expires = int(now) + ttl_s
    return f"{expires}.{_sign(key, expires)}"


def expiry(token: str) -> int:
    """When a valid token expires (epoch seconds)."""
    return int(token.partition(".")[0])


def valid(token: str | None, now: float) -> bool:
    """True for a token this server signed that has not expired."""
    key = _key()
    if key is None or not isinstance(token, str):
        return False
    expires, _, signature = token.partition(".")
    if not expires.isdigit() or len(expires) > 12:
        return False
    return hmac.compare_digest(signature, _sign(key, int(expires))) and now < int(expires)
