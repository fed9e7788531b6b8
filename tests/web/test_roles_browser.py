"""Each role's first task from its home page, in headless Chromium at phone width (390 px), and
no page of the way wider than the screen:

* a reporter opens the report from the home page's next step, enters a figure, saves, and
  attaches proof from the criterion itself, then goes back to the report;
* a head reaches the submit step from the top of the report, is told at the top what is wrong
  (with a link to the field), ticks it and submits;
* a reviewer opens the queue from the home page and approves the report;
* a viewer and an admin open a unit's report from their home (the dashboard)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from core.testing.browser import wait_until

from .test_reports_kit import (  # noqa: F401 (fixtures)
    attach_evidence,
    page,
    report_world_fixture,
    save,
    submitted,
    thidua_config_fixture,
)

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def phone(browser) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True,
    })


def sign_in(browser, live_server, username: str, password: str) -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login")
    wait_until(browser, ec.presence_of_element_located((By.NAME, "username"))).send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_until(browser, ec.url_to_be(live_server.url + "/"))


def fits(browser) -> None:
    """No sideways scrolling of the page, and no element reaching past the screen's right edge
    (a table that scrolls inside itself still hides its columns)."""
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, (browser.current_url, width)
    wide = browser.execute_script("""
        return [...document.querySelectorAll('main *')]
          .filter(el => el.offsetParent !== null && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1
                        && getComputedStyle(el).overflowX !== 'visible' && el.tagName !== 'SELECT'
                        && el.tagName !== 'TEXTAREA' && el.tagName !== 'INPUT')
          .map(el => el.tagName + '.' + el.className + ' ' + el.scrollWidth);
    """)
    assert wide == [], (browser.current_url, wide)


def touchable(browser) -> None:
    """Every button, input and list of the page can be hit with a finger: 40 px or more (the CSS
    asks for 44), counting the label that wraps a checkbox."""
    small = browser.execute_script("""
        return [...document.querySelectorAll('main button, main input:not([type=hidden]), main select')]
          .filter(el => el.offsetParent !== null)
          .filter(el => Math.max(el.getBoundingClientRect().height,
                                 el.closest('label') ? el.closest('label').getBoundingClientRect().height : 0,
                                 ) < 40)
          .map(el => el.outerHTML.slice(0, 80));
    """)
    assert small == [], (browser.current_url, small)


def click(browser, selector: str) -> None:
    element = wait_until(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def in_view(browser, element) -> bool:
    return browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight;",
        element)


def test_a_reporter_fills_from_the_home_page_and_attaches_proof_from_the_criterion(
        browser, live_server, report_world):
    phone(browser)
    sign_in(browser, live_server, "a1_reporter", report_world.password)
    fits(browser)
    click(browser, "#my-reports .next-step-line a")
    wait_until(browser, ec.url_contains("/report#report-form"))
    fits(browser)
    # The jump menu stays at the top of the screen while the form scrolls.
    jump = browser.find_element(By.CSS_SELECTOR, "details.section-jump")
    assert jump.is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, "nav.section-index").is_displayed()
    field = browser.find_element(By.ID, "input-rpt-safety-staff")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    assert in_view(browser, jump)
    field.send_keys("20")
    click(browser, "#report-form button[name=save]")
    wait_until(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#report-status"), "Bản nháp"))
    # The index counts the section's filled criteria.
    click(browser, "details.section-jump summary")
    assert "2/6 mục" in browser.find_element(By.CSS_SELECTOR, "details.section-jump").text
    # Proof from the criterion itself: the evidence page opens with it chosen, then back.
    click(browser, "#field-rpt-safety-plan_issued a.evidence-link")
    wait_until(browser, ec.url_contains("/evidence?criterion=rpt.safety.plan_issued"))
    fits(browser)
    touchable(browser)
    chosen = browser.find_element(By.CSS_SELECTOR, "#evidence-criterion option:checked")
    assert chosen.get_attribute("value") == "rpt.safety.plan_issued"
    click(browser, "#back-to-report")
    wait_until(browser, ec.url_contains("/report#field-rpt-safety-plan_issued"))
    assert "Ai gửi báo cáo" in browser.find_element(By.ID, "who-submits").text


def test_a_head_submits_from_the_top_of_the_report(browser, live_server, report_world, client_as, db):
    head = client_as("a1_head")
    assert save(head, report_world).status_code == 302
    attach_evidence(db, report_world)
    phone(browser)
    sign_in(browser, live_server, "a1_head", report_world.password)
    fits(browser)
    click(browser, "#my-reports .next-step-line a")
    wait_until(browser, ec.url_contains("/report#submit"))
    fits(browser)
    # Sending without the confirmation: the error is listed at the top, linked to the box.
    click(browser, "#submit-report")
    problems = wait_until(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#report-problems")))
    link = problems.find_element(By.CSS_SELECTOR, 'a[href="#input-confirm"]')
    fits(browser)
    browser.execute_script("window.scrollTo(0, 0);")
    link.click()
    box = browser.find_element(By.ID, "input-confirm")
    wait_until(browser, lambda b: in_view(b, box))
    box.click()
    click(browser, "#submit-report")
    wait_until(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#report-status"), "Đã gửi"))
    fits(browser)


def test_a_reviewer_approves_from_the_queue_on_the_home_page(browser, live_server, report_world,
                                                            client_as, db):
    submitted(client_as, db, report_world)
    phone(browser)
    sign_in(browser, live_server, "ward_reviewer", report_world.password)
    fits(browser)
    click(browser, "#my-queues a.button.primary")
    wait_until(browser, ec.url_contains("/queue"))
    fits(browser)
    touchable(browser)  # the pick of each submitted report too
    click(browser, f'a[href="{page(report_world)}"]')
    wait_until(browser, ec.url_contains("/report"))
    fits(browser)
    click(browser, "#approve-report")
    wait_until(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#report-status"), "Đã duyệt"))
    fits(browser)
    # The report says which band it reached.
    assert browser.find_element(By.ID, "report-band").text != ""


@pytest.mark.parametrize("username", ["city_viewer", "city_admin"])
def test_a_viewer_and_an_admin_open_a_units_report_from_their_home(
        browser, live_server, report_world, client_as, db, username):
    submitted(client_as, db, report_world)
    phone(browser)
    sign_in(browser, live_server, username, report_world.password)
    fits(browser)
    # The city's dashboard: a ward drills down to its schools' reports.
    click(browser, f'a[href*="scope={report_world.tenant("ward-a").id}"]')
    wait_until(browser, ec.url_contains(f"scope={report_world.tenant('ward-a').id}"))
    fits(browser)
    click(browser, f'a[href="{page(report_world)}"]')
    wait_until(browser, ec.url_contains("/report"))
    fits(browser)
    assert "Trường THCS A1" in browser.find_element(By.TAG_NAME, "h1").text
