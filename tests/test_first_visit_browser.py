"""The first visitors of a freshly started server (`streamlit run dashboard.py --server.headless true`, as `up` runs
it) see the app: never Streamlit's default menu of the files under pages/, never an organiser page before the
password, never an error. Everything the sidebar and any error box ever showed is recorded from the page's very
first script on, so a menu that flashes for a few seconds while the first run imports counts too."""

import pytest

from .browser import SCREENSHOTS, chrome, require_browser, streamlit_server, wait_for
from .conftest import ROOT

pytestmark = pytest.mark.browser

RECORDER = """
window.__seen = {nav: [], menus: [], errors: []};
const keep = (list, text) => { if (text && !list.includes(text)) list.push(text); };
new MutationObserver(() => {
  document.querySelectorAll('[data-testid="stSidebarNav"]').forEach(n => keep(window.__seen.nav, n.innerText));
  document.querySelectorAll('[data-testid="stSidebarUserContent"]').forEach(n => keep(window.__seen.menus, n.innerText));
  document.querySelectorAll('[data-testid="stException"], [role="dialog"]').forEach(
    n => keep(window.__seen.errors, n.innerText));
  if (/Traceback|ImportError|Error:/.test(document.body.innerText)) keep(window.__seen.errors, document.body.innerText);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
FILE_NAMES = {"dashboard"} | {p.stem for p in (ROOT / "pages").glob("*.py")}
ORGANISER_TITLES = {"Participants", "Contributors", "Programme", "Collector health", "Moderation", "Report", "Export"}


def _seen_lines(texts: list[str]) -> set[str]:
    return {line.strip() for text in texts for line in text.splitlines() if line.strip()}


@pytest.mark.parametrize(
    "path, shows",
    [
        ("/", ".sp-header"),
        ("/live", ".sp-header"),  # a link naming the live screen (the alerts' links): never "Page not found"
        ("/theme?theme_name=Education+theory", ".sp-card"),
        ("/participants", '[data-testid="stForm"]'),  # the organiser gate, styled, through the app
    ],
)
def test_the_first_visits_of_a_fresh_server_see_the_app(demo_url, path, shows):
    """Two tabs open the same link at once on a server that has run nothing yet."""
    require_browser()
    with streamlit_server(demo_url, SUMMITPULSE_ORGANISER_PASSWORD="first-visit-pw") as base:
        driver = chrome(1280, 900)
        try:
            tabs = []
            for _ in range(2):
                if tabs:
                    driver.switch_to.new_window("tab")
                driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
                driver.get(base + path)
                tabs.append(driver.current_window_handle)
            for handle in tabs:
                driver.switch_to.window(handle)
                wait_for(driver, shows)
                seen = driver.execute_script("return window.__seen")
                lines = _seen_lines(seen["nav"] + seen["menus"])
                assert not lines & FILE_NAMES, f"a page file's name in the sidebar: {lines & FILE_NAMES}"
                assert seen["nav"] == [], "Streamlit's own menu never shows"
                wait_for(driver, ".st-key-sp_menu a")
                lines = _seen_lines(driver.execute_script("return window.__seen.menus"))
                assert not lines & ORGANISER_TITLES, "organiser pages stay out of the menu before the password"
                assert seen["errors"] == []
                assert driver.current_url.removeprefix(base).startswith(path.split("?")[0]), "the link's page kept"
                menu = driver.find_element("css selector", ".st-key-sp_menu").text
                assert "Follow a theme" in menu and "Organiser sign-in" in menu
                styled = "return getComputedStyle(document.documentElement).getPropertyValue('--sp-accent')"
                assert driver.execute_script(styled).strip(), "the app's styles, from dashboard.py, are there"
            driver.save_screenshot(str(SCREENSHOTS / f"first-visit-{path.strip('/').split('?')[0] or 'home'}.png"))
        finally:
            driver.quit()
