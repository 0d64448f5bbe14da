"""Collectors: one module per network, each calling the real client library.

A collector fetches pages, hands them to ``summitpulse.normalise`` and stores
each page with the cursor that covers it in one transaction (``runs.Run``).
Retries, back-off and rate limits live in ``retry.py`` as a decorator, not
in the endpoint code; ``scheduler.py`` runs every collector on its interval.
"""
