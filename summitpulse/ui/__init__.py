"""Streamlit view helpers: the only package besides dashboard.py and pages/ that imports streamlit."""
