"""Participants: the in-room/remote split, each person's evidence, and an override that wins."""

import streamlit as st

from summitpulse.analysis import participation, stakeholders
from summitpulse.analysis.stakeholders import GROUP_NAMES
from summitpulse.analysis.visibility import ANONYMOUS
from summitpulse.ui import actions, charts, controls, data
from summitpulse.ui.palette import LABELS, NETWORK_NAMES

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Participants")
people = data.people()
if people.empty:
    st.info("No participants yet: they appear once posts are collected.")
    st.stop()
split = participation.split(people)
cols = st.columns(3)
for col, (label, title) in zip(cols, LABELS.items()):
    col.metric(
        title,
        f"{split['participants'][label]:,} people",
        f"{split['posts'][label]:,} posts",
        delta_color="off",
        delta_arrow="off",
    )
st.caption(
    "Labels come from weighted evidence (rosters, venue geotags, check-in and livestream phrases, greetings "
    "for another time of day, night-time posting, session photos, repost-only activity, and the profile "
    "location when the posts say nothing). Below the threshold a person stays 'not known': we do not guess. "
    "Confidence grows with the weight of the evidence."
)
mode = controls.mode()
st.plotly_chart(charts.participation_area(data.participation_over_time(900), mode), width="stretch", theme=None)
st.subheader("Who is talking")
groups = data.stakeholder_groups()
by_group = stakeholders.split(groups, people).assign(group=lambda f: f.group.map(GROUP_NAMES))
st.caption(
    "Stakeholder groups come from profile descriptions and names (keyword rules in config, several "
    "languages); 'Other' means the profile said too little."
)
st.plotly_chart(charts.split_bars(by_group, mode, "group", 340, x="participants"), width="stretch", theme=None)
people = people.merge(groups, on="person", how="left")
label = st.segmented_control("Show", ["all", *LABELS], default="all", format_func=lambda k: LABELS.get(k, "All"))
query = st.text_input("Find a handle or name")
view = people if label in (None, "all") else people[people.label == label]
if query:
    view = view[
        view.handle.str.contains(query, case=False, regex=False)
        | view.name.str.contains(query, case=False, regex=False)
    ]
view = view.assign(evidence=view.reasons.map(" · ".join), accounts=view.accounts.map(" · ".join))
view = view.sort_values("posts", ascending=False)
st.dataframe(
    view.assign(
        label=view.label.map(LABELS),
        network=view.network.map(NETWORK_NAMES),
        group=view.group.map(GROUP_NAMES).fillna(view.group),
    ),
    hide_index=True,
    width="stretch",
    column_order=[
        "handle",
        "name",
        "network",
        "posts",
        "label",
        "confidence",
        "score",
        "group",
        "evidence",
        "accounts",
    ],
    column_config={
        "handle": "Handle",
        "name": "Name",
        "network": "Network",
        "posts": "Posts",
        "label": "Label",
        "score": st.column_config.NumberColumn(
            "Score", help="Evidence weights summed; beyond ± the threshold, a label"
        ),
        "confidence": st.column_config.ProgressColumn("Confidence", min_value=0, max_value=1, format="%.2f"),
        "group": "Stakeholder group",
        "evidence": "Evidence",
        "accounts": "Accounts",
    },
)
with st.form("override"):
    st.subheader("Override a label")
    person = st.selectbox(
        "Participant",
        view.person[view.person != ANONYMOUS].tolist(),
        format_func=dict(zip(people.person, people.handle)).get,
    )
    new = st.radio("Label", list(LABELS), format_func=LABELS.get, horizontal=True)
    reason = st.text_input("Reason (recorded)")
    if st.form_submit_button("Save override") and person:
        actions.override(person, new, reason)
        st.success("Saved: the override wins over every other piece of evidence.")

st.subheader("One person, several networks")
st.caption(
    "A person posting from several networks counts once: their evidence is weighed together and they rank "
    "once among contributors. Links come from the config (participants.identity_links) and from the "
    "suggestions below — same handle, same full name, or a profile naming the other account — once you "
    "confirm them. Nothing is linked until someone says so."
)
suggestions = data.identity_suggestions()
if suggestions.empty:
    st.info("No suggested links: no two accounts on different networks look alike.")
else:
    st.dataframe(
        suggestions.assign(reasons=suggestions.reasons.map(" · ".join))[
            ["a_handle", "a_name", "b_handle", "b_name", "score", "reasons"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "a_handle": "Account",
            "a_name": "Name",
            "b_handle": "Other account",
            "b_name": "Its name",
            "score": st.column_config.ProgressColumn("Likelihood", min_value=0, max_value=1, format="%.2f"),
            "reasons": "Why",
        },
    )
    with st.form("link"):
        pick = st.selectbox(
            "Suggestion",
            suggestions.index.tolist(),
            format_func=lambda i: (
                f"{suggestions.a_handle[i]} ({suggestions.a[i].split(':')[0]}) = "
                f"{suggestions.b_handle[i]} ({suggestions.b[i].split(':')[0]})"
            ),
        )
        same, different = st.columns(2)
        if same.form_submit_button("Same person", type="primary"):
            controls.change_identity(actions.link, suggestions.a[pick], suggestions.b[pick])
        if different.form_submit_button("Different people"):
            controls.change_identity(actions.reject, suggestions.a[pick], suggestions.b[pick])
bridged = data.identity_bridges()
if not bridged.empty:
    st.caption("Linked automatically: accounts Bridgy Fed runs to copy posts between the fediverse and Bluesky.")
    st.dataframe(
        bridged,
        hide_index=True,
        width="stretch",
        column_config={"account": "Bridge account", "other": "Account it copies", "why": "Why"},
    )
links = data.identity_links()
if not links.empty:
    with st.form("unlink"):
        account = st.selectbox(
            "Linked account",
            links.account.tolist(),
            format_func=dict(zip(links.account, links.handle.fillna(links.account))).get,
        )
        if st.form_submit_button("Unlink this account"):
            controls.change_identity(actions.unlink, account)
