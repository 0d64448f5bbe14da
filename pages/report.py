"""Report: download the post-event report with its data files (what `summitpulse report` writes), compared with
other editions if the organiser picks any."""

import streamlit as st

from summitpulse.outputs.report.compare import EditionError
from summitpulse.ui import controls, data

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Post-event report")
st.caption(
    "One zip: report.html — self-contained, charts included, opens offline, prints well (a browser's Print makes "
    "the PDF) — and beside it, in report_data/, every table it draws on as CSV and Parquet."
)
editions = data.editions()
chosen = st.multiselect(
    "Compare with other editions",
    list(editions),
    placeholder="None" if editions else "None known: list their report data folders in dashboard.editions",
    disabled=not editions,
    help="Their figures set beside this edition's, in a section of the report (as `report --compare` adds).",
)
if st.button("Build the report"):
    try:
        with st.spinner("Building the report…"):
            archive, comparison = data.report_archive([editions[title] for title in chosen])
    except EditionError as exc:
        st.error(str(exc))
        st.stop()
    st.download_button("Download report.zip", archive, "report.zip", "application/zip")
    if comparison:
        st.html(comparison)  # every value escaped by the report's template
