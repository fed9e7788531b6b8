"""End-to-end harness: the app served on 127.0.0.1 by a real WSGI server, and headless Chromium
(Debian's ``chromium`` and ``chromedriver``; never a downloaded browser) driven by Selenium."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from flask import Flask
from werkzeug.serving import make_server

from core.testing.switches import REQUIRE_BROWSER, skip_unless_required

T = TypeVar("T")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Seconds a browser test waits for a page to reach the state it expects.
WAIT_SECONDS = 20
# What the page text in a failed wait's message is cut to.
PAGE_TEXT_LIMIT = 4000
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _browser_available() -> bool:
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


@pytest.fixture
def browser(tmp_path) -> Iterator[object]:
    """A headless Chromium session. Missing Chromium skips the test, unless
    ``THIDUA_REQUIRE_BROWSER=1`` (set by CI), where it fails."""
    if not _browser_available():
        skip_unless_required(REQUIRE_BROWSER, "chromium and chromedriver are not installed "
                                              "(apt-get install chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=390,844",
        f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def page_text(browser: Any, limit: int = PAGE_TEXT_LIMIT) -> str:
    """The address and visible text of the page the browser is on, for a failure message (a
    page that cannot be read says why instead)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        url = browser.current_url
        text = browser.find_element(By.TAG_NAME, "body").text
    except WebDriverException as error:  # the message must come out even from a broken page
        return f"(the page could not be read: {error.msg})"
    return f"{url}\n{text[:limit]}"


def wait_until(browser: Any, condition: Callable[[Any], T], *, timeout: float = WAIT_SECONDS,
               what: str = "") -> T:
    """``WebDriverWait(browser, timeout).until(condition)`` that ignores only what "not yet"
    looks like while a page loads or replaces itself (a stale element, one not present yet), so
    any other browser error fails the test at once; when the time runs out the test fails
    with ``what`` it waited for and the page's address and text.

    :returns: the condition's truthy value (an element, for most expected conditions).
    """
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
        TimeoutException,
        WebDriverException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    def not_yet_when_detached(driver):
        try:
            return condition(driver)
        except WebDriverException as error:
            # Chromium answers for an element found just before its page was replaced with this
            # "unknown error", not as a stale element: the same "not yet", in another shape.
            if "does not belong to the document" in (error.msg or ""):
                return False
            raise

    waiter = WebDriverWait(browser, timeout, ignored_exceptions=(StaleElementReferenceException,
                                                                 NoSuchElementException))
    try:
        return waiter.until(not_yet_when_detached)
    except TimeoutException:
        pytest.fail(f"waited {timeout:g} s for {what or condition!r}; the page:\n{page_text(browser)}")
