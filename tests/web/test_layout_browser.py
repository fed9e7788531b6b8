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


# A local part of 60 characters without a hyphen or a dot (a name run together), in a unit whose
# slug is long too: before such names wrapped, every account card on the page grew to 620 px.
LONG_LOCAL = "nguyenthithanhhuongphongvanhoathongtinvataisanbaotangthanhp"[:60]


def create_account(browser, local: str) -> None:
    """Fill /admin/users' account form (the unit the page offers first) and send it."""
    browser.find_element(By.ID, "new-username").send_keys(local)
    browser.find_element(By.ID, "new-full_name").send_keys("Nguyễn Thị Thanh Hương")
    browser.find_element(By.ID, "new-password").send_keys("mot-mat-khau-dai")
    browser.find_element(By.CSS_SELECTOR, "#new-user form button[type=submit]").click()


def test_a_long_sign_in_name_wraps_within_a_phone(browser, live_server, world):
    phone(browser)
    sign_in(browser, live_server, "city_admin", world.password)
    browser.get(live_server.url + "/admin/users")
    create_account(browser, LONG_LOCAL)
    flash = wait_until(browser, ec.visibility_of_element_located((By.CSS_SELECTOR, ".flash-success")),
                       what="the confirmation")
    assert f"{LONG_LOCAL}@ha-noi" in flash.text
    # Back at the top of the list, where the confirmation is.
    assert browser.current_url == live_server.url + "/admin/users#main"
    assert flash.rect["x"] + flash.rect["width"] <= PHONE_WIDTH
    assert overflow(browser) <= PHONE_WIDTH
    browser.get(live_server.url + f"/admin/users?q={LONG_LOCAL}")
    name = browser.find_element(By.CSS_SELECTOR, ".member .code")
    assert name.text == f"{LONG_LOCAL}@ha-noi"
    card = browser.find_element(By.CSS_SELECTOR, ".member")
    assert card.rect["x"] + card.rect["width"] <= PHONE_WIDTH
    assert name.rect["height"] > 1.5 * float(name.value_of_css_property("line-height").rstrip("px"))
    assert overflow(browser) <= PHONE_WIDTH


def test_a_refused_account_form_is_where_the_page_opens(browser, live_server, world):
    phone(browser)
    sign_in(browser, live_server, "city_admin", world.password)
    browser.get(live_server.url + "/admin/users")
    create_account(browser, "x")
    error = wait_until(browser, ec.visibility_of_element_located((By.ID, "new-username-error")),
                       what="the name's error")
    assert browser.current_url == live_server.url + "/admin/users#new-user"
    # The form's section at the top of the screen, its error within the screen, the page scrolled.
    top, error_top, scrolled = browser.execute_script("""
        return [document.getElementById('new-user').getBoundingClientRect().top,
                arguments[0].getBoundingClientRect().top, window.scrollY];
    """, error)
    assert abs(top) <= 2
    assert 0 < error_top < 844
    assert scrolled > 1000
    hint = browser.find_element(By.ID, "new-username-hint").text
    assert hint.endswith(": x@ha-noi.")


def test_the_name_hint_follows_what_is_typed_and_the_unit_chosen(browser, live_server, world):
    from selenium.webdriver.support.ui import Select

    sign_in(browser, live_server, "ward_admin", world.password)
    browser.get(live_server.url + "/admin/users")
    hint = browser.find_element(By.ID, "new-username-hint")
    lead = "Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn"
    assert hint.text == f"{lead}, ví dụ vana@ward-a."
    typed = browser.find_element(By.ID, "new-username")
    typed.send_keys(" VanB$&")
    wait_until(browser, lambda _b: hint.text == f"{lead}: vanb$&@ward-a.", what="the typed name")
    Select(browser.find_element(By.ID, "new-tenant")).select_by_value(str(world.tenant("school-a1").id))
    wait_until(browser, lambda _b: hint.text == f"{lead}: vanb$&@school-a1.", what="the unit's suffix")
    typed.send_keys("@ward-a")
    wait_until(browser, lambda _b: hint.text == f"{lead}: vanb$&@school-a1.", what="the unit's suffix kept")
    browser.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'));", typed)
    wait_until(browser, lambda _b: hint.text == f"{lead}, ví dụ vana@school-a1.", what="the sample")
