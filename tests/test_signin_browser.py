"""In a real headless Chromium: the browser keeps the organiser's signed token, a reload and a pasted link stay
signed in until "Sign out" has the browser forget it, and the wrong try shows on the health page."""

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from summitpulse.store import schema
from summitpulse.store.engine import open_store

from .browser import SCREENSHOTS, chrome, require_browser, streamlit_server, wait_for
from .conftest import PATIENCE

pytestmark = pytest.mark.browser
PASSWORD = "browser-organiser-pw"


FIELD = '[data-testid="stForm"] input[type="password"]'


def _menu_lists(driver, title: str, timeout: float = PATIENCE) -> None:
    menu = ".st-key-sp_menu"
    WebDriverWait(driver, timeout).until(
        lambda d: any(title in e.text for e in d.find_elements("css selector", menu)), f"{title} in the menu"
    )


def _submit(driver, password: str) -> None:
    wait_for(driver, FIELD)
    field = driver.find_element("css selector", FIELD)
    field.send_keys(Keys.CONTROL, "a")  # replaces what the field holds (clear() does not reach React's state)
    field.send_keys(password)
    driver.find_element("css selector", '[data-testid="stFormSubmitButton"] button').click()


def test_a_reload_and_a_pasted_link_stay_signed_in_until_sign_out(demo_copy_url):
    require_browser()
    engine = open_store(demo_copy_url)
    with engine.begin() as conn:  # other browser tests may have signed in wrongly on the shared demo store
        conn.execute(schema.signin_attempts.delete())
    engine.dispose()
    with streamlit_server(demo_copy_url, SUMMITPULSE_ORGANISER_PASSWORD=PASSWORD) as base:
        driver = chrome(1280, 900)
        try:
            driver.get(base + "/signin")
            wait_for(driver, FIELD)
            _submit(driver, "not-the-password")
            wait_for(driver, '[data-testid="stAlert"]')
            _submit(driver, PASSWORD)
            _menu_lists(driver, "Collector health")
            cookie = driver.get_cookie("summitpulse_organiser")
            assert cookie and PASSWORD not in cookie["value"] and cookie.get("sameSite") == "Strict"
            driver.get(base + "/health")  # a pasted link in the same browser: a new session
            _menu_lists(driver, "Collector health")
            assert not driver.find_elements("css selector", '[data-testid="stForm"]')
            page = driver.find_element("css selector", ".stMain").text
            assert "Collector health" in page and "1 wrong password" in page and "not-the-password" not in page
            driver.refresh()
            _menu_lists(driver, "Moderation")
            driver.save_screenshot(str(SCREENSHOTS / "signin-kept-after-reload.png"))
            driver.find_element("css selector", ".st-key-sp_signout button").click()  # Sign out: the cookie goes
            wait_for(driver, '[data-testid="stForm"]')
            WebDriverWait(driver, PATIENCE).until(lambda d: d.get_cookie("summitpulse_organiser") is None)
            driver.get(base + "/health")
            wait_for(driver, '[data-testid="stForm"]')
            assert "Collector health" not in driver.find_element("css selector", ".st-key-sp_menu").text
        finally:
            driver.quit()
