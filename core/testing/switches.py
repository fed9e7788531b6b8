"""Skips that cannot hide a failure: each names a "must run" switch (an environment variable).

Where the thing a test needs is missing (Chromium, a source checkout's ``babel.cfg``, the spec
validator, ``openssl``, ``pdftotext``, Redis) the test is skipped with the reason, except when
its switch is ``1``: CI sets every switch (``.ci/run``), so there a missing piece fails the run
instead of quietly shrinking it.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

__all__ = [
    "REQUIRE_BROWSER",
    "REQUIRE_OPENSSL",
    "REQUIRE_PDFTOTEXT",
    "REQUIRE_REDIS",
    "REQUIRE_SOURCE",
    "REQUIRE_SPEC_VALIDATOR",
    "import_or_skip",
    "required",
    "skip_unless_required",
]

REQUIRE_BROWSER = "THIDUA_REQUIRE_BROWSER"  # headless Chromium and chromedriver
REQUIRE_SOURCE = "THIDUA_REQUIRE_SOURCE"  # a source checkout (babel.cfg): the translation check
REQUIRE_SPEC_VALIDATOR = "THIDUA_REQUIRE_SPEC_VALIDATOR"  # openapi-spec-validator (dev extra)
REQUIRE_OPENSSL = "THIDUA_REQUIRE_OPENSSL"  # openssl, to make the SMTP test's certificate
REQUIRE_REDIS = "THIDUA_REQUIRE_REDIS"  # REDIS_URL: the rq backend and a real worker process
REQUIRE_PDFTOTEXT = "THIDUA_REQUIRE_PDFTOTEXT"  # pdftotext (poppler-utils), to read PDFs back


def required(switch: str) -> bool:
    """Whether the must-run ``switch`` is on (its variable is ``1``)."""
    return os.environ.get(switch) == "1"


def skip_unless_required(switch: str, reason: str) -> NoReturn:
    """Skip the test with ``reason``; fail it instead when ``switch`` is on.

    :raises pytest.skip.Exception: the switch is off.
    :raises pytest.fail.Exception: the switch is on (the message names it).
    """
    if required(switch):
        pytest.fail(f"{reason} ({switch}=1 requires this test to run)")
    pytest.skip(reason)


def import_or_skip(name: str, switch: str) -> ModuleType:
    """``pytest.importorskip`` that fails under ``switch`` instead of skipping."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        skip_unless_required(switch, f"{name} is not installed ({error})")
