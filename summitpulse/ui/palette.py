"""Colours and labels shared by the dashboard, its charts and the report."""

PALETTE = {
    "in_room": "#0f766e",
    "remote": "#7c3aed",
    "unknown": "#94a3b8",
    "x": "#111827",
    "mastodon": "#6364ff",
    "bluesky": "#0a7aff",
}
THEME_COLOURS = ["#0f766e", "#b45309", "#1d4ed8", "#be123c", "#7c3aed", "#15803d"]
LABELS = {"in_room": "In the room", "remote": "Remote", "unknown": "Not known"}
NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


def plotly_template(mode: str) -> str:
    return "plotly_dark" if mode == "dark" else "plotly_white"


def short_number(n: int) -> str:
    """A count as it reads from afar: 3.6 M, 48 k, 9,870."""
    return f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n / 1e3:.0f} k" if n >= 1e4 else f"{n:,}"
