"""The browser tests' one wait: only "not yet" is waited out; anything else fails at once, and a
wait that runs out shows the page it was looking at."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import JavascriptException, NoSuchElementException
from selenium.webdriver.common.by import By

from core.testing.browser import wait_until

pytestmark = pytest.mark.browser


def test_a_wait_that_runs_out_fails_with_the_pages_text(browser, live_server, world):
    browser.get(live_server.url + "/login")
    with pytest.raises(pytest.fail.Exception) as failure:
        wait_until(browser, lambda b: b.find_element(By.ID, "no-such-thing"), timeout=1,
                   what="#no-such-thing")
    message = str(failure.value)
    assert "#no-such-thing" in message
    assert live_server.url + "/login" in message
    assert browser.find_element(By.TAG_NAME, "h1").text in message


def test_an_element_not_there_yet_is_waited_for(browser, live_server, world):
    browser.get(live_server.url + "/login")
    calls = []

    def appears_on_the_third_look(b):
        calls.append(1)
        if len(calls) < 3:
            raise NoSuchElementException("not yet")
        return b.find_element(By.NAME, "username")

    assert wait_until(browser, appears_on_the_third_look).get_attribute("name") == "username"


def test_any_other_browser_error_fails_at_once(browser, live_server, world):
    browser.get(live_server.url + "/login")
    with pytest.raises(JavascriptException):
        wait_until(browser, lambda b: b.execute_script("throw new Error('hỏng')"))


def test_an_element_whose_page_was_just_replaced_is_waited_out(browser, live_server, world):
    """Chromium reports an element found just before its page was replaced as an "unknown
    error" naming a node that no longer belongs to the document: waited out like a stale
    element. Any other unknown error still fails at once."""
    from selenium.common.exceptions import WebDriverException

    browser.get(live_server.url + "/login")
    calls = []

    def detached_on_the_first_look(b):
        calls.append(1)
        if len(calls) < 2:
            raise WebDriverException('unknown error: unhandled inspector error: {"code":-32000,'
                                     '"message":"Node with given id does not belong to the document"}')
        return b.find_element(By.NAME, "username")

    assert wait_until(browser, detached_on_the_first_look).get_attribute("name") == "username"

    def another_unknown_error(_b):
        raise WebDriverException("unknown error: something else")

    with pytest.raises(WebDriverException, match="something else"):
        wait_until(browser, another_unknown_error)
