"""The live screen and the theme view in a real headless Chromium: screenshots, and no script from post text runs."""

from datetime import UTC, datetime

import pytest

from summitpulse.analysis import moderation
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.store.engine import ingest, open_store

from .browser import SCREENSHOTS, chrome, require_browser, streamlit_server, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_url):
    require_browser()
    with streamlit_server(demo_url) as base:
        yield base


@pytest.mark.parametrize(
    "name, path, width, height",
    [
        ("live-1920-light", "/?kiosk=1", 1920, 1080),
        ("live-1920-dark", "/?kiosk=1&theme=dark", 1920, 1080),
        ("live-phone", "/?kiosk=1", 390, 844),
        ("theme-1920", "/theme?theme_name=Education+theory", 1920, 1080),
        ("theme-phone", "/theme?theme_name=Education+theory", 390, 844),
    ],
)
def test_screenshots(server, name, path, width, height):
    driver = chrome(width, height)
    try:
        driver.get(server + path)
        wait_for(driver, ".sp-card")
        wait_for(driver, ".sp-plot svg polygon")
        SCREENSHOTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        assert "Traceback" not in driver.page_source
        if path.startswith("/?kiosk"):
            assert (
                not driver.find_elements("css selector", '[data-testid="stSidebar"]')
                or not driver.find_element("css selector", '[data-testid="stSidebar"]').is_displayed()
            )
    finally:
        driver.quit()


def test_a_phone_shows_one_panel_at_a_time(server):
    driver = chrome(390, 844)
    try:
        driver.get(server + "/?kiosk=1&rotate=20")
        wait_for(driver, ".sp-panel-title")
        titles = driver.find_elements("css selector", ".sp-panel-title")
        assert len(titles) == 1
        if "posts" in titles[0].text or "remote" in titles[0].text or "pulse" in titles[0].text.lower():
            wait_for(driver, ".sp-card, .sp-plot svg polygon, .sp-bars")
        driver.save_screenshot(str(SCREENSHOTS / "live-phone-rotating.png"))
    finally:
        driver.quit()


def test_no_script_in_post_text_runs_and_the_layout_holds(tmp_path):
    require_browser()
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    engine = open_store(url)
    now = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    hostile = [
        '<script>document.title="pwned"</script>',
        "<img src=x onerror=\"document.title='pwned'\">",
        "<a href=\"javascript:document.title='pwned'\">click</a>",
        "\u202eevil reversed text",
        "Z\u0351\u0352\u0353" * 400,
        "long" * 2500,
    ]
    posts = [Post("x", str(i), "9", now.replace(minute=9 - i), text + " #SoMeSummit") for i, text in enumerate(hostile)]
    ingest(
        engine, Batch(posts=posts, authors=[Author("x", "9", "h", "<img src=y onerror=\"document.title='pwned'\">")])
    )
    with engine.begin() as conn:
        for p in posts:
            moderation.set_status(conn, "x", p.native_id, "approved", "test", "tester")
        # 14:16: the quarter hour of the posts (14:04-14:09) is over, so the split chart draws it
        conn.exec_driver_sql(f"INSERT INTO meta (key, value) VALUES ('clock_ts', '{int(now.timestamp()) + 960}')")
    with streamlit_server(url) as base:
        driver = chrome(1920, 1080)
        try:
            driver.get(base + "/?kiosk=1")
            wait_for(driver, ".sp-card")
            wait_for(driver, ".sp-plot svg polygon")  # the chart of one quarter hour, drawn
            driver.save_screenshot(str(SCREENSHOTS / "hostile-posts.png"))
            assert driver.title != "pwned"
            cards = driver.find_elements("css selector", ".sp-card")
            assert cards and all(c.size["width"] <= 1920 for c in cards)
            assert not driver.find_elements("css selector", ".sp-card script, .sp-card a[href^='javascript']")
            texts = " ".join(c.text for c in cards)
            assert '<script>document.title="pwned"</script>' in texts  # shown as text, not run
            assert "<img src=y onerror=" in texts
        finally:
            driver.quit()


def test_a_shared_link_is_the_first_visit_of_a_fresh_server(demo_url):
    """A remote attendee's theme link, before anybody opened the home page: the styled theme view, the real
    navigation (Streamlit would otherwise run the page file alone, in its older pages-directory mode)."""
    require_browser()
    with streamlit_server(demo_url) as base:
        driver = chrome(1920, 1080)
        try:
            driver.get(base + "/theme?theme_name=Education+theory")
            wait_for(driver, ".sp-card")
            nav = driver.find_element("css selector", ".st-key-sp_menu").text
            assert "Follow a theme" in nav and "dashboard" not in nav
            assert "Organiser sign-in" in nav and "Moderation" not in nav  # organiser pages wait for the password
            styled = "return getComputedStyle(document.querySelector('.sp-card')).display"
            assert driver.execute_script(styled) == "flex"  # the app's styles, from dashboard.py, are there
        finally:
            driver.quit()
