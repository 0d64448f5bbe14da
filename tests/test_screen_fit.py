"""The live screen on every projector size, in a real headless Chromium: it fits, never scrolls, reads from afar."""

import pytest

from .browser import chrome, drawn, page_height, require_browser, streamlit_server, with_footnote

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (1280, 720), (1280, 800), (1366, 768), (1920, 1080), (3840, 2160)]
SMALLEST_TEXT = 0.02  # of the viewport's height: 15 px at 768, 43 px at 2160

# Per visible text element of the screen: its font size, and whether it ends inside the viewport and inside its panel.
MEASURE = """
const out = [];
for (const el of document.querySelectorAll('.sp-screen *')) {
  const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  if (!text || !box.width || !box.height || style.visibility === 'hidden') continue;
  const panel = el.closest('.sp-panel'), edge = panel ? panel.getBoundingClientRect() : null;
  const shown = !edge || box.left < edge.right;  // a list wraps what does not fit out of sight to the right
  if (shown) out.push([el.textContent.trim().slice(0, 40), parseFloat(style.fontSize), box.bottom,
                       edge ? box.bottom - edge.bottom : 0]);
}
return out;
"""


@pytest.fixture(scope="module")
def server(demo_url):
    require_browser()
    with streamlit_server(demo_url) as base:
        yield base


@pytest.fixture(scope="module")
def driver():
    driver = chrome(1280, 720)
    yield driver
    driver.quit()


def _open(driver, url: str, width: int, height: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(url)
    drawn(driver, "/")
    with_footnote(driver)


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width, height", SIZES)
def test_the_live_screen_fits_the_viewport_and_reads_from_the_back_row(server, driver, width, height, mode):
    _open(driver, f"{server}/?kiosk=1&theme={mode}", width, height)
    assert page_height(driver) <= height
    texts = driver.execute_script(MEASURE)
    assert texts
    tiny = [(t, size) for t, size, _, _ in texts if size < SMALLEST_TEXT * height]
    assert not tiny, tiny
    below = [(t, bottom) for t, _, bottom, _ in texts if bottom > height + 1]
    assert not below, below  # nothing drawn past the bottom edge
    cut = [(t, past) for t, _, _, past in texts if past > 1]
    assert not cut, cut  # no half a post or half a leader: whole entries or none


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_every_panel_shows_on_a_wide_projector(server, driver, width, height):
    _open(driver, f"{server}/?kiosk=1", width, height)
    for css in (".sp-p-chart", ".sp-p-wall", ".sp-p-pulse", ".sp-p-leaders", ".sp-footnote"):
        assert driver.find_element("css selector", css).is_displayed(), css
    assert len([c for c in driver.find_elements("css selector", ".sp-p-wall .sp-card") if c.is_displayed()]) >= 2


def test_a_4_3_projector_drops_the_reach_counter_and_the_theme_pulse_first(server, driver):
    _open(driver, f"{server}/?kiosk=1", 1024, 768)
    shown = lambda css: driver.find_element("css selector", css).is_displayed()  # noqa: E731
    assert not shown(".sp-p-pulse") and not shown(".sp-tile:nth-child(6)")
    assert all(shown(css) for css in (".sp-p-chart", ".sp-p-wall", ".sp-p-leaders", ".sp-footnote"))
