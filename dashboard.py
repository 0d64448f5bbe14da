"""Summit Pulse dashboard: `streamlit run dashboard.py` (or `python -m summitpulse up`).

The public pages (the live screen, following a theme) need no sign-in; the
organiser pages ask for the organiser password and stay out of the menu until
it is given, so a shared link shows the public pages only. `?kiosk=1` shows only the
live screen without navigation or controls, `?theme=dark` the dark theme,
`?rotate=15` one panel at a time (small screens).
"""

import streamlit as st

from summitpulse.ui import controls, data, style

config = data.config()
st.set_page_config(
    page_title=f"{config.dashboard.title} — {config.event.name}",
    page_icon="📈",
    layout="wide",
    initial_sidebar_state="collapsed" if controls.kiosk() else "auto",
)
style.apply(controls.mode(), config.dashboard.accent_color, controls.kiosk())

live = st.Page("pages/live.py", title="Live screen", icon=":material/live_tv:", default=True, url_path="")
# The default page is served at the root only: the same screen at /live too, for a link or bookmark naming it.
live_by_name = st.Page("pages/live.py", title="Live screen", icon=":material/live_tv:", url_path="live")
public = [
    live,
    st.Page("pages/theme.py", title="Follow a theme", icon=":material/explore:", url_path="theme"),
    st.Page("pages/say.py", title="Say where you are", icon=":material/campaign:", url_path="say"),
]
signin = st.Page("pages/signin.py", title="Organiser sign-in", icon=":material/login:", url_path="signin")
organiser = [
    st.Page(f"pages/{name}.py", title=title, icon=f":material/{icon}:", url_path=name)
    for name, title, icon in controls.ORGANISER_PAGES
]
if controls.kiosk():
    page = st.navigation([live, live_by_name], position="hidden")
else:
    # Until an organiser signs in, their pages are left out of the menu (a link to one still asks for the password).
    signed_in = controls.signed_in()
    page = st.navigation({"Public": [*public, live_by_name], "Organisers": [signin, *organiser]}, position="hidden")
    controls.menu({"Public": public, "Organisers": organiser if signed_in else [signin]})
    controls.sign_out_control(signed_in)
    if signed_in:
        controls.rebuild_notice()
with controls.inside_app():
    page.run()
