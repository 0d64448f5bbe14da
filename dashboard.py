"""Summit Pulse dashboard: `streamlit run dashboard.py` (or `python -m summitpulse up`).

The public pages (the live screen, following a theme) need no sign-in; the
organiser pages ask for the organiser password. `?kiosk=1` shows only the
live screen without navigation or controls, `?theme=dark` the dark theme.
"""
import streamlit as st

from summitpulse.ui import controls, data, style

config = data.config()
st.set_page_config(page_title=f"{config.dashboard.title} — {config.event.name}", page_icon="📈", layout="wide",
                   initial_sidebar_state="collapsed" if controls.kiosk() else "auto")
style.apply(controls.mode(), config.dashboard.accent_color, controls.kiosk())

live = st.Page("pages/live.py", title="Live screen", icon=":material/live_tv:", default=True, url_path="live")
public = [live, st.Page("pages/theme.py", title="Follow a theme", icon=":material/explore:", url_path="theme")]
organiser = [
    st.Page("pages/participants.py", title="Participants", icon=":material/groups:", url_path="participants"),
    st.Page("pages/contributors.py", title="Contributors", icon=":material/leaderboard:", url_path="contributors"),
    st.Page("pages/programme.py", title="Programme", icon=":material/calendar_month:", url_path="programme"),
    st.Page("pages/network.py", title="Conversation network", icon=":material/hub:", url_path="network"),
    st.Page("pages/health.py", title="Collector health", icon=":material/monitor_heart:", url_path="health"),
    st.Page("pages/moderation.py", title="Moderation", icon=":material/shield:", url_path="moderation"),
    st.Page("pages/report.py", title="Report", icon=":material/description:", url_path="report"),
    st.Page("pages/export.py", title="Export", icon=":material/download:", url_path="export"),
]
if controls.kiosk():
    st.navigation([live], position="hidden").run()
else:
    st.navigation({"Public": public, "Organisers": organiser}).run()
