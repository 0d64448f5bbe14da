"""Programme: each session's share of the conversation, its hashtag and its speakers' mentions."""
import streamlit as st

from summitpulse.ui import controls, data

controls.through_navigation()

if not controls.organiser_gate():
    st.stop()
st.title("Programme and sessions")
sessions = data.sessions(controls.selection().at(data.clock()))
if sessions.empty:
    st.info("No programme yet: add sessions under `programme:` in config.yaml (or an .ics / Sessionize file).")
    st.stop()
st.dataframe(sessions.assign(start=sessions.start.dt.strftime("%H:%M"), end=sessions.end.dt.strftime("%H:%M")),
             hide_index=True, width="stretch")
st.bar_chart(sessions.set_index("title").posts)
