"""Report: download the post-event report (the same file `python -m summitpulse report` writes)."""

import streamlit as st

from summitpulse.ui import controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Post-event report")
st.caption(
    "One self-contained HTML file: charts included, opens offline, prints well. For the CSV and Parquet "
    "data files beside it, or a PDF, run `python -m summitpulse report --pdf`."
)
if st.button("Build the report"):
    with st.spinner("Building the report…"):
        html = data.report_html()
    st.download_button("Download report.html", html, "report.html", "text/html")
