"""Export: download the collected data (the post-event report comes with `python -m summitpulse report`)."""

import io

import streamlit as st

from summitpulse.analysis.frames import write_csv
from summitpulse.outputs.export import EXPORTS
from summitpulse.ui import controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Export")
st.caption("Deleted posts and spam are left out; people who opted out are anonymised.")
what = st.selectbox("Table", list(EXPORTS))
if st.button("Prepare CSV"):
    frame = data.export_table(what)
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    st.download_button(f"Download {what}.csv ({len(frame):,} rows)", buffer.getvalue(), f"{what}.csv", "text/csv")
