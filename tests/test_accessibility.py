"""The public pages against WCAG 2.2 AA in a real Chromium: axe-core finds no serious or critical violation, every
chart has a text alternative, headings are real, the keyboard reaches every post with a visible focus, images
carry alt text, and motion stops when the viewer asks for less."""

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from .browser import chrome, drawn, require_browser, streamlit_server

pytestmark = pytest.mark.browser

PAGES = [
    ("/?kiosk=1", 1920, 1080),
    ("/?kiosk=1&theme=dark", 1280, 720),
    ("/", 1366, 768),  # beside the sidebar and its filters
    ("/theme?theme_name=Education+theory", 1920, 1080),
    ("/theme?theme_name=Education+theory&theme=dark", 390, 844),
]
# axe.run(document, options): the bundled Axe.run() passes options alone, which axe-core reads as the context
AXE_RUN = (
    "const done = arguments[arguments.length - 1];"
    "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice']}})"
    ".then(results => done(results), error => done({violations: [{id: String(error), impact: 'critical'}]}));"
)


@pytest.fixture(scope="module")
def server(demo_url):
    require_browser()
    with streamlit_server(demo_url) as base:
        yield base


@pytest.fixture
def page(server, request):
    path, width, height = request.param
    driver = chrome(width, height)
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}
    )
    driver.get(server + path)
    drawn(driver, path)
    yield driver
    driver.quit()


@pytest.mark.parametrize("page", PAGES, indirect=True, ids=[p for p, _, _ in PAGES])
def test_axe_finds_no_serious_or_critical_violation(page):
    axe = Axe(page)
    axe.inject()
    page.set_script_timeout(120)
    bad = [v for v in page.execute_async_script(AXE_RUN)["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, axe.report(bad) if all("helpUrl" in v for v in bad) else bad


@pytest.mark.parametrize("page", PAGES, indirect=True, ids=[p for p, _, _ in PAGES])
def test_charts_have_text_and_the_page_has_headings_and_images_alt_text(page):
    q = lambda css: page.find_elements("css selector", css)  # noqa: E731
    for chart in q(".sp-chart"):
        assert chart.get_attribute("role") == "img" and len(chart.get_attribute("aria-label")) > 20
    assert len(q("h1")) == 1 and q("h2")
    assert all(img.get_attribute("alt") is not None for img in q("img"))
    for media in q(".sp-card img.media"):
        assert media.get_attribute("alt")  # a thumbnail is content: it is described


@pytest.mark.parametrize("page", PAGES[3:], indirect=True, ids=[p for p, _, _ in PAGES[3:]])
def test_the_keyboard_reaches_every_post_with_a_visible_focus(page):
    links = page.find_elements("css selector", ".sp-card a.sp-open")
    assert links
    wanted, reached = {link.id for link in links}, set()
    for _ in range(80):
        ActionChains(page).send_keys(Keys.TAB).perform()
        focused = page.switch_to.active_element
        if focused.id in wanted:
            reached.add(focused.id)
            assert focused.value_of_css_property("outline-style") != "none"
            assert float(focused.value_of_css_property("outline-width").removesuffix("px")) >= 2
        if reached == wanted:
            break
    assert reached == wanted, f"{len(reached)} of {len(wanted)} posts reached by Tab"


@pytest.mark.parametrize("page", PAGES[:1] + PAGES[3:4], indirect=True, ids=["live", "theme"])
def test_nothing_moves_when_the_viewer_asks_for_reduced_motion(page):
    moving = page.execute_script(
        "return [...document.querySelectorAll('*')].filter(el => { const s = getComputedStyle(el);"
        " return (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0)"
        " || parseFloat(s.transitionDuration) > 0; }).map(el => el.tagName + '.' + el.className).slice(0, 10);"
    )
    assert not moving, moving
