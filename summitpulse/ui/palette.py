"""Colours and labels shared by the dashboard, its charts and the report.

Every pair that meets on screen is held to WCAG 2.2 AA by tests/test_palette.py: text (``TEXT``) 4.5:1 on the
page and on a panel, chart colours 3:1 against both (non-text contrast), in each mode."""

MODES = {
    "light": {
        "bg": "#f8fafc",
        "panel": "#ffffff",
        "ink": "#0f172a",
        "muted": "#475569",
        "line": "#e2e8f0",
        "up": "#15803d",
        "down": "#b91c1c",
        "link": "#1d4ed8",
    },
    "dark": {
        "bg": "#0b1120",
        "panel": "#111a2e",
        "ink": "#f1f5f9",
        "muted": "#cbd5e1",
        "line": "#1e293b",
        "up": "#4ade80",
        "down": "#fca5a5",
        "link": "#93c5fd",
    },
}
TEXT = ("ink", "muted", "up", "down", "link")  # the colours text is written in
BACKGROUNDS = ("bg", "panel")
CHART = {
    "light": {
        "in_room": "#0f766e",
        "remote": "#c2410c",
        "unknown": "#64748b",
        "x": "#111827",
        "mastodon": "#6364ff",
        "bluesky": "#0a66d8",
    },
    "dark": {
        "in_room": "#2dd4bf",
        "remote": "#fb923c",
        "unknown": "#94a3b8",
        "x": "#e5e7eb",
        "mastodon": "#a5a6ff",
        "bluesky": "#60a5fa",
    },
}
THEMES = {
    "light": ["#0f766e", "#b45309", "#1d4ed8", "#be123c", "#7c3aed", "#15803d"],
    "dark": ["#2dd4bf", "#fbbf24", "#60a5fa", "#fb7185", "#c4b5fd", "#4ade80"],
}
PALETTE = CHART["light"]  # the report's and the plotly charts' (light pages)
THEME_COLOURS = THEMES["light"]
LABELS = {"in_room": "In the room", "remote": "Remote", "unknown": "Not known"}
NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


def plotly_template(mode: str) -> str:
    return "plotly_dark" if mode == "dark" else "plotly_white"


def short_number(n: int) -> str:
    """A count as it reads from afar: 3.6 M, 48 k, 9,870."""
    return f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n / 1e3:.0f} k" if n >= 1e4 else f"{n:,}"


def contrast(one: str, other: str) -> float:
    """WCAG 2.2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
