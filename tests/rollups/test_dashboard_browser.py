"""The city admin's dashboard in a real browser on a phone: charts drawn, nothing wider than the
screen (a long table folds under its chart, a table reads as one card per row), the stylesheet
applied under the strict CSP."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from core.testing.browser import wait_until

from .flow import report

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def test_the_city_dashboard_fits_a_phone(report_world, db, host, browser, live_server):
    report(db, host, report_world, "school-a1")
    report(db, host, report_world, "school-a2", until="submitted", late=True)
    report(db, host, report_world, "ward-a", until="submitted")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True,
    })
    browser.get(live_server.url + "/login")
    browser.find_element(By.NAME, "username").send_keys("city_admin")
    browser.find_element(By.NAME, "password").send_keys(report_world.password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_until(browser, ec.url_to_be(live_server.url + "/"))
    heading = browser.find_element(By.CSS_SELECTOR, ".dash-title")
    assert "Tổng hợp phong trào" in heading.text
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) >= 4
    assert all(0 < chart.size["width"] <= PHONE_WIDTH for chart in charts)
    # Bars are coloured by the stylesheet (no inline style is allowed by the CSP).
    bar = browser.find_element(By.CSS_SELECTOR, "svg.chart rect.seg-approved")
    assert bar.value_of_css_property("fill") == "rgb(26, 127, 55)"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_WIDTH
    browser.get(live_server.url + f"/matrix?period={report_world.period.id}")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_WIDTH
