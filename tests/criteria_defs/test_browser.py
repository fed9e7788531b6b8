"""In a real browser: a ward's admin imports a table of criteria from Excel and enables it in the
ward's period; a school below fills it and sees its points."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from core import clock
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.testing.browser import wait_until
from core.users.access import SystemAccess

from .kit import workbook

pytestmark = pytest.mark.browser

TABLE = [
    {"Mã": "I.", "Cấp": 1, "Tên tiêu chí": "Phòng ngừa tội phạm", "Điểm tối đa": 100, "Loại": "Nhóm"},
    {"Mã": "1.", "Cấp": 2, "Tên tiêu chí": "Có kế hoạch phòng ngừa", "Điểm tối đa": 60, "Loại": "Định tính"},
    {"Mã": "2.", "Cấp": 2, "Tên tiêu chí": "Số buổi tuyên truyền", "Điểm tối đa": 40, "Loại": "Định lượng",
     "Đơn vị tính": "buổi", "Chỉ tiêu": 10},
]


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "defined_criteria"}


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


def expect_text(browser, selector: str, text: str) -> None:
    wait_until(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text),
               what=f"{text!r} in {selector}")


def test_a_ward_imports_a_table_and_a_school_fills_it(browser, live_server, world, db, tmp_path):
    now = clock.now_in_hanoi()
    access = SystemAccess(db=db, user=None)
    period = period_ops.create(db, access, world.tenant("ward-a"), {
        "key": "ward-2026", "kind": "thematic", "title": "Phong trào của phường",
        "opens_at": now - timedelta(days=1), "due_at": now + timedelta(days=10),
        "city_due_at": now + timedelta(days=20), "closes_at": now + timedelta(days=30)})
    period_ops.transition(db, access, period, period_models.OPEN)
    db.commit()
    table = tmp_path / "tieu-chi.xlsx"
    table.write_bytes(workbook(TABLE))
    set_key = f"d{world.tenant('ward-a').id.hex}.an_ninh"

    # The ward's admin imports the table from the period's page, then enables it for schools.
    sign_in(browser, live_server, "ward_admin", world.password)
    browser.get(f"{live_server.url}/periods/{period.id}/criteria-sets")
    click(browser, "#own-tables")
    wait_until(browser, ec.presence_of_element_located((By.ID, "table-key"))).send_keys("an_ninh")
    browser.find_element(By.ID, "table-title").send_keys("Tiêu chí an ninh của phường")
    browser.find_element(By.ID, "table-file").send_keys(str(table))
    click(browser, "#import-table")
    expect_text(browser, ".flashes", "phiên bản 1 (3 dòng)")
    browser.get(f"{live_server.url}/periods/{period.id}/criteria-sets")
    click(browser, f"input[name='enable'][value='{set_key}']")
    click(browser, f"input[name='kinds-{set_key}'][value='school']")
    click(browser, "form button.primary")
    expect_text(browser, ".flashes", "Đã lưu các bộ tiêu chí của kỳ báo cáo.")

    # A school's reporter fills it: met (60) and 5 of 10 sessions (20).
    sign_in(browser, live_server, "a1_reporter", world.password)
    browser.get(f"{live_server.url}/tenants/{world.tenant('school-a1').id}/periods/{period.id}/report")
    click(browser, f"[name='{set_key}--c_i_1']")
    quantity = wait_until(browser, ec.presence_of_element_located((By.NAME, f"{set_key}--c_i_2")))
    quantity.send_keys("5")
    click(browser, "#report-form button[type=submit]")
    expect_text(browser, ".flashes", "Đã lưu bản nháp.")
    expect_text(browser, "dd.score", "80")
    assert "1. Có kế hoạch phòng ngừa" in browser.page_source
