"""Contributors: rankings by posts, engagement, potential reach, mentions and influence."""

import streamlit as st

from summitpulse.analysis import contributors
from summitpulse.analysis.stakeholders import GROUP_NAMES
from summitpulse.settings.social import shown
from summitpulse.ui import controls, data
from summitpulse.ui.palette import LABELS, NETWORK_NAMES

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Top contributors")
chosen = controls.selection()
now = data.clock()
filters = chosen.at(now)
by = (
    st.segmented_control("Rank by", ["posts", "engagement", "reach", "mentions", "influence"], default="posts")
    or "posts"
)
left, right = st.columns(2)
labels = left.multiselect("Participation", list(LABELS), format_func=LABELS.get, key="c_labels")
groups = right.multiselect("Stakeholder group", list(GROUP_NAMES), format_func=GROUP_NAMES.get, key="c_groups")
if (ranked := data.ranking(filters, by, 10_000, data.aside_deadline())) is None:
    controls.when_ready(lambda: data.ranking(filters, by, 10_000) is not None, "Ranking every contributor…")
    st.stop()
if labels or groups:  # everyone's label and group read only when asked for
    ranked = contributors.narrow(ranked, data.people(), data.stakeholder_groups(), tuple(labels), tuple(groups))
table = ranked.head(50)
if table.empty:
    st.info("Nobody has posted in this window yet.")
    st.stop()
compared = chosen.window_s is not None  # the whole event has no previous window to compare with
st.caption(
    "Reach is *potential* impressions (posts × followers, summed): an upper bound, not people who saw a post. "
    "Influence is PageRank on who replies to, mentions, reposts and quotes whom. "
    + (
        "'Change': places climbed (▲) or fallen (▼) since the previous window of the same length."
        if compared
        else "Pick a time window in the sidebar to see who climbed since the window before."
    )
)
NUMBER = st.column_config.NumberColumn
st.dataframe(
    table.assign(
        network=table.network.map(NETWORK_NAMES),
        handle=[shown(n, h) for n, h in zip(table.network, table.handle)],
        change=table.change.map(contributors.change_words) if compared else "",
    ),
    hide_index=True,
    width="stretch",
    column_order=[
        "rank",
        *(["change"] if compared else []),
        "name",
        "handle",
        "network",
        "posts",
        "originals",
        "reposts",
        "engagement",
        "followers",
        "potential_impressions",
        "mentions",
        "influence",
    ],
    column_config={
        "rank": NUMBER("Rank"),
        "change": st.column_config.TextColumn(
            "Change", help="Places climbed (▲) or fallen (▼) since the previous window"
        ),
        "name": "Name",
        "handle": "Handle",
        "network": "Network",
        "posts": NUMBER("Posts"),
        "originals": NUMBER("Originals"),
        "reposts": NUMBER("Reposts"),
        "engagement": NUMBER("Engagement", help="Likes, reposts, replies and quotes received"),
        "followers": NUMBER("Followers"),
        "potential_impressions": NUMBER("Potential reach", help="Posts × followers"),
        "mentions": NUMBER("Mentions received"),
        "influence": NUMBER("Influence", format="%.2f", help="PageRank, × 100"),
    },
)
