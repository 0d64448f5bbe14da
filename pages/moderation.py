"""Moderation: the approval queue, hide/unhide/spam, blocked accounts and terms, and the action log."""

import pandas as pd
import streamlit as st

from summitpulse.analysis.filters import Filters
from summitpulse.ui import actions, cards, controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
config = data.config()
ACTOR = "organiser"
LOOK_BACK = 3000  # posts searched for one that needs a look
BUTTONS = (("Approve", "approved"), ("Hide", "hidden"), ("Spam", "spam"))
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
show = st.segmented_control("Show", ["needs a look", "all recent"], default="needs a look")


@st.fragment(run_every=config.dashboard.refresh_seconds)
def queue() -> None:
    """The latest posts and their decisions, refreshed as posts arrive."""
    # what needs a look may be hours old: it is looked for among far more posts than the latest shown
    rows = data.moderation_queue(Filters(None, data.clock() + 1), 120 if show == "all recent" else LOOK_BACK)
    if show != "all recent":
        # an impossible date is a look until an organiser decides on the post
        rows = [r for r in rows if r["status"] != "approved" or r["opted_out"] or (r["claimed_at"] and not r["stored"])]
    if not rows:
        st.success("Nothing waiting.")
    for r in rows[:40]:
        left, right = st.columns([4, 1])
        with left:
            st.markdown(cards.post_card(r), unsafe_allow_html=True)
            st.caption(
                (
                    "opted out: never on the wall, counted in the totals"
                    if r["opted_out"] and r["status"] == "approved"
                    else f"{r['status']} — {r['reason']}"
                    + (" · opted out: never on the wall" if r["opted_out"] else "")
                )
                + (
                    f" · dated {r['claimed_at']} by its sender: shown at the time it was collected"
                    if r["claimed_at"]
                    else ""
                )
            )
        with right:
            key = f"{r['network']}:{r['native_id']}"
            for label, status in BUTTONS:
                if st.button(label, key=f"{status}-{key}", disabled=r["status"] == status):
                    actions.set_status(r["network"], r["native_id"], status, ACTOR)
                    st.rerun()


def block_form() -> None:
    with st.form("block", clear_on_submit=True):
        kind = st.radio("What", ["account", "term"], horizontal=True)
        value = st.text_input(
            "Account or term",
            placeholder="x:spammer · @name@instance · name.bsky.social · a profile's address · or a term",
        )
        reason = st.text_input("Reason (recorded)")
        if not (st.form_submit_button("Block") and value.strip()):
            return
    try:
        blocked, hid = actions.block(kind, value, reason, ACTOR)
    except ValueError as exc:
        st.error(str(exc))
        return
    st.success(
        f"Blocked {kind} {blocked}: "
        + (f"{hid:,} post{'s' if hid != 1 else ''} taken off the wall." if hid else "no post so far.")
        + " Posts that arrive later stay off it too."
    )


def blocked_list() -> None:
    st.subheader("Blocked accounts and terms")
    rows = data.blocklist()
    for row in rows:
        left, right = st.columns([4, 1])
        left.markdown(f"**{row['kind']}** `{row['value']}`")
        if right.button("Unblock", key=f"unblock-{row['kind']}-{row['value']}"):
            actions.unblock(row["kind"], row["value"], ACTOR)
            st.rerun()
    fixed = [*config.moderation.blocked_accounts, *config.moderation.blocked_terms]
    if fixed:
        st.caption("Blocked in config.yaml (change them there): " + ", ".join(f"`{v}`" for v in fixed))
    elif not rows:
        st.write("Nothing blocked.")


queue()
st.subheader("Block an account or a term")
block_form()
blocked_list()
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
