"""The organiser password cannot be guessed at leisure, and a sign-in survives a reload without weakening it.

The throttle is kept in the store (both backends), read on an injected clock: no test sleeps.
"""

import logging

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from summitpulse.analysis.health import signin_attempts
from summitpulse.settings import tokens
from summitpulse.store import schema
from summitpulse.ui import auth, controls

from .conftest import ROOT, dashboard_app

RIGHT = "correct horse battery"
T0 = 1_800_000_000.0


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", RIGHT)
    monkeypatch.delenv("SUMMITPULSE_SESSION_SECRET", raising=False)


def test_forty_wrong_passwords_at_two_a_second_then_the_right_one_is_refused(engine, password, caplog):
    caplog.set_level(logging.INFO)
    outcomes = [auth.sign_in(engine, f"guess-{i:02d}", "203.0.113.7", T0 + i / 2) for i in range(40)]
    assert not any(o.ok for o in outcomes)
    checked = [o for o in outcomes if not o.wait_s]
    assert len(checked) <= 8, "after three free tries each wait doubles: most guesses are never checked"
    right = auth.sign_in(engine, RIGHT, "203.0.113.7", T0 + 20)
    assert not right.ok and right.wait_s > 5
    assert auth.sign_in(engine, RIGHT, "203.0.113.7", T0 + 20 + right.wait_s).ok
    with engine.connect() as conn:
        stored = conn.execute(select(schema.signin_attempts)).all()
    logged = caplog.text
    assert "guess-" not in logged and RIGHT not in logged and "guess-" not in repr(stored)
    assert logged.count("organiser sign-in failed from 203.0.113.7") == len(checked)


def test_guesses_spread_over_many_clients_slow_everyone_down(engine, password):
    for i in range(25):
        assert not auth.sign_in(engine, "wrong", f"198.51.100.{i}", T0 + i).ok
    late = auth.sign_in(engine, RIGHT, "192.0.2.1", T0 + 25)
    assert not late.ok and 0 < late.wait_s <= 60


def test_signing_in_clears_a_clients_wrong_tries_and_the_health_page_counts_them(engine, password):
    for i in range(3):
        auth.sign_in(engine, "typo", "192.0.2.9", T0 + i)
    assert auth.sign_in(engine, RIGHT, "192.0.2.9", T0 + 3).ok
    assert auth.sign_in(engine, "typo", "192.0.2.9", T0 + 4).wait_s == 0
    auth.sign_in(engine, "x", "203.0.113.7", T0 + 5)
    with engine.connect() as conn:
        frame = signin_attempts(conn, T0 + 6).set_index("client")
    assert frame.loc["192.0.2.9", ["failed", "ok"]].tolist() == [4, 1]
    assert frame.loc["203.0.113.7", "failed"] == 1 and frame.loc["203.0.113.7", "wait_s"] == 0


def test_a_token_expires_and_a_tampered_or_foreign_one_is_refused(password, monkeypatch):
    token = tokens.issue(T0)
    assert tokens.valid(token, T0 + tokens.TTL_S - 1) and not tokens.valid(token, T0 + tokens.TTL_S)
    expires, _, signature = token.partition(".")
    assert not tokens.valid(f"{int(expires) + 86400}.{signature}", T0)  # a later expiry, same signature
    assert not tokens.valid(f"{expires}.{signature[:-1]}0", T0)
    for junk in (None, "", ".", "abc.def", "9" * 40 + "." + signature):
        assert not tokens.valid(junk, T0)
    assert RIGHT not in token
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "a new password")
    assert not tokens.valid(token, T0), "changing the password ends every token"
    monkeypatch.setenv("SUMMITPULSE_SESSION_SECRET", "a server secret of its own")
    assert tokens.valid(tokens.issue(T0), T0) and not tokens.valid(token, T0)


@pytest.fixture
def app(monkeypatch, demo_copy_url, password):
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_copy_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    now = [T0]
    monkeypatch.setattr(controls, "clock", lambda: now[0])
    return now


def _visit(page: str) -> AppTest:
    at = dashboard_app()
    at.switch_page(f"pages/{page}.py")
    return at.run()


def _kept_token(at: AppTest) -> str:
    """The token the page's script hands the browser to keep as a cookie."""
    scripts = [e.proto.body for e in at.get("html") if controls.TOKEN_COOKIE in e.proto.body]
    assert len(scripts) == 1 and "SameSite=Strict" in scripts[0]
    return scripts[0].split(f"{controls.TOKEN_COOKIE}=", 1)[1].split(";", 1)[0]


def test_the_sign_in_survives_a_reload_until_the_token_expires(app, monkeypatch):
    at = _visit("health")
    at.text_input[0].input(RIGHT)
    at.button[0].click().run()
    assert not at.exception and "Collector health" in [t.value for t in at.title]
    token = _kept_token(at)
    assert RIGHT not in token
    monkeypatch.setattr(controls, "browser_token", lambda: token)  # the cookie the browser sends with a reload
    reloaded = _visit("health")
    assert "Collector health" in [t.value for t in reloaded.title] and not reloaded.text_input
    app[0] = tokens.expiry(token)
    assert "Organisers only" in [t.value for t in _visit("health").title]
    monkeypatch.setattr(controls, "browser_token", lambda: token[:-1] + ("0" if token[-1] != "0" else "1"))
    app[0] = T0
    assert "Organisers only" in [t.value for t in _visit("health").title]


def test_the_form_says_how_long_to_wait(app):
    at, said = _visit("signin"), []
    for i in range(5):  # three free tries, then a second's wait: the fourth, half a second later, is told to wait
        at.text_input[0].input(f"guess {i}")
        at.button[0].click().run()
        said.append([e.value for e in at.error])
        app[0] += 0.5
    assert not any("try again in" in e for e in said[2]) and any("try again in" in e for e in said[3]), said


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def _menu(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def test_signing_out_ends_the_session_and_the_browser_forgets_its_token(app, monkeypatch):
    token = tokens.issue(T0)
    monkeypatch.setattr(controls, "browser_token", lambda: token)  # signed in by the cookie the page's load sent
    at = _visit("health")
    assert "Collector health" in _titles(at) and "Moderation" in _menu(at)
    at.button(key="sp_signout").click().run()
    assert not at.exception and "Organisers only" in _titles(at) and "Moderation" not in _menu(at)
    [forget] = [e.proto.body for e in at.get("html") if controls.TOKEN_COOKIE in e.proto.body]
    assert f"{controls.TOKEN_COOKIE}=;" in forget and "Max-Age=0" in forget and token not in forget
    assert not [b for b in at.button if b.key == "sp_signout"]
    at.run()  # the session still holds the cookie it was opened with: it stays signed out
    assert "Organisers only" in _titles(at) and not at.get("html")
    at.text_input[0].input(RIGHT)
    at.button[0].click().run()
    assert "Collector health" in _titles(at) and _kept_token(at), "signing in again works, and keeps a new token"
