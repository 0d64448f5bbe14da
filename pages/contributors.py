"""Contributors: rankings by posts, engagement, potential reach, mentions and influence."""
import streamlit as st

from summitpulse.ui import controls, data

if not controls.organiser_gate():
    st.stop()
st.title("Top contributors")
chosen = controls.selection()
now = data.clock()
filters = chosen.at(now)
by = st.segmented_control("Rank by", ["posts", "engagement", "reach", "mentions", "influence"], default="posts") or "posts"
table = data.ranking(filters, by, 50)
if table.empty:
    st.info("Nobody has posted in this window yet.")
    st.stop()
st.caption("Reach is *potential* impressions (posts × followers, summed): an upper bound, not people who saw a post. "
           "Influence is PageRank on who replies to, mentions, reposts and quotes whom. "
           "'Change' compares with the previous window of the same length (positive: climbed).")
st.dataframe(table[["rank", "change", "handle", "name", "network", "posts", "originals", "reposts", "engagement",
                    "followers", "potential_impressions", "mentions", "influence"]],
             hide_index=True, width="stretch")
