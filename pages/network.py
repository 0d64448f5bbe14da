"""Conversation network: who talks to whom (replies, mentions, reposts, quotes)."""

import streamlit as st

from summitpulse.ui import charts, controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Conversation network")
size = st.slider("People shown", 10, 150, 60, step=10)
filters = controls.selection().at(data.clock())
if (drawn := data.conversation(filters, size, data.aside_deadline())) is None:
    controls.when_ready(lambda: data.conversation(filters, size) is not None, "Reading every conversation…")
    st.stop()
nodes, lines = drawn
if nodes.empty:
    st.info("No conversation yet: replies, mentions, reposts and quotes draw this network.")
    st.stop()
st.caption("The most connected people; a line is at least one reply, mention, repost or quote.")
st.plotly_chart(charts.network_graph(nodes, lines, controls.mode()), width="stretch", theme=None)
