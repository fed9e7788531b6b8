"""A missing tool skips a test on a developer's machine and fails it where its switch is on."""

from __future__ import annotations

import pytest

from core.testing import REQUIRE_OPENSSL, REQUIRE_SPEC_VALIDATOR, import_or_skip, skip_unless_required


def test_without_the_switch_the_test_is_skipped_with_the_reason(monkeypatch):
    monkeypatch.delenv(REQUIRE_OPENSSL, raising=False)
    with pytest.raises(pytest.skip.Exception, match="openssl is missing"):
        skip_unless_required(REQUIRE_OPENSSL, "openssl is missing")


def test_with_the_switch_the_test_fails_and_names_it(monkeypatch):
    monkeypatch.setenv(REQUIRE_OPENSSL, "1")
    with pytest.raises(pytest.fail.Exception, match="THIDUA_REQUIRE_OPENSSL=1"):
        skip_unless_required(REQUIRE_OPENSSL, "openssl is missing")


def test_a_missing_module_fails_under_its_switch(monkeypatch):
    monkeypatch.setenv(REQUIRE_SPEC_VALIDATOR, "1")
    with pytest.raises(pytest.fail.Exception, match="no_such_module_here"):
        import_or_skip("no_such_module_here", REQUIRE_SPEC_VALIDATOR)
    assert import_or_skip("json", REQUIRE_SPEC_VALIDATOR).dumps([]) == "[]"
