"""The one error shape: status codes, codes, messages and field names."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from core.tenants.models import Tenant

from .helpers import error_of


@pytest.fixture
def admin(api_as):
    return api_as("ward_admin")


def _tenant_count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(Tenant))


@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v1", "/api/v1/tenants/not-a-uuid",
                                 "/api/v1/periods/123/open"])
def test_unknown_routes_answer_404_json(admin, url):
    response = admin.get(url)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_unknown_routes_answer_404_json_even_without_a_caller(app, world):
    response = app.test_client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_answers_405_json_with_allow(admin):
    response = admin.delete("/api/v1/me")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_malformed_json_answers_400(admin, world, db):
    before = _tenant_count(db)
    response = admin.post("/api/v1/tenants", data='{"name": "Trường', content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"
    assert _tenant_count(db) == before


def test_a_body_that_is_not_an_object_answers_422(admin):
    response = admin.post("/api/v1/tenants", json=["Trường"])
    assert response.status_code == 422
    assert "_schema" in error_of(response)["fields"]


def test_unknown_fields_are_rejected_by_name(admin, world, db):
    before = _tenant_count(db)
    response = admin.post("/api/v1/tenants", json={
        "name": "Trường THCS A3", "kind": "school", "parent": str(world.tenant("ward-a").id),
        "tenant_id": str(world.tenant("commune-b").id),
    })
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["tenant_id"]
    assert error["fields"]["tenant_id"] == ["Trường này không được chấp nhận."]
    assert _tenant_count(db) == before


def test_missing_and_invalid_fields_are_each_named_in_vietnamese(admin):
    response = admin.post("/api/v1/tenants", json={"kind": "school", "parent": "abc"})
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert fields == {
        "name": ["Trường này là bắt buộc."],
        "parent": ["Phải là một mã định danh (UUID) hợp lệ."],
    }


def test_lazy_messages_are_sent_as_plain_text(admin, period_body):
    # The period key's message is a lazy string in the schema.
    response = admin.post("/api/v1/periods", json=period_body(key="Kỳ 2027"))
    assert response.status_code == 422
    [message] = error_of(response)["fields"]["key"]
    assert "chữ thường không dấu" in message


def test_operation_errors_keep_their_status(admin, world):
    # Forbidden from the operations layer: ward_admin sees the city period but does not run it.
    response = admin.post(f"/api/v1/periods/{world.period.id}/close")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    # NotFound: a random id.
    response = admin.get(f"/api/v1/periods/{uuid.uuid4()}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_messages_follow_the_interface_language(admin):
    response = admin.post("/api/v1/tenants?lang=en", json={"kind": "school", "parent": "abc"})
    assert response.status_code == 422
    assert error_of(response)["fields"]["name"]  # ?lang= is not rejected as an unknown parameter


def test_paths_outside_the_api_keep_the_sites_own_answers(app, world):
    client = app.test_client()
    for url in ("/no-such-page", "/api/v10/me", "/api"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not (response.is_json and "error" in response.get_json()), url
