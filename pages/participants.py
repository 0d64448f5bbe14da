"""Participants: the in-room/remote split, each person's evidence, and an override that wins."""
import streamlit as st

from summitpulse.analysis import participation, stakeholders
from summitpulse import charts
from summitpulse.ui import controls, data

if not controls.organiser_gate():
    st.stop()
st.title("Participants")
people = data.people()
if people.empty:
    st.info("No participants yet: they appear once posts are collected.")
    st.stop()
split = participation.split(people)
cols = st.columns(3)
for col, label, title in zip(cols, ("in_room", "remote", "unknown"), ("In the room", "Remote", "Not known")):
    col.metric(title, f"{split['participants'][label]:,} people", f"{split['posts'][label]:,} posts", delta_color="off")
st.caption("Labels come from weighted evidence (rosters, venue geotags, check-in and livestream phrases, profile "
           "location, night-time posting, session photos, repost-only activity). Below the threshold a person "
           "stays 'not known': we do not guess. Confidence grows with the weight of the evidence.")
mode = controls.mode()
st.plotly_chart(charts.participation_area(data.participation_over_time(900), mode), width="stretch", theme=None)
st.subheader("Who is talking")
groups = data.stakeholder_groups()
by_group = stakeholders.split(groups, people).assign(group=lambda f: f.group.map(stakeholders.GROUP_NAMES))
st.caption("Stakeholder groups come from profile descriptions and names (keyword rules in config, several "
           "languages); 'Other' means the profile said too little.")
st.plotly_chart(charts.split_bars(by_group, mode, "group", 340, x="participants"),
                width="stretch", theme=None)
people = people.merge(groups, on="person", how="left")
label = st.segmented_control("Show", ["all", "in_room", "remote", "unknown"], default="all")
query = st.text_input("Find a handle or name")
view = people if label in (None, "all") else people[people.label == label]
if query:
    view = view[view.handle.str.contains(query, case=False, regex=False) | view.name.str.contains(query, case=False, regex=False)]
view = view.assign(evidence=view.reasons.map(" · ".join)).sort_values("posts", ascending=False)
st.dataframe(view[["handle", "name", "network", "posts", "label", "confidence", "score", "group", "evidence"]],
             hide_index=True, width="stretch",
             column_config={"confidence": st.column_config.ProgressColumn(min_value=0, max_value=1, format="%.2f")})
with st.form("override"):
    st.subheader("Override a label")
    person = st.selectbox("Participant", view.person.tolist(), format_func=dict(zip(people.person, people.handle)).get)
    new = st.radio("Label", ["in_room", "remote", "unknown"], horizontal=True)
    reason = st.text_input("Reason (recorded)")
    if st.form_submit_button("Save override") and person:
        with data.engine().begin() as conn:
            participation.set_override(conn, person, new, reason)
        data.people.clear()
        st.success("Saved: the override wins over every other piece of evidence.")
