"""Programme: each session's share of the conversation, its hashtag and its speakers' mentions."""

import streamlit as st

from summitpulse.analysis.recaps import ended
from summitpulse.ui import charts, controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Programme and sessions")
until = data.aside_deadline()  # the figures gathered aside, waited for this long at most
filters = controls.selection().at(data.clock())
if (sessions := data.sessions(filters, until)) is None:
    controls.when_ready(lambda: data.sessions(filters) is not None, "Counting each session's posts…")
elif sessions.empty:
    st.info(
        "No programme yet: add sessions under `programme:` in config.yaml, or name an iCalendar file, a Sessionize "
        "All export or a pretalx schedule.json there (`ics:`, `sessionize:`, `pretalx:`)."
    )
    st.stop()
else:
    st.caption(
        "Times are the venue's. Posts in a session's slot count whatever they say; its tag's posts count whenever "
        "they were written; themes are those its slot's posts carried."
    )
    st.dataframe(
        sessions.assign(start=sessions.start.dt.strftime("%H:%M"), end=sessions.end.dt.strftime("%H:%M")),
        hide_index=True,
        width="stretch",
        column_order=[
            "title",
            "start",
            "end",
            "room",
            "posts",
            "per_minute",
            "themes_raised",
            "theme",
            "hashtag",
            "hashtag_posts",
            "speaker_mentions",
            "kind",
        ],
        column_config={
            "title": "Session",
            "start": "Start",
            "end": "End",
            "room": "Room",
            "theme": "Theme",
            "kind": "Kind",
            "posts": "Posts in its slot",
            "per_minute": "Per minute",
            "hashtag": "Session tag",
            "hashtag_posts": "Tag posts",
            "speaker_mentions": "Speaker mentions",
            "themes_raised": st.column_config.TextColumn("Themes raised", width="large"),
        },
    )
    st.plotly_chart(charts.session_bars(sessions, controls.mode()), width="stretch", theme=None)

st.subheader("Session recaps")
over = ended(data.config(), data.clock())
if not over:
    st.info("A recap appears here when a session ends: its most engaging posts, questions, links and words.")
else:
    tz = data.config().event.tz
    chosen = st.selectbox(
        "Session", over, format_func=lambda s: f"{s.start.astimezone(tz):%H:%M} {s.title}", key="recap_session"
    )
    end_ts = int(chosen.end.timestamp())
    if (recap := data.recap_soon(chosen.title, end_ts, until)) is None:
        controls.when_ready(lambda: data.recap_soon(chosen.title, end_ts) is not None, "Gathering the recap…")
    else:
        st.markdown(recap, unsafe_allow_html=True)
