"""Sign-in reveals nothing and locks nobody out: an unknown user costs a real verification, the
throttle slows guessing per account × address and per account, the owner's usual network and an
admin's reset get the owner back in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import extract_parameters
from sqlalchemy import func, select

from core import clock
from core.audit.models import AuditEntry
from core.testing.fixtures import login
from core.users import operations as user_ops
from core.users import passwords
from core.users.access import SystemAccess
from tests.web.helpers import text_of

START = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
OFFICE = "10.20.30.40"
WRONG = "not-the-password"


@pytest.fixture
def thidua_config():
    return {"LOGIN_FREE_FAILURES": 3, "LOGIN_MAX_DELAY": 900}


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def failed_attempts(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action == "auth.login_failed"))


class TestTiming:
    def test_an_unknown_user_verifies_the_dummy_hash_and_a_known_one_does_not(self, app, world,
                                                                               monkeypatch):
        calls = []
        real = passwords.dummy_verify
        monkeypatch.setattr(passwords, "dummy_verify",
                            lambda password: calls.append(password) or real(password))
        assert login(app.test_client(), "nobody-here", WRONG).status_code == 401
        assert calls == [WRONG]
        assert login(app.test_client(), "ward_admin", WRONG).status_code == 401
        assert calls == [WRONG]

    def test_the_dummy_hash_is_made_once_with_the_parameters_of_real_hashes(self, app):
        with app.app_context():
            first = passwords._dummy_hash(passwords._hasher())
            assert passwords._dummy_hash(passwords._hasher()) is first
            real = passwords.hash_password("mat-khau-that")
        assert extract_parameters(first) == extract_parameters(real)
        # The production hasher too: the dummy hash must cost what a stored hash costs.
        assert extract_parameters(passwords._dummy_hash(passwords._DEFAULT)) == \
            extract_parameters(passwords._DEFAULT.hash("x"))


class TestThrottle:
    def test_failures_from_one_address_make_the_next_attempts_wait_longer_and_longer(self, app, world,
                                                                                      db):
        with clock.frozen(START) as move_to:
            attacker = client_from(app, "203.0.113.9")
            for _attempt in range(4):  # three free, and the fourth is still checked
                assert login(attacker, "ward_admin", WRONG).status_code == 401
            checked = failed_attempts(db)
            waiting = login(attacker, "ward_admin", world.password)
            assert waiting.status_code == 429
            assert waiting.headers["Retry-After"] == "1"
            assert "Vui lòng thử lại sau 1 giây" in text_of(waiting)
            assert failed_attempts(db) == checked  # the password was not even checked
            move_to(START + timedelta(seconds=1))
            assert login(attacker, "ward_admin", WRONG).status_code == 401
            assert login(attacker, "ward_admin", WRONG).headers["Retry-After"] == "2"
            move_to(START + timedelta(seconds=3))
            assert login(attacker, "ward_admin", WRONG).status_code == 401
            assert login(attacker, "ward_admin", WRONG).headers["Retry-After"] == "4"
            move_to(START + timedelta(hours=2))  # the window has passed
            assert login(attacker, "ward_admin", world.password).status_code == 302

    def test_the_owner_elsewhere_is_not_slowed_by_guesses_from_one_address(self, app, world):
        with clock.frozen(START):
            attacker = client_from(app, "203.0.113.9")
            for _attempt in range(5):
                login(attacker, "ward_admin", WRONG)
            assert login(attacker, "ward_admin", world.password).status_code == 429
            assert login(client_from(app, OFFICE), "ward_admin", world.password).status_code == 302
            # Nor is another account from the attacker's own address.
            assert login(client_from(app, "203.0.113.9"), "commune_admin", world.password).status_code == 302

    def test_guesses_from_many_addresses_slow_the_account_but_not_from_its_usual_network(self, app, world):
        with clock.frozen(START) as move_to:
            assert login(client_from(app, OFFICE), "ward_admin", world.password).status_code == 302
            move_to(START + timedelta(minutes=5))
            for n in range(11):
                assert login(client_from(app, f"198.51.100.{n}"), "ward_admin", WRONG).status_code == 401
            stranger = login(client_from(app, "192.0.2.77"), "ward_admin", world.password)
            assert stranger.status_code == 429
            assert int(stranger.headers["Retry-After"]) <= 300
            # The owner, from another address of the office's network, gets in at once.
            assert login(client_from(app, "10.20.30.41"), "ward_admin", world.password).status_code == 302

    def test_an_admin_reset_lets_the_owner_in_at_once(self, app, world, db):
        with clock.frozen(START) as move_to:
            for n in range(11):
                login(client_from(app, f"198.51.100.{n}"), "ward_reporter", WRONG)
            assert login(client_from(app, "192.0.2.77"), "ward_reporter", world.password).status_code == 429
            move_to(START + timedelta(seconds=1))
            with app.test_request_context():
                temporary = user_ops.reset_password(db, SystemAccess(db=db, user=None),
                                                    world.user("ward_reporter"))
                db.commit()
            owner = client_from(app, "192.0.2.77")
            signed_in = login(owner, "ward_reporter", temporary)
            assert signed_in.status_code == 302
            assert signed_in.headers["Location"] == "/account"

    def test_an_unknown_name_is_throttled_like_a_known_one(self, app, world):
        with clock.frozen(START):
            answers = {}
            for name in ("ward_admin", "nobody-at-all"):
                client = client_from(app, "203.0.113.50")
                for _attempt in range(4):
                    login(client, name, WRONG)
                refused = login(client, name, WRONG)
                answers[name] = (refused.status_code, refused.headers.get("Retry-After"), text_of(refused))
            assert answers["ward_admin"] == answers["nobody-at-all"]
            assert answers["ward_admin"][0] == 429
