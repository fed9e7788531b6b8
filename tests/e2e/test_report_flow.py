"""The reporting workflow in a real browser on a phone-sized screen: a reporter fills and saves,
the head attaches proof and submits, the reviewer returns it with a reason, the head fixes and
resubmits, the reviewer approves."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from core.testing.browser import wait_until

pytestmark = pytest.mark.browser

REASON = "Số cán bộ được tập huấn chưa khớp với danh sách đính kèm"



def sign_in(browser, live_server, username: str, password: str) -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login")
    wait_until(browser, ec.presence_of_element_located((By.NAME, "username"))).send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form button").click()
    wait_until(browser, ec.url_to_be(live_server.url + "/"))


def click(browser, selector: str) -> None:
    element = wait_until(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, selector)),
                         what=f"{selector} to be clickable")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def fill(browser, selector: str, text: str) -> None:
    element = wait_until(browser, ec.presence_of_element_located((By.CSS_SELECTOR, selector)),
                         what=f"{selector} to be present")
    element.clear()
    element.send_keys(text)


def expect_text(browser, selector: str, text: str) -> None:
    wait_until(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text),
               what=f"{text!r} in {selector}")


def fits_the_screen(browser) -> None:
    """Nothing wider than the phone: no sideways scrolling of the whole page."""
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth"), width


def test_a_report_goes_from_draft_to_approved_through_a_return(browser, live_server, report_world, tmp_path):
    tenant, period = report_world.tenant("school-a1"), report_world.period
    report = f"{live_server.url}/tenants/{tenant.id}/periods/{period.id}/report"

    # The reporter fills the safety section and saves a draft, reaching it from the navigation.
    sign_in(browser, live_server, "a1_reporter", report_world.password)
    click(browser, ".mainnav a[href='/reports']")
    click(browser, f".report-cards a[href$='/periods/{period.id}/report']")
    wait_until(browser, ec.url_to_be(report))
    fits_the_screen(browser)
    click(browser, "#input-rpt-safety-plan_issued")
    fill(browser, "#input-rpt-safety-staff", "20")
    fill(browser, "#input-rpt-safety-trained", "15")
    fill(browser, "#input-rpt-safety-incidents", "0")
    click(browser, "#report-form button[type=submit]")
    expect_text(browser, ".flashes", "Đã lưu bản nháp.")
    assert browser.find_element(By.ID, "input-rpt-safety-trained").get_attribute("value") == "15"

    # The head attaches the plan as proof through the evidence page, then signs it off.
    sign_in(browser, live_server, "a1_head", report_world.password)
    browser.get(report)
    click(browser, ".report-links a[href$='/report/evidence']")
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    Select(wait_until(browser, ec.presence_of_element_located((By.ID, "evidence-criterion")))) \
        .select_by_value("rpt.safety.plan_issued")
    browser.find_element(By.ID, "evidence-file").send_keys(str(pdf))
    click(browser, "form[enctype='multipart/form-data'] button[type=submit]")
    expect_text(browser, ".flashes", "ke-hoach.pdf")
    browser.get(report)
    click(browser, "#input-confirm")
    click(browser, "#submit-report")
    expect_text(browser, "#report-status", "Đã gửi")

    # The reviewer returns it with a reason.
    sign_in(browser, live_server, "ward_reviewer", report_world.password)
    browser.get(report)
    fits_the_screen(browser)
    fill(browser, "#input-return-reason", REASON)
    click(browser, "#return-report")
    expect_text(browser, "#report-status", "Bị trả lại")

    # The head sees the reason, fixes the figure and resubmits.
    sign_in(browser, live_server, "a1_head", report_world.password)
    browser.get(report)
    expect_text(browser, "#returned-reason", REASON)
    fill(browser, "#input-rpt-safety-trained", "18")
    click(browser, "#report-form button[type=submit]")
    expect_text(browser, ".flashes", "Đã lưu bản nháp.")
    click(browser, "#input-confirm")
    click(browser, "#submit-report")
    expect_text(browser, "#report-status", "Đã gửi")

    # The reviewer approves; the report is locked.
    sign_in(browser, live_server, "ward_reviewer", report_world.password)
    browser.get(report)
    fill(browser, "#input-approve-note", "Số liệu đã khớp")
    click(browser, "#approve-report")
    expect_text(browser, "#report-status", "Đã duyệt")
    assert not browser.find_elements(By.ID, "report-form")
    assert "Số liệu đã khớp" in browser.find_element(By.ID, "comments").text
