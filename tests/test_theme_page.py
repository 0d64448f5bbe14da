"""Following a theme on a phone: posts first, each linking to its original, charts that say what they count, and
a dark mode that is dark and legible everywhere (AppTest, and a real Chromium at 390×844)."""

import re

import pandas as pd
import pytest
import streamlit as st

from summitpulse.analysis.topics import distinct_terms
from summitpulse.ui.palette import contrast
from summitpulse.ui.screen_charts import network_area

from .browser import chrome, drawn, require_browser, streamlit_server
from .conftest import ROOT, dashboard_app

THEME = "/theme?theme_name=Education+theory"


@pytest.fixture
def theme_page(monkeypatch, demo_url) -> str:
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = dashboard_app()
    at.query_params["theme_name"] = "Education theory"
    at.switch_page("pages/theme.py")
    at.run()
    assert not at.exception
    return "\n".join(m.value for m in at.markdown)


def test_the_feed_comes_first_and_every_post_links_to_its_original(theme_page):
    assert theme_page.index("Live feed") < theme_page.index("Posts per 15 minutes")
    cards = re.findall(r'<article class="sp-card">.*?</article>', theme_page, re.S)
    assert len(cards) == 8
    for card in cards:
        link = re.search(r'<a class="sp-open" href="(https://(x\.com|bsky\.app|[\w.-]+)/[^"]+)"', card)
        assert link, card
        network = re.search(r" · (X|Mastodon|Bluesky) · ", card).group(1)
        host = link.group(2)
        assert {"X": host == "x.com", "Bluesky": host == "bsky.app"}.get(network, host not in ("x.com", "bsky.app"))


def test_the_charts_say_what_they_count(theme_page):
    assert "people posting on this theme, by where they are" in theme_page
    assert 'role="img" aria-label="Posts every 15 minutes from' in theme_page


def _frame(rows):
    return pd.DataFrame(
        [(pd.Timestamp(t, tz="America/Toronto"), n, p) for t, n, p in rows], columns=["time", "network", "posts"]
    )


def test_the_network_legend_keeps_one_order_whatever_the_theme():
    first = network_area(_frame([("2014-10-22 09:00", "bluesky", 9), ("2014-10-22 09:00", "x", 1)]))
    second = network_area(_frame([("2014-10-22 09:00", "mastodon", 9), ("2014-10-22 09:15", "x", 3)]))
    order = lambda html: re.findall(r"</i>(\w+) <b>", html)  # noqa: E731
    assert order(first) == order(second) == ["X", "Mastodon", "Bluesky"]


def test_related_topics_never_repeat_a_term():
    assert distinct_terms(["livestream", "livestream", "livestream chat", "chat", "privacy"]) == [
        "livestream",
        "chat",
        "privacy",
    ]


def _rgb(css: str) -> str:
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


LEGIBILITY = """
const colour = (el, prop) => getComputedStyle(el)[prop];
const ground = el => { for (; el; el = el.parentElement) { const c = colour(el, 'backgroundColor');
  if (!c.startsWith('rgba(0, 0, 0, 0)')) return c; } return 'rgb(255, 255, 255)'; };
const pairs = {};
for (const [name, css] of Object.entries(arguments[0])) {
  const el = document.querySelector(css);
  if (el) pairs[name] = [colour(el, 'color'), ground(el)];
}
pairs.header = [colour(document.querySelector('h1.sp-title'), 'color'),
                ground(document.querySelector('header[data-testid="stHeader"]'))];
return pairs;
"""
TEXTS = {
    "sidebar link": ".st-key-sp_menu a span",  # the app's menu (controls.menu)
    "title": "h1.sp-title",
    "theme picker": '[data-testid="stSelectbox"] input',
    "post": ".sp-card .txt",
    "post link": ".sp-card a.sp-open",
    "legend": ".sp-legend span",
}


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_on_a_phone_posts_show_first_and_every_text_is_legible(demo_url, mode):
    require_browser()
    with streamlit_server(demo_url) as base:
        driver = chrome(390, 844)
        try:
            driver.get(f"{base}{THEME}&theme={mode}")
            drawn(driver, THEME)
            first = driver.find_element("css selector", ".sp-card").rect
            assert first["y"] + first["height"] <= 844  # a whole post on the first screen
            pairs = driver.execute_script(LEGIBILITY, TEXTS)
            assert set(TEXTS) - {"sidebar link"} <= set(pairs)
            weak = {k: (fg, bg) for k, (fg, bg) in pairs.items() if contrast(_rgb(fg), _rgb(bg)) < 4.5}
            assert not weak, weak
            if mode == "dark":
                assert contrast(_rgb(pairs["header"][1]), "#000000") < 2  # the page's header is dark too
        finally:
            driver.quit()
