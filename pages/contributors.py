"""Contributors: rankings by posts, engagement, potential reach, mentions and influence."""
import streamlit as st

from summitpulse.analysis import contributors
from summitpulse.analysis.stakeholders import GROUP_NAMES
from summitpulse.palette import LABELS
from summitpulse.ui import controls, data

controls.through_navigation()

if not controls.organiser_gate():
    st.stop()
st.title("Top contributors")
chosen = controls.selection()
now = data.clock()
filters = chosen.at(now)
by = st.segmented_control("Rank by", ["posts", "engagement", "reach", "mentions", "influence"], default="posts") or "posts"
left, right = st.columns(2)
labels = left.multiselect("Participation", list(LABELS), format_func=LABELS.get, key="c_labels")
groups = right.multiselect("Stakeholder group", list(GROUP_NAMES), format_func=GROUP_NAMES.get, key="c_groups")
table = contributors.narrow(data.ranking(filters, by, 10_000), data.people(), data.stakeholder_groups(),
                            tuple(labels), tuple(groups)).head(50)
if table.empty:
    st.info("Nobody has posted in this window yet.")
    st.stop()
st.caption("Reach is *potential* impressions (posts × followers, summed): an upper bound, not people who saw a post. "
           "Influence is PageRank on who replies to, mentions, reposts and quotes whom. "
           "'Change' compares with the previous window of the same length (positive: climbed).")
st.dataframe(table[["rank", "change", "handle", "name", "network", "posts", "originals", "reposts", "engagement",
                    "followers", "potential_impressions", "mentions", "influence"]],
             hide_index=True, width="stretch")
