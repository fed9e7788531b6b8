"""Who may call the API: bearer tokens, the web session with CSRF on writes, and nobody else."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.periods.models import ReportingPeriod
from core.users.access import SystemAccess
from core.users.operations import set_active

from .helpers import error_of


def test_no_token_answers_401_json_not_a_redirect(app, world):
    client = app.test_client()
    for method, url in (("GET", "/api/v1/me"), ("GET", "/api/v1/tenants"),
                        ("POST", "/api/v1/tenants"), ("GET", f"/api/v1/periods/{world.period.id}")):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, (method, url)
        assert "Location" not in response.headers
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_answers_401(app, world):
    client = app.test_client()
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer td_not-a-real-token"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_bearer_token_identifies_the_user(api_as):
    response = api_as("ward_reviewer").get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "ward_reviewer"


def test_token_of_a_deactivated_user_answers_401(api_as, world, db):
    client = api_as("ward_admin")
    assert client.get("/api/v1/me").status_code == 200
    set_active(db, SystemAccess(db=db, user=None), world.user("ward_admin"), False)
    db.commit()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_session_cookie_works_for_reads(client_as):
    response = client_as("a1_reporter").get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "a1_reporter"


def _state(db, period_id) -> str:
    db.rollback()  # a fresh snapshot: the request committed on its own connection
    return db.scalar(select(ReportingPeriod.state).where(ReportingPeriod.id == period_id))


def test_cookie_session_write_without_csrf_token_is_refused(client_as, world, db):
    client = client_as("city_admin")
    response = client.post(f"/api/v1/periods/{world.period.id}/close", json={})
    assert response.status_code == 400
    assert error_of(response)["code"] == "csrf_failed"
    assert _state(db, world.period.id) == "open"

    response = client.post(
        f"/api/v1/periods/{world.period.id}/close", json={}, headers={"X-CSRFToken": "forged"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "csrf_failed"
    assert _state(db, world.period.id) == "open"


def test_cookie_session_write_with_csrf_token_works(client_as, world, db):
    client = client_as("city_admin")
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    response = client.post(
        f"/api/v1/periods/{world.period.id}/close", json={"reason": "Hết hạn"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == "closed"
    assert _state(db, world.period.id) == "closed"


def test_bearer_writes_need_no_csrf_token(api_as, world, db):
    response = api_as("city_admin").post(f"/api/v1/periods/{world.period.id}/close")
    assert response.status_code == 200
    assert _state(db, world.period.id) == "closed"


def test_csrf_token_endpoint_needs_a_caller(app, world):
    response = app.test_client().get("/api/v1/csrf-token")
    assert response.status_code == 401


def test_the_bearer_token_request_is_not_audited_as_a_login(api_as, db):
    # Using a token is not a login; only the token's issue is on record.
    api_as("ward_admin").get("/api/v1/me")
    db.rollback()
    actions = set(db.scalars(select(AuditEntry.action)))
    assert "token.issue" in actions
    assert "auth.login" not in actions
