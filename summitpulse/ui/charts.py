"""Plotly figures for the interactive pages and the report (the live screen draws its own: ui/screen_charts)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from .palette import CHART, LABELS, NETWORK_NAMES, THEMES, plotly_template

FONT_SIZE = 14


def _finish(fig: go.Figure, mode: str, height: int) -> go.Figure:
    fig.update_layout(
        template=plotly_template(mode),
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        font=dict(size=FONT_SIZE),
        legend=dict(orientation="h", y=1.02, x=0, title=None, font=dict(size=FONT_SIZE)),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hovermode="x unified",
    )
    fig.update_xaxes(title=None, tickfont=dict(size=FONT_SIZE))
    fig.update_yaxes(title=None, rangemode="tozero", tickfont=dict(size=FONT_SIZE))
    return fig


def _wide_enough(fig: go.Figure, times: pd.Series, seconds: int = 3600) -> go.Figure:
    """A time axis at least ``seconds`` wide: a single bucket alone makes plotly zoom into milliseconds (and draws
    a line or an area of one point as nothing: it gets a marker)."""
    if len(times) and (times.max() - times.min()).total_seconds() < seconds:
        middle, half = times.min() + (times.max() - times.min()) / 2, pd.Timedelta(seconds=seconds / 2)
        fig.update_xaxes(range=[middle - half, middle + half])
    if times.nunique() == 1:
        fig.update_traces(mode="lines+markers", marker=dict(size=10), selector=dict(type="scatter"))
    return fig


def _per_bucket(fig: go.Figure, times: pd.Series, what: str = "Posts") -> go.Figure:
    """The value axis titled with its unit: what each point counts, per how long ("Posts per 15 min")."""
    steps = pd.Series(times.drop_duplicates().sort_values()).diff().dropna()
    minutes = int(steps.min().total_seconds() // 60) if len(steps) else 0
    per = f" per {minutes // 60} h" if minutes >= 60 and minutes % 60 == 0 else f" per {minutes} min" if minutes else ""
    fig.update_yaxes(title_text=what + per, title_font=dict(size=FONT_SIZE))
    return fig


def participation_area(frame: pd.DataFrame, mode: str, height: int = 320) -> go.Figure:
    frame = frame.assign(who=frame.label.map(LABELS))
    fig = px.area(
        frame,
        x="time",
        y="posts",
        color="who",
        category_orders={"who": list(LABELS.values())},
        color_discrete_map={LABELS[k]: CHART[mode][k] for k in LABELS},
    )
    return _per_bucket(_wide_enough(_finish(fig, mode, height), frame.time), frame.time)


def network_timeline(frame: pd.DataFrame, mode: str, height: int = 300) -> go.Figure:
    frame = frame.assign(net=frame.network.map(NETWORK_NAMES))
    fig = px.bar(
        frame,
        x="time",
        y="posts",
        color="net",
        color_discrete_map={NETWORK_NAMES[k]: CHART[mode][k] for k in NETWORK_NAMES},
    )
    return _per_bucket(_wide_enough(_finish(fig, mode, height), frame.time), frame.time)


def session_bars(sessions: pd.DataFrame, mode: str) -> go.Figure:
    """Posts in each session's slot, in programme order from the top, each bar labelled with its time."""
    frame = sessions.assign(label=sessions.start.dt.strftime("%H:%M") + "  " + sessions.title)[::-1]
    fig = go.Figure(
        go.Bar(
            x=frame.posts,
            y=frame.label,
            orientation="h",
            text=frame.posts,
            textposition="outside",
            cliponaxis=False,
            marker_color=[CHART[mode]["unknown"] if k == "break" else CHART[mode]["in_room"] for k in frame.kind],
        )
    )
    _finish(fig, mode, 60 + 34 * len(frame))
    fig.update_xaxes(visible=False)
    fig.update_layout(hovermode="closest")
    return fig


def theme_lines(frame: pd.DataFrame, mode: str, height: int = 320) -> go.Figure:
    fig = px.line(frame, x="time", y="posts", color="theme", color_discrete_sequence=THEMES[mode], markers=False)
    return _per_bucket(_wide_enough(_finish(fig, mode, height), frame.time), frame.time)


UNITS = {"posts": "Posts", "participants": "People"}


def split_bars(frame: pd.DataFrame, mode: str, y: str, height: int = 320, x: str = "posts") -> go.Figure:
    frame = frame.assign(who=frame.label.map(LABELS))
    fig = px.bar(
        frame,
        x=x,
        y=y,
        color="who",
        orientation="h",
        barmode="stack",
        color_discrete_map={LABELS[k]: CHART[mode][k] for k in LABELS},
    )
    _finish(fig, mode, height)
    fig.update_layout(legend=dict(orientation="h", y=-0.35, x=0, title_text=""), margin=dict(b=60))
    fig.update_xaxes(title_text=UNITS.get(x, x))  # what a bar's length counts
    fig.update_yaxes(title_text="", categoryorder="total ascending")  # the largest on top
    return fig


def _short(network: str, label: str) -> str:
    """A handle as a chart names it: ``@name`` on X, a Mastodon ``@user@instance`` as ``@user`` (the instance is
    on hover), a Bluesky handle as it is."""
    if network == "bluesky":
        return label
    return "@" + label.lstrip("@").partition("@")[0]


CHAR_PX, LINE_PX, PLOT_PX = 7.2, 16, 900  # a 12 px label's character and line, a plot's usual width


def _label_spots(nodes: pd.DataFrame, named: list[str], height: int) -> dict[str, tuple[float, float]]:
    """Where each named node's label goes: beside its node, on the first side (of eight, near then farther) where
    it covers no other label and no node; a name with no free side is left to the hover."""
    span_x = max(nodes.x.max() - nodes.x.min(), 1e-9) / (PLOT_PX * 0.9)  # data units per pixel
    span_y = max(nodes.y.max() - nodes.y.min(), 1e-9) / (height * 0.8)
    radius = {k: (8 + min(d, 60) / 2) / 2 for k, d in zip(nodes.key, nodes.degree)}
    px = {k: (x / span_x, y / span_y) for k, x, y in zip(nodes.key, nodes.x, nodes.y)}
    taken: list[tuple[float, float, float, float]] = [
        (x - radius[k], y - radius[k], x + radius[k], y + radius[k]) for k, (x, y) in px.items()
    ]
    labels = dict(zip(nodes.key, nodes.label))
    spots = {}
    for key in named:
        (x, y), r = px[key], radius[key]
        w, h = CHAR_PX * len(_short(key.split(":", 1)[0], labels[key])) + 4, LINE_PX
        mine = (x - r, y - r, x + r, y + r)
        for far in (1, 2.2):
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)):
                cx, cy = x + dx * (r + 3 + w / 2) * far, y + dy * (r + 3 + h / 2) * far
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if not any(_overlap(box, other) for other in taken if other != mine):
                    taken.append(box)
                    spots[key] = (cx * span_x, cy * span_y)
                    break
            if key in spots:
                break
    return spots


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def network_graph(
    nodes: pd.DataFrame, lines: pd.DataFrame, mode: str, height: int = 620, labelled: int = 12
) -> go.Figure:
    """Who talks to whom, coloured by network; the ``labelled`` most connected people are named, the rest on hover."""
    pos = {k: (x, y) for k, x, y in zip(nodes.key, nodes.x, nodes.y)}
    xs, ys = [], []
    for s, t in zip(lines.source, lines.target):
        xs += [pos[s][0], pos[t][0], None]
        ys += [pos[s][1], pos[t][1], None]
    handled = [label != key.split(":", 1)[1] for key, label in zip(nodes.key, nodes.label)]  # an id is no name
    named = list(nodes[handled].nlargest(labelled, "degree").key)  # more names than this overlap into a blot
    spots = _label_spots(nodes, named, height)
    traces = [
        go.Scatter(x=xs, y=ys, mode="lines", line=dict(width=0.6, color="#94a3b8"), hoverinfo="skip", showlegend=False)
    ]
    for network, group in nodes.groupby("network", sort=False):
        traces.append(
            go.Scatter(
                x=group.x,
                y=group.y,
                mode="markers",
                name=NETWORK_NAMES.get(network, network),
                hovertext=group.label + " — " + group.degree.astype(str) + " interactions",
                hoverinfo="text",
                marker=dict(
                    size=8 + group.degree.clip(upper=60) / 2,
                    color=CHART[mode].get(network),
                    line=dict(width=1, color="white"),
                ),
            )
        )
    labels = dict(zip(nodes.key, zip(nodes.network, nodes.label)))
    traces.append(
        go.Scatter(
            x=[spots[k][0] for k in spots],
            y=[spots[k][1] for k in spots],
            mode="text",
            text=[_short(*labels[k]) for k in spots],
            textfont=dict(size=12),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig = go.Figure(traces)
    fig.update_layout(showlegend=True, legend=dict(orientation="h", y=1.05))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, mode, height)
