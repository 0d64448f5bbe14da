"""Report: download the post-event report with its data files (what `summitpulse report` writes)."""

import streamlit as st

from summitpulse.ui import controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Post-event report")
st.caption(
    "One zip: report.html — self-contained, charts included, opens offline, prints well (a browser's Print makes "
    "the PDF) — and beside it, in report_data/, every table it draws on as CSV and Parquet."
)
if st.button("Build the report"):
    with st.spinner("Building the report…"):
        archive = data.report_archive()
    st.download_button("Download report.zip", archive, "report.zip", "application/zip")
