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
    return _wide_enough(_finish(fig, mode, height), frame.time)


def network_timeline(frame: pd.DataFrame, mode: str, height: int = 300) -> go.Figure:
    frame = frame.assign(net=frame.network.map(NETWORK_NAMES))
    fig = px.bar(
        frame,
        x="time",
        y="posts",
        color="net",
        color_discrete_map={NETWORK_NAMES[k]: CHART[mode][k] for k in NETWORK_NAMES},
    )
    return _wide_enough(_finish(fig, mode, height), frame.time)


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
    return _wide_enough(_finish(fig, mode, height), frame.time)


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
    fig.update_layout(legend=dict(orientation="h", y=-0.35, x=0), margin=dict(b=60))
    return fig


def _short(label: str) -> str:
    """A handle as a chart names it: a Mastodon ``@user@instance`` as ``@user`` (the instance is on hover)."""
    user, at, _ = label.lstrip("@").partition("@")
    return "@" + user if at else label


def _outward(xs: pd.Series, ys: pd.Series) -> list[str]:
    """Each name on the side of its point away from the middle of its group, so the hubs' names, all near the
    middle, spread in four directions instead of piling up above it."""
    cx, cy = xs.mean(), ys.mean()
    return [f"{'top' if y >= cy else 'bottom'} {'right' if x >= cx else 'left'}" for x, y in zip(xs, ys)]


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
    named = set(nodes[handled].nlargest(labelled, "degree").key)  # more names than this overlap into a blot
    traces = [
        go.Scatter(x=xs, y=ys, mode="lines", line=dict(width=0.6, color="#94a3b8"), hoverinfo="skip", showlegend=False)
    ]
    for network, group in nodes.groupby("network", sort=False):
        traces.append(
            go.Scatter(
                x=group.x,
                y=group.y,
                mode="markers+text",
                name=NETWORK_NAMES.get(network, network),
                text=[_short(label) if key in named else "" for key, label in zip(group.key, group.label)],
                textposition=_outward(group.x, group.y),
                textfont=dict(size=12),
                hovertext=group.label + " — " + group.degree.astype(str) + " interactions",
                hoverinfo="text",
                marker=dict(
                    size=8 + group.degree.clip(upper=60) / 2,
                    color=CHART[mode].get(network),
                    line=dict(width=1, color="white"),
                ),
            )
        )
    fig = go.Figure(traces)
    fig.update_layout(showlegend=True, legend=dict(orientation="h", y=1.05))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, mode, height)
