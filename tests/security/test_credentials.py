"""Credentials: an admin's password reset (API and page), API tokens listed, given an expiry and
revoked (by their owner, or by an admin of the owner's units), each audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.testing.fixtures import csrf_token_from, login
from core.users.models import ApiToken, User
from tests.web.helpers import post_form, text_of

START = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


def audit(db, action: str) -> list[AuditEntry]:
    db.expire_all()
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def stored_user(db, world, username: str) -> User:
    db.expire_all()
    return db.get(User, world.user(username).id)


class TestPasswordReset:
    def test_an_admin_above_resets_and_the_user_must_choose_a_new_password(self, app, world, db, api_as,
                                                                           client_as):
        victim_session = client_as("a1_reporter")
        victim_token = api_as("a1_reporter")
        assert victim_token.get("/api/v1/me").status_code == 200
        before = stored_user(db, world, "a1_reporter").password_hash

        answer = api_as("ward_admin").post(f"/api/v1/users/{world.user('a1_reporter').id}/password-reset")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        temporary = answer.get_json()["temporary_password"]
        assert answer.get_json()["must_change"] is True
        assert before not in answer.get_data(as_text=True)

        user = stored_user(db, world, "a1_reporter")
        assert user.password_must_change and user.password_hash != before
        assert victim_session.get("/").status_code == 302  # the old session died
        assert victim_token.get("/api/v1/me").status_code == 401  # so did the token
        [entry] = audit(db, "user.password_reset")
        assert entry.actor_id == world.user("ward_admin").id and str(entry.object_id) == str(user.id)
        assert temporary not in str(entry.changes) and temporary not in entry.reason

        client = app.test_client()
        assert login(client, "a1_reporter", world.password).status_code == 401  # the old one is gone
        signed_in = login(client, "a1_reporter", temporary)
        assert signed_in.headers["Location"] == "/account"
        assert client.get("/reports").headers["Location"] == "/account"  # nothing else until then
        refused = client.get("/api/v1/me")
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "password_change_required"
        page = client.get("/account")
        assert "Quản trị viên đã đặt lại mật khẩu của bạn" in text_of(page)
        changed = client.post("/account/password", data={
            "password-current": temporary, "password-new": "mat-khau-rieng-moi",
            "password-confirm": "mat-khau-rieng-moi",
            "password-csrf_token": csrf_token_from(page.get_data(as_text=True)),
        })
        assert changed.status_code == 302
        assert client.get("/reports").status_code == 200
        assert not stored_user(db, world, "a1_reporter").password_must_change

    @pytest.mark.parametrize(("caller", "target", "status"), [
        ("commune_admin", "a1_reporter", 404),  # another branch: unknown
        ("a2_head", "a1_reporter", 404),        # a sibling school
        ("ward_reviewer", "a1_reporter", 403),  # sees the user, is no admin
        ("ward_admin", "ward_admin", 403),      # not one's own
        ("ward_admin", "ward_reporter", 200),   # an admin of the user's own unit
        ("city_admin", "ward_admin", 200),      # an admin, from the unit above
    ])
    def test_who_may_reset(self, world, db, api_as, caller, target, status):
        answer = api_as(caller).post(f"/api/v1/users/{world.user(target).id}/password-reset")
        assert answer.status_code == status, answer.get_data(as_text=True)
        assert stored_user(db, world, target).password_must_change is (status == 200)

    def test_an_admin_of_the_same_unit_may_not_reset_another_admin(self, app, world, db, api_as):
        from core.users import operations as user_ops
        from core.users.access import SystemAccess

        with app.test_request_context():
            peer = user_ops.create_user(db, SystemAccess(db=db, user=None), "ward_admin2", "mat-khau-dai-du")
            user_ops.add_membership(db, SystemAccess(db=db, user=None), peer, world.tenant("ward-a"), "admin")
            db.commit()
        assert api_as("ward_admin").post(f"/api/v1/users/{peer.id}/password-reset").status_code == 403

    def test_the_admin_page_shows_the_temporary_password_once(self, app, world, db, client_as):
        admin = client_as("ward_admin")
        user_id = world.user("ward_reporter").id
        page = post_form(admin, "/admin/users", f"/admin/users/{user_id}/password", {})
        assert page.status_code == 200
        shown = page.get_data(as_text=True).split('id="temporary-password">', 1)[1].split("<", 1)[0]
        assert login(app.test_client(), "ward_reporter", shown).status_code == 302
        assert admin.post(f"/admin/users/{user_id}/password").status_code == 400  # CSRF


class TestTokens:
    def test_a_token_lives_until_its_expiry(self, app, world, api_as, client_as):
        refused = api_as("a1_head").post("/api/v1/tokens", json={"label": "thêm một mã"})
        assert refused.status_code == 403  # a token does not make tokens
        with clock.frozen(START) as move_to:
            session = client_as("a1_head")
            csrf = session.get("/api/v1/csrf-token").get_json()["csrf_token"]
            created = session.post("/api/v1/tokens", json={"label": "báo cáo tự động", "expires_in_days": 30},
                                   headers={"X-CSRFToken": csrf})
            assert created.status_code == 201, created.get_data(as_text=True)
            body = created.get_json()
            assert body["token"].startswith("td_") and body["usable"] is True
            client = app.test_client()
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {body['token']}"
            assert client.get("/api/v1/me").status_code == 200
            listed = client.get("/api/v1/tokens").get_json()["items"]
            assert body["id"] in {t["id"] for t in listed}
            assert body["token"] not in str(listed)
            move_to(START + timedelta(days=30, seconds=1))
            assert client.get("/api/v1/me").status_code == 401

    def test_a_fraction_of_a_day_is_refused_not_truncated(self, client_as):
        session = client_as("a1_head")
        csrf = session.get("/api/v1/csrf-token").get_json()["csrf_token"]
        for days in (1.5, "1,5"):
            refused = session.post("/api/v1/tokens", json={"label": "thử", "expires_in_days": days},
                                   headers={"X-CSRFToken": csrf})
            assert refused.status_code == 422, refused.get_data(as_text=True)
            assert list(refused.get_json()["error"]["fields"]) == ["expires_in_days"]
        assert session.get("/api/v1/tokens").get_json()["items"] == []

    def test_the_owner_revokes_and_nobody_else_finds_the_token(self, app, world, db, api_as):
        owner = api_as("a1_head")
        token_id = owner.get("/api/v1/tokens").get_json()["items"][0]["id"]
        assert api_as("a2_head").delete(f"/api/v1/tokens/{token_id}").status_code == 404
        assert api_as("ward_admin").delete(f"/api/v1/tokens/{token_id}").status_code == 404
        assert owner.delete(f"/api/v1/tokens/{token_id}").status_code == 204
        assert owner.get("/api/v1/me").status_code == 401
        assert [e.object_id for e in audit(db, "token.revoke")] == [token_id]

    def test_an_admin_revokes_every_token_of_a_user_in_their_units(self, world, db, api_as):
        reporter = api_as("a1_reporter")
        api_as("a1_reporter")
        assert api_as("commune_admin").delete(f"/api/v1/users/{world.user('a1_reporter').id}/tokens") \
            .status_code == 404
        listed = api_as("ward_admin").get(f"/api/v1/users/{world.user('a1_reporter').id}/tokens")
        assert listed.status_code == 200 and listed.get_json()["total"] == 2
        revoked = api_as("ward_admin").delete(f"/api/v1/users/{world.user('a1_reporter').id}/tokens")
        assert revoked.get_json() == {"revoked": 2}
        assert reporter.get("/api/v1/me").status_code == 401
        assert len(audit(db, "token.revoke")) == 2

    def test_the_account_page_makes_a_token_shown_once_and_revokes_it(self, app, world, db, client_as):
        client = client_as("a1_head")
        made = post_form(client, "/account", "/account/tokens", {"label": "máy chủ", "days": "90"},
                         prefix="token")
        assert made.status_code == 201
        html = made.get_data(as_text=True)
        value = html.split('id="new-token">', 1)[1].split("<", 1)[0]
        db.expire_all()
        row = db.scalar(select(ApiToken).where(ApiToken.label == "máy chủ"))
        assert row.expires_at is not None and (row.expires_at - row.created_at).days == 90
        assert value not in client.get("/account").get_data(as_text=True)
        page = client.get("/account")
        revoke = client.post(f"/account/tokens/{row.id}/revoke",
                             data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert revoke.status_code == 302
        api = app.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {value}"
        assert api.get("/api/v1/me").status_code == 401

    def test_the_command_line_gives_a_token_an_expiry(self, app, world, db):
        with app.app_context():  # as ``thidua`` runs it
            result = app.test_cli_runner().invoke(args=["users", "token", "a1_head", "--days", "7"])
        assert result.exit_code == 0, result.output
        db.expire_all()
        row = db.scalar(select(ApiToken).where(ApiToken.label == "cli"))
        assert (row.expires_at - row.created_at) == timedelta(days=7)
