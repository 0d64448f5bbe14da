"""The global filters (time window, networks, themes), the page mode and the organiser gate."""

from __future__ import annotations

import math
import runpy
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ..analysis.filters import Filters
from ..normalise.models import NETWORKS
from ..settings import tokens
from . import data
from .auth import password_configured, sign_in
from .palette import NETWORK_NAMES

# (file and address, title, Material icon) of each organiser page under pages/
ORGANISER_PAGES = [
    ("participants", "Participants", "groups"),
    ("contributors", "Contributors", "leaderboard"),
    ("programme", "Programme", "calendar_month"),
    ("network", "Conversation network", "hub"),
    ("health", "Collector health", "monitor_heart"),
    ("moderation", "Moderation", "shield"),
    ("report", "Report", "description"),
    ("export", "Export", "download"),
]
TOKEN_COOKIE = "summitpulse_organiser"
clock = time.time  # the sign-in's clock (tests set another)
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
_app = threading.local()  # how deep this thread is in dashboard.py's runs of a page
WINDOWS = {"Whole event": None, "Last 15 minutes": 900, "Last hour": 3600, "Last 3 hours": 3 * 3600}


def mode() -> str:
    return "dark" if st.query_params.get("theme") == "dark" else "light"


def kiosk() -> bool:
    return st.query_params.get("kiosk") in ("1", "true", "yes")


def rotation() -> int:
    """Seconds per panel when ``?rotate=N`` asks the live screen to show one panel at a time (5–600), else 0."""
    value = st.query_params.get("rotate", "")
    return int(value) if value.isdigit() and 5 <= int(value) <= 600 else 0


@dataclass(frozen=True)
class Selection:
    """What the sidebar asks for; ``at(now)`` turns it into Filters for the moment of a refresh."""

    window_s: int | None = None
    networks: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    def at(self, now: int) -> Filters:
        if self.window_s is None:
            return Filters(None, None, self.networks, self.themes)
        return Filters(now - self.window_s, now + 1, self.networks, self.themes)


def selection() -> Selection:
    """The sidebar's global filters, honoured by every chart of the page."""
    config = data.config()
    with st.sidebar:
        st.subheader("Filters")
        window = st.selectbox("Time window", list(WINDOWS), key="f_window")
        networks = st.multiselect("Networks", NETWORKS, format_func=NETWORK_NAMES.get, key="f_networks")
        themes = st.multiselect("Themes", [t.name for t in config.themes], key="f_themes")
    return Selection(WINDOWS.get(window), tuple(networks), tuple(themes))


def _identity_provider() -> bool:
    """True when Streamlit's [auth] secrets configure an identity provider for ``st.login``."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def signed_in() -> bool:
    """True when an organiser has signed in, with the password (this session, or a token the browser kept from an
    earlier one) or through the identity provider."""
    if st.session_state.get("organiser") and st.session_state.get("organiser_until", math.inf) > clock():
        return True
    token = browser_token()
    if token != st.session_state.get("token_signed_out") and tokens.valid(token, clock()):
        st.session_state["organiser"], st.session_state["organiser_until"] = True, tokens.expiry(token)
        return True
    return _identity_provider() and st.user.is_logged_in


def client_address() -> str:
    """Who is signing in, for the throttle: the connection's address (behind a proxy, the proxy's: the overall
    limit still holds)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "unknown"


def browser_token() -> str | None:
    """The sign-in token the browser kept, sent with the page's load."""
    return st.context.cookies.get(TOKEN_COOKIE)


def _keep_token() -> None:
    """Once after a sign-in, have the browser keep the signed token (a first-party cookie, sent to the server with
    the next page load: ``st.context.cookies``); Streamlit has no API that sets a cookie, so a two-line script
    does, in the page itself (``st.html``)."""
    token = st.session_state.pop("organiser_token", None)
    if token:
        st.html(
            f"<script>document.cookie = '{TOKEN_COOKIE}={token}; Max-Age={max(0, tokens.expiry(token) - int(clock()))}; Path=/; "
            "SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True,
        )


def organiser_gate() -> bool:
    """True when an organiser is signed in; otherwise show the sign-in form and return False."""
    if signed_in():
        _keep_token()
        return True
    st.title("Organisers only")
    if _identity_provider():
        st.button("Sign in", on_click=st.login)
        return False
    if not password_configured():
        st.error(
            "No organiser password is set. Set SUMMITPULSE_ORGANISER_PASSWORD in the environment "
            "or in .streamlit/secrets.toml, then reload."
        )
        return False
    with st.form("signin"):
        attempt = st.text_input("Organiser password", type="password")
        if st.form_submit_button("Sign in"):
            outcome = sign_in(data.engine(), attempt, client_address(), clock())
            if outcome.ok:
                token = tokens.issue(clock())
                st.session_state["organiser"], st.session_state["organiser_until"] = True, tokens.expiry(token)
                st.session_state["organiser_token"] = token
                st.rerun()
            elif outcome.wait_s:
                st.error(f"Too many wrong passwords: try again in {math.ceil(outcome.wait_s)} seconds.")
            else:
                st.error("That password is not right.")
    return False


def sign_out_control(signed_in_now: bool) -> None:
    """The organiser's "Sign out" under the menu while signed in; after it, the browser forgets its token."""
    if st.session_state.pop("forget_token", False):
        st.html(
            f"<script>document.cookie = '{TOKEN_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict';</script>",
            unsafe_allow_javascript=True,
        )
    if signed_in_now:
        st.sidebar.button("Sign out", icon=":material/logout:", key="sp_signout", on_click=_sign_out)


def _sign_out() -> None:
    """End this session's sign-in; the token the browser sent with this page's load no longer counts in it (the
    page's script has the browser delete it: ``sign_out_control``)."""
    for key in ("organiser", "organiser_until", "organiser_token"):
        st.session_state.pop(key, None)
    st.session_state["token_signed_out"], st.session_state["forget_token"] = browser_token(), True
    if _identity_provider() and st.user.is_logged_in:
        st.logout()


def rebuild_notice() -> None:
    """Tell organisers, plainly, when the store's figures were computed under other settings than this config's."""
    status = data.figures_status()
    if status.due:
        st.warning(
            f"The figures in the store were computed under other settings than this config's "
            f"({', '.join(status.changed)} changed): they follow the earlier settings until someone runs "
            "`summitpulse rebuild`, which recomputes them from the posts."
        )


def when_ready(ready, note: str) -> None:
    """``note`` while a figure is gathered in the background; the page drawn again once ``ready()``."""

    @st.fragment(run_every=2)
    def waiting() -> None:
        if ready():
            st.rerun()
        st.caption(note)

    waiting()


def change_identity(action, *accounts: str) -> None:
    """An organiser's link, rejection or unlink (``actions.link`` etc.), its effect shown at once."""
    action(*accounts)
    st.rerun()


@contextmanager
def inside_app():
    """dashboard.py runs the chosen page inside this, so the page knows it shows through the app."""
    _app.depth = getattr(_app, "depth", 0) + 1
    try:
        yield
    finally:
        _app.depth -= 1


def through_app() -> None:
    """Every page shows through dashboard.py: its styles, menu and organiser gate. Until some run of a fresh server
    has called ``st.navigation``, Streamlit runs visits in its pages-directory mode, where a link to a page
    (``/theme?...``) runs the page file on its own: run the app's entry point instead, which shows this page
    through its navigation, and stop the lone run."""
    if not getattr(_app, "depth", 0):
        runpy.run_path(str(DASHBOARD), run_name="__main__")
        st.stop()


def menu(sections: dict[str, list]) -> None:
    """The app's menu in the sidebar, one link per page shown. Streamlit's own menu is off
    (``client.showSidebarNavigation``): on a fresh server it would first list every file under pages/."""
    with st.sidebar.container(key="sp_menu"):
        for header, pages in sections.items():
            st.caption(header)
            for page in pages:
                st.page_link(page)
