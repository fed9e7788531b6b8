"""Nothing typed is lost, in a real browser on a phone-sized screen: the reporter types, the
session ends (logged out on another device), the save leads through the login page back to
the form with the typed values restored and a banner saying so; a save clears the kept copy.
The same holds when the form's protection token has expired with the session cookie, and the
banner offers to drop the restored values."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from sqlalchemy import select

from core.reports.models import Section
from core.testing.browser import wait_until
from core.testing.fixtures import csrf_token_from, login

pytestmark = pytest.mark.browser




def type_into(browser, element_id: str, text: str) -> None:
    element = wait_until(browser, ec.presence_of_element_located((By.ID, element_id)), what=f"#{element_id}")
    element.clear()
    element.send_keys(text)


def click(browser, selector: str) -> None:
    element = wait_until(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, selector)),
                         what=f"{selector} to be clickable")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def sign_in_here(browser, username: str, password: str) -> None:
    """Sign in on the login page the browser is on (its ``next`` is kept)."""
    wait_until(browser, ec.presence_of_element_located((By.NAME, "username"))).send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form button").click()


def value_of(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).get_attribute("value")


def kept_copies(browser, prefix: str) -> list[str]:
    return browser.execute_script(
        "var prefix = arguments[0];"
        "return Object.keys(window.localStorage).filter(function (k) { return k.indexOf(prefix) === 0; });",
        prefix)


def fits_the_screen(browser) -> None:
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth"), width


def log_out_elsewhere(app, username: str, password: str) -> None:
    """The same account signs in on another device and logs out: every session of it ends."""
    other = app.test_client()
    assert login(other, username, password).status_code == 302
    home = other.get("/").get_data(as_text=True)
    assert other.post("/logout", data={"csrf_token": csrf_token_from(home)}).status_code == 302


def stored_staff(db, world):
    db.rollback()
    db.expire_all()
    section = db.scalar(select(Section).where(Section.tenant_id == world.tenant("school-a1").id))
    return None if section is None else section.values.get("staff")


def test_typed_values_survive_the_end_of_the_session(app, db, browser, live_server, report_world):
    tenant, period = report_world.tenant("school-a1"), report_world.period
    user = report_world.user("a1_reporter")
    report = f"{live_server.url}/tenants/{tenant.id}/periods/{period.id}/report"
    prefix = f"thidua.draft.{user.id}.{tenant.id}.{period.id}.v"

    browser.get(report)  # signed out: the login page, which brings the reporter back here
    sign_in_here(browser, "a1_reporter", report_world.password)
    wait_until(browser, ec.url_to_be(report))
    fits_the_screen(browser)
    click(browser, "#input-rpt-safety-plan_issued")
    type_into(browser, "input-rpt-safety-staff", "20")
    type_into(browser, "input-rpt-safety-trained", "15")
    assert kept_copies(browser, prefix) == [prefix + "0"]

    # Logged out on another device; the save leads to the login page and back to the form.
    log_out_elsewhere(app, "a1_reporter", report_world.password)
    click(browser, "#report-form button[type=submit]")
    wait_until(browser, ec.url_contains("/login"))
    assert stored_staff(db, report_world) is None  # nothing was saved
    sign_in_here(browser, "a1_reporter", report_world.password)
    wait_until(browser, ec.url_to_be(report))
    wait_until(browser, ec.visibility_of_element_located((By.ID, "draft-banner")))
    assert "khôi phục" in browser.find_element(By.ID, "draft-banner").text
    assert value_of(browser, "input-rpt-safety-staff") == "20"
    assert value_of(browser, "input-rpt-safety-trained") == "15"
    assert browser.find_element(By.ID, "input-rpt-safety-plan_issued").is_selected()
    fits_the_screen(browser)

    # Saved: the copy kept on the device is gone and the banner with it.
    click(browser, "#report-form button[type=submit]")
    wait_until(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flashes"), "Đã lưu bản nháp."))
    assert stored_staff(db, report_world) == 20
    assert kept_copies(browser, prefix) == []
    assert not browser.find_element(By.ID, "draft-banner").is_displayed()

    # The session cookie is gone (the form's protection token with it): the refused form offers
    # the way back, which passes the login page; the typed value is back and can be dropped.
    type_into(browser, "input-rpt-safety-staff", "35")
    browser.delete_cookie("thidua_session")
    click(browser, "#report-form button[type=submit]")
    click(browser, "#error-back")
    wait_until(browser, ec.url_contains("/login"))
    sign_in_here(browser, "a1_reporter", report_world.password)
    wait_until(browser, ec.url_to_be(report))
    wait_until(browser, ec.visibility_of_element_located((By.ID, "draft-banner")))
    assert value_of(browser, "input-rpt-safety-staff") == "35"
    click(browser, "#draft-discard")
    assert value_of(browser, "input-rpt-safety-staff") == "20"
    assert not browser.find_element(By.ID, "draft-banner").is_displayed()
    assert kept_copies(browser, prefix) == []
    assert stored_staff(db, report_world) == 20
