"""The live screen's two charts drawn as plain HTML and SVG, not plotly.

A browser lays these out at once; plotly re-rendering the screen's two charts on every refresh was most of each
viewer's work (bench/viewers.py; figures in bench/results.md), which kept a kiosk PC busy. Labels are HTML, so they keep the page's type at any width; only the areas are SVG.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from .palette import CHART, LABELS, NETWORK_NAMES, THEMES

WIDTH = 1000  # the SVG's own units across; stretched to the panel


def nice_top(value: float, ticks: int = 4) -> tuple[int, int]:
    """An axis top at or above ``value`` in whole round steps (1, 2 or 5 × 10ⁿ, at most ``ticks``), and the step."""
    raw = max(value, 1) / ticks
    power = 10 ** max(0, math.floor(math.log10(raw)))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * max(1, math.ceil(value / step)), step


def _stacked(frame: pd.DataFrame, bucket_s: int, column: str = "label", keys=tuple(LABELS)) -> pd.DataFrame:
    """Posts per bucket (rows, every bucket from first to last) by ``column``'s ``keys`` (columns, bottom to top),
    summed upwards."""
    wide = frame.pivot_table(index="time", columns=column, values="posts", aggfunc="sum", fill_value=0)
    wide = wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq=f"{bucket_s}s"), fill_value=0)
    return wide.reindex(columns=list(keys), fill_value=0).cumsum(axis=1)


def _layer(xs: list[float], lower: list[float], upper: list[float], colour: str) -> str:
    top = " ".join(f"{x:.1f},{y:.2f}" for x, y in zip(xs, upper))
    bottom = " ".join(f"{x:.1f},{y:.2f}" for x, y in zip(reversed(xs), reversed(lower)))
    return (
        f'<polygon points="{top} {bottom}" style="fill:{colour};fill-opacity:.82"/>'
        f'<polyline points="{top}" style="fill:none;stroke:{colour};stroke-width:2.5" '
        f'vector-effect="non-scaling-stroke"/>'
    )


def _hour_ticks(start: pd.Timestamp, end: pd.Timestamp, most: int = 7) -> list[pd.Timestamp]:
    """Whole hours between ``start`` and ``end``, every 1, 2, 3 or 6 hours so that at most ``most`` show."""
    hours = pd.date_range(start.ceil("h"), end.floor("h"), freq="h")
    every = next((n for n in (1, 2, 3, 6) if len(hours) / n <= most), 12)
    return [t for t in hours if t.hour % every == 0]


def complete_buckets(frame: pd.DataFrame, now: int, bucket_s: int = 900) -> pd.DataFrame:
    """The rows of ``frame`` (a ``time`` column of bucket starts) whose bucket has ended by ``now``: the one in
    progress would draw as a fall in posts that is only a quarter hour not over yet."""
    return frame[frame.time + pd.Timedelta(seconds=bucket_s) <= pd.Timestamp(now, unit="s", tz="UTC")]


def from_first_activity(stacked: pd.DataFrame, share: float = 0.1) -> pd.DataFrame:
    """``stacked`` (from ``_stacked``) from the bucket before the first one with at least ``share`` of the busiest
    bucket's posts: the hours of a post or two before the event starts are not what the chart is for."""
    totals = stacked.iloc[:, -1]
    first = int((totals >= share * totals.max()).to_numpy().argmax())
    return stacked.iloc[max(first - 1, 0) :]


def split_area(frame: pd.DataFrame, height: int | None = None, bucket_s: int = 900, mode: str = "light") -> str:
    """In the room, remote and not known, stacked, per bucket: columns time (the event's zone), label, posts;
    ``height`` in pixels, or the height of its box (the live screen's panel) when None."""
    stacked = from_first_activity(_stacked(frame, bucket_s))
    return _area(stacked, LABELS, CHART[mode], height, bucket_s, "by where the people are")


def network_area(frame: pd.DataFrame, height: int | None = None, bucket_s: int = 900, mode: str = "light") -> str:
    """Posts per bucket stacked by network, always in one order (``NETWORK_NAMES``): columns time, network, posts."""
    stacked = from_first_activity(_stacked(frame, bucket_s, "network", NETWORK_NAMES))
    return _area(stacked, NETWORK_NAMES, CHART[mode], height, bucket_s, "by network")


def _area(stacked: pd.DataFrame, names: dict, colours: dict, height: int | None, bucket_s: int, what: str) -> str:
    """``stacked`` drawn as areas with HTML labels, a legend of the last bucket and a text alternative.

    Each bucket's value sits at its middle, held flat to the edges of the first and last buckets, so one
    bucket alone is a band, not nothing; the axis spans at least an hour."""
    start, end = stacked.index[0], stacked.index[-1] + pd.Timedelta(seconds=bucket_s)
    axis_end = max(end, start + pd.Timedelta(hours=1))  # the first quarter hours fill an hour from the left
    top, tick = nice_top(stacked.iloc[:, -1].max())
    span = (axis_end - start).total_seconds()
    xs = [0.0] + [((t - start).total_seconds() + bucket_s / 2) / span * WIDTH for t in stacked.index]
    xs.append((end - start).total_seconds() / span * WIDTH)
    tops = ([100 - 100 * v / top for v in stacked[key]] for key in names)
    levels = [[100.0] * len(xs)] + [[h[0], *h, h[-1]] for h in tops]
    layers = "".join(_layer(xs, levels[i], levels[i + 1], colours[key]) for i, key in enumerate(names))
    grid = "".join(
        f'<line x1="0" x2="{WIDTH}" y1="{100 - 100 * v / top:.2f}" y2="{100 - 100 * v / top:.2f}" '
        f'style="stroke:var(--sp-line);stroke-width:1" vector-effect="non-scaling-stroke"/>'
        for v in range(tick, top + 1, tick)
    )
    y_labels = "".join(
        f'<span class="y" style="bottom:{100 * v / top:.2f}%">{v:,}</span>' for v in range(0, top + 1, tick)
    )
    x_labels = "".join(
        f'<span style="left:{(t - start).total_seconds() / span * 100:.2f}%">{t:%H:%M}</span>'
        for t in _hour_ticks(start, axis_end)
    )
    latest = stacked.iloc[-1].diff().fillna(stacked.iloc[-1]).astype(int)
    legend = "".join(
        f'<span><i style="background:{colours[k]}"></i>{escape(names[k])} <b>{latest[k]:,}</b></span>' for k in names
    )
    last = f"{stacked.index[-1]:%H:%M}–{end:%H:%M}"  # the last whole bucket, not the counters' rolling window
    summary = f"Posts every {bucket_s // 60} minutes from {start:%H:%M} to {end:%H:%M}, {what}; {last}: " + ", ".join(
        f"{names[k]} {latest[k]}" for k in names
    )
    sized = f' style="height:{height}px"' if height else ""
    return (
        f'<div class="sp-chart" role="img" aria-label="{escape(summary)}">'
        f'<div class="sp-legend" aria-hidden="true">{legend}<span class="sp-note">{last}</span></div>'
        f'<div class="sp-plot"{sized} aria-hidden="true">{y_labels}'
        f'<svg viewBox="0 0 {WIDTH} 100" preserveAspectRatio="none">{grid}{layers}</svg></div>'
        f'<div class="sp-xaxis" aria-hidden="true">{x_labels}</div></div>'
    )


def split_bar(counts: dict[str, int], mode: str = "light", what: str = "By where they are") -> str:
    """One bar split by ``LABELS`` (in the room, remote, not known), each part labelled with its count; ``what``
    says what is counted, for the text alternative."""
    total = sum(counts.get(k, 0) for k in LABELS) or 1
    parts = "".join(
        f'<div style="width:{100 * counts.get(k, 0) / total:.2f}%;background:{CHART[mode][k]}"></div>' for k in LABELS
    )
    legend = " · ".join(f"{LABELS[k]} {counts.get(k, 0):,}" for k in LABELS)
    keys = "".join(
        f'<span><i style="background:{CHART[mode][k]}"></i>{escape(LABELS[k])} <b>{counts.get(k, 0):,}</b></span>'
        for k in LABELS
    )
    return (
        f'<div class="sp-chart" role="img" aria-label="{escape(what)}: {escape(legend)}">'
        f'<div class="sp-legend" aria-hidden="true">{keys}</div><div class="sp-split" aria-hidden="true">{parts}</div>'
        "</div>"
    )


def theme_bars(frame: pd.DataFrame, mode: str = "light") -> str:
    """Posts per configured theme as labelled bars, largest first; each theme keeps its colour (config order)."""
    colours = {theme: THEMES[mode][i % len(THEMES[mode])] for i, theme in enumerate(frame.theme)}
    most = max(int(frame.posts.max()), 1)
    rows = "".join(
        f'<div class="name"><bdi>{escape(str(r.theme))}</bdi></div><div class="track"><div class="fill" '
        f'style="width:{100 * r.posts / most:.1f}%;{"min-width:3px;" if r.posts else ""}'
        f'background:{colours[r.theme]}"></div></div>'
        f'<div class="n">{int(r.posts):,}</div>'
        for r in frame.sort_values("posts", ascending=False, kind="stable").itertuples()
    )
    return f'<div class="sp-bars">{rows}</div>'
