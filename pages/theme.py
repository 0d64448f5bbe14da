"""Follow a theme (public, read-only): its live feed, volume, who drives it, related topics, what is on.

The chosen theme lives in the URL (``?theme_name=...``), so a link can be shared.
"""

from html import escape

import streamlit as st

from summitpulse.analysis.filters import Filters
from summitpulse.analysis.programme import now_on
from summitpulse.analysis.recaps import ended
from summitpulse.ui import cards, controls, data

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
    f'<div class="sp-header"><div><div class="sp-title">{escape(theme.name)}</div>'
    f'<div class="sp-sub">{escape(theme.description)}</div></div></div>',
    unsafe_allow_html=True,
)
st.caption("Share this page: its address keeps the theme you chose.")


@st.fragment(run_every=config.dashboard.refresh_seconds)
def follow() -> None:
    now = data.clock()
    everything = Filters(None, now + 1, (), (choice,))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(cards.panel_title("Volume over time"), unsafe_allow_html=True)
        frame = data.timeline(everything, 900)
        if frame.empty:
            st.info("No posts on this theme yet.")
        else:
            st.plotly_chart(
                data.figure("network_timeline", frame, mode),
                width="stretch",
                theme=None,
                key="vol",
                config={"displayModeBar": False},
            )
        st.markdown(cards.panel_title("Who drives it: in the room or remote"), unsafe_allow_html=True)
        split = data.theme_participation(everything)
        split = split[split.theme == choice]
        if not split.empty:
            st.plotly_chart(
                data.figure("split_bars", split, mode, "theme", 200),
                width="stretch",
                theme=None,
                key="who",
                config={"displayModeBar": False},
            )
        who = data.theme_stakeholders()
        who = who[who.theme == choice].head(4)
        if not who.empty:
            st.markdown(
                '<p class="sp-note">Who: '
                + " · ".join(f"{escape(r.group)} {r.participants:,}" for r in who.itertuples())
                + " participants</p>",
                unsafe_allow_html=True,
            )
        st.markdown(cards.panel_title("Related emerging topics"), unsafe_allow_html=True)
        topics = data.emerging(Filters(now - 3 * 3600, now + 1, (), (choice,)))
        st.markdown(
            "".join(
                f'<div class="sp-note"><b>{escape(t["label"])}</b> — {escape(", ".join(t["terms"]))} '
                f"({t['size']} posts)</div>"
                for t in topics
            )
            or '<p class="sp-note">None yet.</p>',
            unsafe_allow_html=True,
        )
    with right:
        current, upcoming = now_on(config, now)
        st.markdown(cards.panel_title("On now"), unsafe_allow_html=True)
        st.markdown(cards.now_box(current, upcoming, config.event.tz), unsafe_allow_html=True)
        st.markdown(cards.panel_title("Live feed"), unsafe_allow_html=True)
        posts = data.wall(everything, now, 8)
        st.markdown(
            "".join(cards.post_card(c) for c in posts) or '<p class="sp-note">No approved posts yet.</p>',
            unsafe_allow_html=True,
        )


def missed() -> None:
    """The recap of this theme's latest session that is over; the earlier ones one at a time."""
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
    st.markdown(data.recap_html(session.title, int(session.end.timestamp())), unsafe_allow_html=True)


follow()
missed()
