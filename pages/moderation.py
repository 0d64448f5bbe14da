"""Moderation: the approval queue, hide/unhide/spam, blocked accounts and terms, and the action log."""

import pandas as pd
import streamlit as st

from summitpulse.analysis.filters import Filters
from summitpulse.ui import actions, cards, controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
config = data.config()
st.title("Moderation")
st.caption(
    f"Mode: **{config.moderation.mode}-moderation** — "
    + (
        "posts appear once approved."
        if config.moderation.mode == "pre"
        else "posts appear unless hidden. Profanity, blocked terms and blocked accounts are hidden automatically."
    )
    + " Hidden posts stay in the store and are counted; spam is left out of every figure."
)
actor = "organiser"
show = st.segmented_control("Show", ["needs a look", "all recent"], default="needs a look")
rows = data.moderation_queue(Filters(None, data.clock() + 1), 120)
if show != "all recent":
    rows = [r for r in rows if r["status"] != "approved" or r["opted_out"]]
if not rows:
    st.success("Nothing waiting.")
for r in rows[:40]:
    left, right = st.columns([4, 1])
    with left:
        st.markdown(cards.post_card(r), unsafe_allow_html=True)
        st.caption(f"{r['status']} — {r['reason']}" + (" · opted out: never on the wall" if r["opted_out"] else ""))
    with right:
        key = f"{r['network']}:{r['native_id']}"
        for label, status in (("Approve", "approved"), ("Hide", "hidden"), ("Spam", "spam")):
            if st.button(label, key=f"{status}-{key}", disabled=r["status"] == status):
                actions.set_status(r["network"], r["native_id"], status, f"{label.lower()}d by hand", actor)
                st.rerun()
st.subheader("Block an account or a term")
with st.form("block"):
    kind = st.radio("What", ["account", "term"], horizontal=True)
    value = st.text_input("Account as network:handle (e.g. x:spammer), or a term")
    reason = st.text_input("Reason (recorded)")
    if st.form_submit_button("Block") and value.strip():
        actions.block(kind, value, reason, actor)
        st.success(f"Blocked {kind} {value!r}.")
st.subheader("Action log")
log = data.moderation_log()
if log:
    frame = pd.DataFrame(log)
    st.dataframe(
        frame.assign(time=data.in_event_zone(frame.ts)),
        hide_index=True,
        width="stretch",
        column_order=["time", "action", "target", "reason", "actor"],
        column_config={
            "time": st.column_config.DatetimeColumn("Time", format="D MMM HH:mm:ss"),
            "action": "Action",
            "target": "Post or account",
            "reason": "Reason",
            "actor": "By",
        },
    )
else:
    st.write("No moderation action yet: every hide, approval and block will be listed here with its time and reason.")
