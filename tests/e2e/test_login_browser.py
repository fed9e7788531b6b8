"""A person signs in through the real login page of a running server, on a phone-sized screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from core.testing.browser import wait_until

pytestmark = pytest.mark.browser


def sign_in(browser, live_server, username: str, password: str) -> None:
    browser.get(live_server.url + "/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form button").click()


def test_reporter_signs_in_and_sees_their_unit(browser, live_server, world):
    sign_in(browser, live_server, "a1_reporter", world.password)
    wait_until(browser, ec.url_to_be(live_server.url + "/"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert world.tenant("school-a1").name in body
    assert world.tenant("school-a2").name not in body


def test_wrong_password_stays_on_login_with_a_message(browser, live_server, world):
    sign_in(browser, live_server, "a1_reporter", "sai-mat-khau")
    wait_until(browser, ec.text_to_be_present_in_element((By.TAG_NAME, "body"), "không đúng"),
               what="the wrong-password message")
    assert browser.current_url.startswith(live_server.url + "/login")
