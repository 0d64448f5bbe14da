"""The live screen's HTML and SVG charts: round axes, gaps drawn as zero, one bucket visible, names escaped."""

import re

import pandas as pd
import pytest

from summitpulse.ui.screen_charts import nice_top, split_area, theme_bars

TZ = "America/Toronto"


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["time", "label", "posts"])
    frame["time"] = pd.to_datetime(frame.time).dt.tz_localize(TZ)
    return frame


@pytest.mark.parametrize(
    "value, top, step", [(0, 1, 1), (3, 3, 1), (7, 8, 2), (130, 150, 50), (181, 200, 50), (1_234, 1_500, 500)]
)
def test_axis_tops_are_round_and_hold_the_value(value, top, step):
    assert nice_top(value) == (top, step)


def test_the_split_stacks_labels_fills_gaps_and_labels_hours():
    html = split_area(
        _frame(
            [
                ("2014-10-22 09:00", "in_room", 10),
                ("2014-10-22 09:00", "remote", 20),
                ("2014-10-22 09:45", "remote", 5),
                ("2014-10-22 10:15", "unknown", 4),
            ]
        ),
        300,
    )
    layers = re.findall(r'<polyline points="([^"]+)"', html)
    assert len(layers) == 3  # in the room, remote, not known
    tops = [[float(p.split(",")[1]) for p in layer.split()] for layer in layers]
    assert len(tops[0]) == 6 + 2  # 09:00 … 10:15 is six quarter hours, held flat to both edges
    assert tops[1][1] == pytest.approx(100 - 100 * 30 / 30)  # 10 in the room + 20 remote fill the axis (top 30)
    assert tops[1][2] == tops[1][3] == 100.0  # 09:15 and 09:30 had nothing: drawn at zero, not skipped
    assert ">10:00<" in html and ">09:00<" in html
    assert "Remote <b>0</b>" in html and "Not known <b>4</b>" in html  # the latest quarter hour, in the legend
    assert 'role="img"' in html and "aria-label" in html


def test_one_quarter_hour_alone_is_a_band_on_an_hour_wide_axis():
    html = split_area(_frame([("2014-10-22 09:00", "remote", 3)]), 300)
    xs = [float(p.split(",")[0]) for p in re.findall(r'<polyline points="([^"]+)"', html)[1].split()]
    assert xs[0] == 0 and xs[-1] == 250  # a quarter of the hour
    assert ">09:00<" in html and ">10:00<" in html


def test_theme_bars_are_largest_first_keep_their_colours_and_escape_names():
    frame = pd.DataFrame({"theme": ["Ethics", "<b>Platforms</b>", "Theory"], "posts": [3, 9, 0]})
    html = theme_bars(frame)
    assert html.index("&lt;b&gt;Platforms") < html.index("Ethics") < html.index("Theory")
    assert "<b>Platforms" not in html
    assert re.search(r"width:0\.0%;background", html)  # nothing is nothing, not a sliver
    assert theme_bars(frame.assign(posts=[9, 3, 0])).count("#0f766e") == 1  # Ethics keeps the first colour
    assert re.search(
        r'Ethics</bdi></div><div class="track"><div class="fill" style="width:100\.0%;min-width:3px;'
        r"background:#0f766e",
        theme_bars(frame.assign(posts=[9, 3, 0])),
    )


def test_only_quarter_hours_that_are_over_are_drawn():
    from summitpulse.analysis.metrics import with_times
    from summitpulse.settings.config import load_config
    from summitpulse.ui.screen_charts import complete_buckets

    from .conftest import ROOT

    start = int(pd.Timestamp("2014-10-22 09:30", tz=TZ).timestamp())
    frame = with_times(
        pd.DataFrame({"bucket": [start, start + 900, start + 1800], "label": "remote", "posts": 9}),
        load_config(ROOT / "config.yaml"),
    )  # as people.split_over_time gives it
    now = start + 1800 + 9 * 60  # 10:09: the 10:00 quarter hour is not over
    assert [t.strftime("%H:%M") for t in complete_buckets(frame, now).time] == ["09:30", "09:45"]
    assert len(complete_buckets(frame, start + 2700)) == 3
