"""'What you missed' on the theme page, in a real Chromium, on a phone and a desktop."""

from __future__ import annotations

import pytest

from .browser import SCREENSHOTS, chrome, require_browser, streamlit_server, wait_for

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(390, 844), (1920, 1080)])
def test_what_you_missed_fits_the_screen(demo_url, width, height):
    require_browser()
    with streamlit_server(demo_url) as base:
        driver = chrome(width, height)
        try:
            driver.get(base + "/theme?theme_name=Education+theory")
            wait_for(driver, ".sp-recap")
            recap = driver.find_element("css selector", ".sp-recap")
            driver.execute_script("arguments[0].scrollIntoView()", recap)
            SCREENSHOTS.mkdir(exist_ok=True)
            driver.save_screenshot(str(SCREENSHOTS / f"theme-missed-{width}.png"))
            assert recap.size["width"] <= width
            assert driver.find_elements("css selector", ".sp-recap a.sp-cite[href^='https://']")
        finally:
            driver.quit()
