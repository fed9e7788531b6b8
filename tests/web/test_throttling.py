"""Login throttling per address and per account answers 429 with a clear Vietnamese page."""

from __future__ import annotations

import pytest

from core.testing.fixtures import login
from tests.web.helpers import text_of

TOO_MANY = "Bạn đã thử đăng nhập quá nhiều lần"


class TestPerAddress:
    @pytest.fixture
    def thidua_config(self):
        return {"LOGIN_LIMIT_PER_IP": "3/minute"}

    def test_fourth_failed_attempt_from_one_address_is_refused(self, app, world):
        client = app.test_client()
        for _attempt in range(3):
            assert login(client, "ward_admin", "wrong-password").status_code == 401
        refused = login(client, "ward_admin", "wrong-password")
        assert refused.status_code == 429
        assert TOO_MANY in text_of(refused)
        assert '<html lang="vi">' in refused.get_data(as_text=True)

    def test_the_limit_holds_for_the_right_password_too(self, app, world):
        client = app.test_client()
        for username in ("ward_admin", "commune_admin", "city_admin"):
            login(client, username, "wrong-password")
        assert login(client, "a1_reporter", world.password).status_code == 429


class TestPerAccountAndAddress:
    """The doubling wait of core.auth.throttle (its own tests are in tests/security/test_login.py)."""

    @pytest.fixture
    def thidua_config(self):
        return {"LOGIN_FREE_FAILURES": 3}

    def test_failures_on_one_account_make_that_account_wait(self, app, world):
        for _attempt in range(4):
            assert login(app.test_client(), "ward_admin", "wrong-password").status_code == 401
        refused = login(app.test_client(), "ward_admin", world.password)
        assert refused.status_code == 429
        assert "Đã có nhiều lần đăng nhập sai vào tài khoản này" in text_of(refused)
        # Another account from the same address still signs in.
        assert login(app.test_client(), "commune_admin", world.password).status_code == 302

    def test_english_page_for_an_english_reader(self, app, world):
        client = app.test_client()
        client.get("/login?lang=en")
        for _attempt in range(4):
            login(client, "ward_admin", "wrong-password")
        refused = login(client, "ward_admin", "wrong-password")
        assert refused.status_code == 429
        assert "Too many failed sign-ins to this account" in text_of(refused)
