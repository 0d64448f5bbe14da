"""Every colour pair the pages put together, held to WCAG 2.2 AA contrast in both modes."""

import pytest

from summitpulse.ui.palette import BACKGROUNDS, CHART, MODES, TEXT, THEMES, contrast


def test_contrast_is_wcags_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == 1


@pytest.mark.parametrize("mode", MODES)
def test_text_reads_at_4_5_to_1_on_the_page_and_on_a_panel(mode):
    colours = MODES[mode]
    weak = {
        (text, ground): round(contrast(colours[text], colours[ground]), 2)
        for text in TEXT
        for ground in BACKGROUNDS
        if contrast(colours[text], colours[ground]) < 4.5
    }
    assert not weak, weak


@pytest.mark.parametrize("mode", MODES)
def test_chart_colours_stand_out_at_3_to_1_from_the_page_and_a_panel(mode):
    marks = {**CHART[mode], **{f"theme {i}": c for i, c in enumerate(THEMES[mode])}}
    weak = {
        (name, ground): round(contrast(colour, MODES[mode][ground]), 2)
        for name, colour in marks.items()
        for ground in BACKGROUNDS
        if contrast(colour, MODES[mode][ground]) < 3
    }
    assert not weak, weak


def test_white_on_the_badges_and_initials_reads():
    """Initials and the highlight badge are white on the accent and on theme colours (light ones)."""
    assert all(contrast("#ffffff", c) >= 4.5 for c in THEMES["light"])


def test_mastodon_and_remote_are_told_apart():
    for mode in CHART:
        assert CHART[mode]["mastodon"] != CHART[mode]["remote"]
