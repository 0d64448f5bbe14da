"""Follow a theme (public, read-only): its live feed first, then what is on, volume, who drives it, related topics.

The chosen theme lives in the URL (``?theme_name=...``), so a link can be shared. On a phone the columns stack,
so the posts come first.
"""

from html import escape

import streamlit as st

from summitpulse.analysis.filters import Filters
from summitpulse.analysis.programme import now_on
from summitpulse.analysis.recaps import ended
from summitpulse.ui import cards, controls, data, screen_charts

controls.through_app()

config = data.config()
mode = controls.mode()
names = [t.name for t in config.themes]
if not names:
    st.info("This event has no themes configured yet: add them under `themes:` in config.yaml.")
    st.stop()
asked = st.query_params.get("theme_name")
choice = st.selectbox("Theme", names, index=names.index(asked) if asked in names else 0)
st.query_params["theme_name"] = choice
theme = next(t for t in config.themes if t.name == choice)
st.markdown(
    f'<div class="sp-header"><div><h1 class="sp-title">{escape(theme.name)}</h1>'
    f'<div class="sp-sub">{escape(theme.description)}</div></div></div>',
    unsafe_allow_html=True,
)
st.caption("Share this page: its address keeps the theme you chose. Each post's time opens it on its network.")


def _feed(everything: Filters, now: int) -> str:
    posts = data.wall(everything, now, 8, highlights=False)  # a feed: the latest, however old
    return cards.panel_title("Live feed") + (
        "".join(cards.post_card(c) for c in posts) or '<p class="sp-note">No approved posts yet.</p>'
    )


def _volume(everything: Filters, now: int) -> str:
    frame = screen_charts.complete_buckets(data.timeline(everything, 900), now, 900)
    body = (
        '<p class="sp-note">No posts on this theme yet.</p>'
        if frame.empty
        else data.figure("screen_charts.network_area", frame, 220, mode=mode)
    )
    return cards.panel_title("Posts per 15 minutes, by network") + body


def _drivers(everything: Filters, now: int) -> str:
    counts = data.split(everything, now)
    people = sum(counts.values())
    out = cards.panel_title("Who drives it: in the room or remote")
    if people:
        out += f'<p class="sp-note">The {people:,} people posting on this theme, by where they are:</p>'
        out += screen_charts.split_bar(counts, mode, "People posting on this theme, by where they are")
    return out


def _topics(now: int) -> str:
    topics = data.emerging(Filters(now - 3 * 3600, now + 1, (), (choice,)))
    lines = "".join(
        f'<li class="sp-note"><b>{escape(t["label"])}</b>'
        f"{' — ' + escape(', '.join(t['terms'][2:])) if t['terms'][2:] else ''} ({t['size']} posts)</li>"
        for t in topics
    )
    return cards.panel_title("Related topics, the last three hours") + (
        f'<ul class="sp-topics">{lines}</ul>' if lines else '<p class="sp-note">None yet.</p>'
    )


@st.fragment(run_every=config.dashboard.refresh_seconds)
def follow() -> None:
    now = data.clock()
    everything = Filters(None, now + 1, (), (choice,))
    feed, side = st.columns([3, 2], gap="large")
    with feed:
        st.markdown(_feed(everything, now), unsafe_allow_html=True)
    with side:
        current, upcoming = now_on(config, now)
        on_now = cards.panel_title("On now") + cards.now_box(current, upcoming, config.event.tz)
        st.markdown(
            on_now + _volume(everything, now) + _drivers(everything, now) + _topics(now), unsafe_allow_html=True
        )


@st.fragment(run_every=config.dashboard.refresh_seconds)
def missed() -> None:
    """The recap of this theme's latest session that is over (the earlier ones one at a time), gathered in the
    background: it shows at the refresh after it is ready."""
    over = [s for s in ended(config, data.clock()) if s.theme == choice]
    if not over:
        return
    st.markdown(cards.panel_title("What you missed"), unsafe_allow_html=True)
    session = over[0]
    if len(over) > 1:
        tz = config.event.tz
        session = st.selectbox(
            "Session", over, format_func=lambda s: f"{s.start.astimezone(tz):%H:%M} {s.title}", key="missed_session"
        )
    recap = data.recap_soon(session.title, int(session.end.timestamp()))
    st.markdown(recap or '<p class="sp-note">Gathering the recap of this session…</p>', unsafe_allow_html=True)


follow()
missed()
