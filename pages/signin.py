"""Organiser sign-in: the one organiser entry in the menu until the password is given."""

import streamlit as st

from summitpulse.ui import controls

controls.through_app()

if not controls.organiser_gate():
    st.stop()
st.title("Signed in")
st.write("The organiser pages are in the menu now.")
for name, title, icon in controls.ORGANISER_PAGES:
    st.page_link(f"pages/{name}.py", label=title, icon=f":material/{icon}:")
