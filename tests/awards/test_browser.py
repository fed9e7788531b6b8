"""In headless Chromium at phone width (390 px): a ward's head opens the commendation dossier from
the navigation, proposes a collective and a person, and Công an Thành phố vets it; no page of the
way is wider than the screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from core.testing.browser import page_text, wait_until
from tests.awards.files import PDF

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def sign_in(browser, live_server, username: str, password: str) -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login")
    wait_until(browser, ec.presence_of_element_located((By.NAME, "username"))).send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_until(browser, ec.url_to_be(live_server.url + "/"))


def click(browser, selector: str) -> None:
    element = wait_until(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def fits(browser) -> None:
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, (browser.current_url, width)


def shows(browser, text: str) -> None:
    wait_until(browser, lambda b: text in page_text(b))


def test_a_ward_proposes_and_the_city_police_vets_on_a_phone(browser, live_server, awards_world, tmp_path):
    world = awards_world
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True})

    sign_in(browser, live_server, "ward_head", world.password)
    browser.get(live_server.url + "/nominations")
    shows(browser, "Hồ sơ đề nghị khen thưởng")
    fits(browser)
    click(browser, "main form button[type=submit]")
    shows(browser, "Tóm tắt thành tích")
    fits(browser)
    browser.find_element(By.ID, "justification").send_keys("Ba năm liền không có vụ việc phức tạp")
    click(browser, "#justification ~ button")
    shows(browser, "Đã lưu tóm tắt thành tích.")
    Select(browser.find_element(By.ID, "nominee-award")).select_by_value("giay-khen-cong-an-tp")
    Select(browser.find_element(By.ID, "nominee-subject")).select_by_value("individual")
    browser.find_element(By.ID, "nominee-name").send_keys("Vũ Thị Lan")
    browser.find_element(By.ID, "nominee-position").send_keys("Công an viên")
    click(browser, "#nominee-form button[type=submit]")
    shows(browser, "Vũ Thị Lan")
    fits(browser)
    memo = tmp_path / "tờ trình.pdf"
    memo.write_bytes(PDF)
    browser.find_element(By.ID, "attachment-file").send_keys(str(memo))
    click(browser, "#attachment-form button[type=submit]")
    shows(browser, "Đã đính kèm tệp.")
    click(browser, ".step-submit button")
    shows(browser, "Chờ Công an Thành phố thẩm định")
    dossier = browser.current_url

    sign_in(browser, live_server, "police_reviewer", world.password)
    browser.get(dossier)
    shows(browser, "Vũ Thị Lan")
    fits(browser)
    browser.find_element(By.ID, "vet-note").send_keys("Đủ điều kiện")
    click(browser, ".step-vet button")
    shows(browser, "Chờ Sở Nội vụ thẩm định")
    fits(browser)
