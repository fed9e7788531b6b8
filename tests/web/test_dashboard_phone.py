"""The dashboard home of a city admin and of a ward reviewer, and the units × criteria matrix, on a
phone (390 px) with many units: nothing wider than the screen, not even a table scrolling inside
itself, and a page of bounded height (long per-unit tables fold under their charts, the matrix is
one card per unit with its criteria folded), while every number stays one tap away."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from core.tenants.operations import new_tenant

from .test_reports_kit import (  # noqa: F401 (fixtures)
    report_world_fixture,
    submitted,
    thidua_config_fixture,
)
from .test_roles_browser import click, fits, phone, sign_in

pytestmark = pytest.mark.browser

SCREEN = 844  # px, the phone's height (see ``phone``)
# Schools added under the ward and wards under the city: more rows than a table shows unfolded.
SCHOOLS = 24
WARDS = 16
# The whole page within this many screens, whatever the number of units (charts show at most 30
# units, the late list pages by 25). Before the tables folded, these homes were 18 and 21 screens
# tall here, and the demo's city admin's (150 units) about 200.
MAX_SCREENS = 14


@pytest.fixture(name="crowded_world")
def crowded_world_fixture(report_world, client_as, db):
    ward, city = report_world.tenant("ward-a"), report_world.tenant("ha-noi")
    for n in range(SCHOOLS):
        new_tenant(db, name=f"Trường Tiểu học Thí điểm Số {n + 1}", kind="school", parent=ward)
    for n in range(WARDS):
        new_tenant(db, name=f"Phường Thử nghiệm Số {n + 1}", kind="ward", parent=city)
    db.commit()
    submitted(client_as, db, report_world)
    return report_world


def height(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollHeight")


def folded_rows(browser) -> int:
    """Rows of the tables folded away (closed ``details``) on the page."""
    return browser.execute_script("""
        return [...document.querySelectorAll('main details.table-fold:not([open]) tbody tr')].length;
    """)


@pytest.mark.parametrize("username, units", [("city_admin", WARDS), ("ward_reviewer", SCHOOLS)])
def test_a_dashboard_home_with_many_units_fits_a_phone_and_stays_short(
        browser, live_server, crowded_world, username, units):
    phone(browser)
    sign_in(browser, live_server, username, crowded_world.password)
    # The page's purpose at the top: its title within the first screen.
    title = browser.find_element(By.CSS_SELECTOR, ".dash-title")
    assert "Tổng hợp phong trào" in title.text
    assert title.location["y"] < SCREEN * 2
    fits(browser)
    assert height(browser) < SCREEN * MAX_SCREENS, height(browser)
    # The per-unit table is folded (the added units among its rows, its summary counting them),
    # and opens to fit the screen too.
    assert folded_rows(browser) >= units
    summary = browser.find_element(By.CSS_SELECTOR, "#units-title ~ details.table-fold > summary")
    rows = browser.find_elements(By.CSS_SELECTOR, "#units-title ~ details.table-fold tbody tr")
    assert len(rows) >= units
    assert f"({len(rows)} dòng)" in summary.text
    assert not rows[-1].is_displayed()
    click(browser, "#units-title ~ details.table-fold > summary")
    assert rows[-1].is_displayed()
    # A number wraps with its column's label in front of it (kept on one line, "Đơn vị trực thuộc
    # đạt …: 1.234/1.500" made a card wider than the screen).
    spaces = browser.execute_script("""
        return [...document.querySelectorAll('main .dash-table td.number')]
          .filter(td => td.offsetParent !== null).map(td => getComputedStyle(td).whiteSpace);
    """)
    assert len(spaces) >= len(rows) * 4 and set(spaces) == {"normal"}
    fits(browser)


def test_the_matrix_is_one_card_per_unit_on_a_phone(browser, live_server, crowded_world):
    phone(browser)
    sign_in(browser, live_server, "ward_reviewer", crowded_world.password)
    browser.get(f"{live_server.url}/matrix?period={crowded_world.period.id}")
    fits(browser)
    assert height(browser) < SCREEN * MAX_SCREENS, height(browser)
    # The wide table is for wider screens; on the phone each unit is a card.
    assert not browser.find_element(By.CSS_SELECTOR, "table.matrix-table").is_displayed()
    card = browser.find_element(By.XPATH, "//ul[@class='matrix-cards']/li[.//a[text()='Trường THCS A1']]")
    assert "Đã gửi" in card.text
    card.find_element(By.TAG_NAME, "summary").click()
    listed = card.find_element(By.TAG_NAME, "dl").text
    assert "Số cán bộ được tập huấn (người)\nGiá trị: 15 · tự chấm: 60 · thẩm định: —" in listed, listed
    fits(browser)


def test_the_matrix_stays_a_table_on_a_wide_screen(browser, live_server, crowded_world):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False,
    })
    sign_in(browser, live_server, "ward_reviewer", crowded_world.password)
    browser.get(f"{live_server.url}/matrix?period={crowded_world.period.id}")
    assert browser.find_element(By.CSS_SELECTOR, "table.matrix-table").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, "ul.matrix-cards").is_displayed()
