"""Collector health: last run, fetched, errors, rate limits, cursor lag, how far back each reached."""
import streamlit as st

from summitpulse.ui import controls, data

controls.through_navigation()

if not controls.organiser_gate():
    st.stop()
st.title("Collector health")
frame = data.collector_health()
if frame.empty:
    st.info("No collector has run yet. Start them with `python -m summitpulse collect` (or `up --live`).")
    st.stop()
bad = frame[frame.state.isin(["stalled", "failing", "never ran"])]
if not bad.empty:
    st.error("Needs attention: " + ", ".join(f"{c} ({s})" for c, s in zip(bad.collector, bad.state)))
else:
    st.success("All collectors are running.")
st.dataframe(frame, hide_index=True, width="stretch")
st.subheader("Completeness (estimate)")
for network, est in data.completeness(wait=30).items():
    if est["coverage"]:
        st.write(f"**{network}**: we see about {est['coverage']:.0%} of the posts (range {est['low']:.0%}–{est['high']:.0%}); "
                 f"{est['observed']:,} seen of an estimated {est['estimated']:,}. Method: {est['method']}.")
    else:
        st.write(f"**{network}**: {est['observed']:,} posts; {est['method']}.")
st.subheader("Recent faults")
st.dataframe(data.collector_events(), hide_index=True, width="stretch")
