"""Participants: the in-room/remote split, each person's evidence, and an override that wins."""

import pandas as pd
import streamlit as st

from summitpulse.analysis.stakeholders import GROUP_NAMES
from summitpulse.analysis.visibility import ANONYMOUS
from summitpulse.settings.social import shown
from summitpulse.ui import actions, charts, controls, data
from summitpulse.ui.palette import LABELS, NETWORK_NAMES

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Participants")
config = data.config()
if saved := st.session_state.pop("override_saved", None):
    st.success(saved)
until = data.aside_deadline()  # the figures gathered aside, waited for this long at most
data.who_is_talking(), data.identity_suggestions()  # asked for at once: gathered while the rest is drawn
totals = data.participant_totals()
if not sum(totals["participants"].values()):
    st.info("No participants yet: they appear once posts are collected.")
    st.stop()
cols = st.columns(3)
for col, (label, title) in zip(cols, LABELS.items()):
    col.metric(
        title,
        f"{totals['participants'][label]:,} people",
        f"{totals['posts'][label]:,} posts",
        delta_color="off",
        delta_arrow="off",
    )
said = data.self_reports()
if config.participation.in_room_tag or config.participation.remote_tag:
    share = said["said"] / said["participants"] if said["participants"] else 0
    st.metric(
        "Said where they are themselves",
        f"{share:.0%} of participants",
        f"{said['said_in']:,} in the room · {said['said_remote']:,} remote (the event's tags; the live screen's QR code)",
        delta_color="off",
        delta_arrow="off",
    )
st.caption(
    "Labels come from weighted evidence (people saying so with the event's tags, rosters, venue geotags, check-in and livestream phrases, greetings "
    "for another time of day, night-time posting, session photos, repost-only activity, and the profile "
    "location when the posts say nothing). Below the threshold a person stays 'not known': we do not guess. "
    "Confidence grows with the weight of the evidence."
)
learnt = data.event_model()
if learnt and "note" in learnt:
    st.caption(f"The event's own model: {learnt['note']}.")
elif learnt:
    st.caption(
        f"The event's own model, learnt at {data.in_event_zone(pd.Series([learnt['at']])).iloc[0]:%H:%M} from "
        f"{learnt['seeds_in_room']:,} people placed in the room and {learnt['seeds_remote']:,} remote by strong "
        f"evidence, labels {learnt['labelled']:,} more; their evidence says what moved it most."
    )
mode = controls.mode()
st.plotly_chart(charts.participation_area(data.participation_over_time(900), mode), width="stretch", theme=None)
st.subheader("Who is talking")
st.caption(
    "Stakeholder groups come from profile descriptions and names (keyword rules in config, several "
    "languages); 'Other' means the profile said too little."
)
if (talking := data.who_is_talking(until)) is None:
    controls.when_ready(lambda: data.who_is_talking() is not None, "Sorting every profile into its group…")
else:
    by_group = talking.assign(group=talking.group.map(GROUP_NAMES))
    st.plotly_chart(charts.split_bars(by_group, mode, "group", 340, x="participants"), width="stretch", theme=None)
label = st.segmented_control("Show", ["all", *LABELS], default="all", format_func=lambda k: LABELS.get(k, "All"))
label = None if label in (None, "all") else label
query = st.text_input("Find a handle or name")
ROWS = 100  # a page of the table: the rest is read when asked for
count = data.participants_page(label, query, 0, 0)[1]
page = st.number_input("Page", 1, max(1, -(-count // ROWS)), 1) if count > ROWS else 1
view, _ = data.participants_page(label, query, (page - 1) * ROWS, ROWS)
st.caption(
    f"{count:,} participants, most posts first: {(page - 1) * ROWS + 1:,}–{(page - 1) * ROWS + len(view):,} shown."
)
view = view.merge(data.stakeholder_groups_of(tuple(view.person)), on="person", how="left")


def joined(value) -> str:
    """A list of reasons or accounts on one line (an anonymous person's is one word already)."""
    return " · ".join(value) if isinstance(value, list) else value


view = view.assign(evidence=view.reasons.map(joined), accounts=view.accounts.map(joined)).drop(columns="reasons")
st.dataframe(
    view.assign(
        handle=[shown(n, h) for n, h in zip(view.network, view.handle)],
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
        format_func=dict(zip(view.person, view.handle)).get,
    )
    new = st.radio("Label", list(LABELS), format_func=LABELS.get, horizontal=True)
    reason = st.text_input("Reason (recorded)")
    if st.form_submit_button("Save override") and person:
        actions.override(person, new, reason)
        who = dict(zip(view.person, view.handle)).get(person, person)
        st.session_state["override_saved"] = (
            f"Saved: {who} is now **{LABELS[new]}** — the override wins over every other piece of evidence."
        )
        st.rerun()  # the counters and the table above show the new label at once

st.subheader("One person, several networks")
st.caption(
    "A person posting from several networks counts once: their evidence is weighed together and they rank "
    "once among contributors. Links come from the config (participants.identity_links) and from the "
    "suggestions below — same handle, same full name, or a profile naming the other account — once you "
    "confirm them. Nothing is linked until someone says so."
)
suggestions = data.identity_suggestions(until)
if suggestions is None:
    controls.when_ready(lambda: data.identity_suggestions() is not None, "Comparing every account's profile…")
elif suggestions.empty:
    st.info("No suggested links: no two accounts on different networks look alike.")
else:
    st.dataframe(
        suggestions.assign(
            reasons=suggestions.reasons.map(" · ".join),
            a_handle=[shown(k.split(":", 1)[0], h) for k, h in zip(suggestions.a, suggestions.a_handle)],
            b_handle=[shown(k.split(":", 1)[0], h) for k, h in zip(suggestions.b, suggestions.b_handle)],
        )[["a_handle", "a_name", "b_handle", "b_name", "score", "reasons"]],
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
