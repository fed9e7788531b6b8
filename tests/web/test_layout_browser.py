"""The pages in a real browser on a phone-sized screen: nothing wider than the screen, touch
targets big enough, and the stylesheet actually applied under the strict CSP."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from core.testing.browser import wait_until

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
MIN_TARGET = 40  # px; the CSS asks for 44, a little slack for rounding


def sign_in(browser, live_server, username: str, password: str) -> None:
    browser.get(live_server.url + "/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_until(browser, ec.url_to_be(live_server.url + "/"))


def phone(browser) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True,
    })


def overflow(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollWidth")


def small_targets(browser) -> list[str]:
    return browser.execute_script("""
        return [...document.querySelectorAll('main button, main input:not([type=hidden]), main select,'
                                              + ' header a, header button')]
          .filter(el => el.offsetParent !== null)
          .filter(el => el.getBoundingClientRect().height < arguments[0])
          .map(el => el.outerHTML.slice(0, 80));
    """, MIN_TARGET)


def test_login_page_fits_a_phone_and_is_styled(browser, live_server, world):
    phone(browser)
    browser.get(live_server.url + "/login")
    assert overflow(browser) <= PHONE_WIDTH
    button = browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]")
    # The red primary button proves the stylesheet loaded despite the CSP.
    assert button.value_of_css_property("background-color") == "rgba(179, 38, 30, 1)"
    assert small_targets(browser) == []


# In English too: its labels are longer ("Remind the 5 units that have not sent their report"),
# and a button's label must wrap rather than push the page wider than the screen.
@pytest.mark.parametrize("path", ["/", "/admin/tenants", "/admin/users", "/admin/periods", "/?lang=en",
                                  "/dashboard?lang=en"])
def test_signed_in_pages_fit_a_phone(browser, live_server, world, path):
    phone(browser)
    sign_in(browser, live_server, "city_admin", world.password)
    browser.get(live_server.url + path)
    assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
    assert overflow(browser) <= PHONE_WIDTH, path
    assert small_targets(browser) == [], path


def test_a_button_with_a_long_label_wraps_within_a_phone(browser, live_server, world):
    """Buttons keep short labels on one line, but a long one (an English sentence such as the
    dashboard's "Remind the 12 units that have not sent their report") wraps instead of pushing the
    page wider than the screen."""
    phone(browser)
    sign_in(browser, live_server, "city_admin", world.password)
    browser.get(live_server.url + "/?lang=en")
    right = browser.execute_script("""
        const main = document.querySelector('main');
        const button = document.createElement('button');
        button.className = 'button primary';
        button.textContent = 'Remind the 12 units that have not sent their report before the deadline';
        main.prepend(button);
        const short = document.createElement('a');
        short.className = 'button';
        short.textContent = 'Save';
        main.prepend(short);
        return [button.getBoundingClientRect().right, short.getBoundingClientRect().height,
                button.getBoundingClientRect().height];
    """)
    assert right[0] <= PHONE_WIDTH
    assert overflow(browser) <= PHONE_WIDTH
    assert right[2] > right[1]  # the long label took two lines, the short one one
