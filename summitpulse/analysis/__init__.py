"""Answers to the dashboard's and the report's questions: pure functions over the store.

Every function takes a SQLAlchemy connection, the config and a
:class:`~summitpulse.analysis.filters.Filters`, aggregates in SQL and returns
plain dicts or pandas DataFrames. Nothing here imports Streamlit.
"""
