"""``GET /openapi.json`` describes every route of the API."""

from __future__ import annotations

import re

import pytest

from core.testing import REQUIRE_SPEC_VALIDATOR, import_or_skip

HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def document(app, world) -> dict:
    response = app.test_client().get("/api/v1/openapi.json")  # public: no token needed
    assert response.status_code == 200
    return response.get_json()


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi(document):
    validator = import_or_skip("openapi_spec_validator", REQUIRE_SPEC_VALIDATOR)
    validator.validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_and_method_is_documented(app, document):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]
    assert len(rules) >= 10
    for rule in rules:
        path = _openapi_path(rule.rule)
        assert path in document["paths"], path
        for method in rule.methods & HTTP_METHODS:
            operation = document["paths"][path].get(method.lower())
            assert operation is not None, (method, path)
            assert operation["summary"]
            assert operation["responses"]


def test_bodies_parameters_and_errors_come_from_the_schemas(document):
    schemas = document["components"]["schemas"]
    assert {"Error", "Tenant", "TenantCreate", "Period", "PeriodCreate", "Me"} <= set(schemas)
    assert set(schemas["Error"]["properties"]) == {"error"}
    assert set(schemas["ErrorDetail"]["properties"]) == {"code", "message", "fields", "version", "missing",
                                                         "status", "changes"}

    create = document["paths"]["/api/v1/tenants"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TenantCreate"}
    assert set(schemas["TenantCreate"]["required"]) == {"name", "kind", "parent"}
    assert {"201", "401", "403", "404", "422"} <= set(create["responses"])

    listing = document["paths"]["/api/v1/tenants"]["get"]
    names = {p["name"] for p in listing["parameters"] if p["in"] == "query"}
    assert names == {"code", "slug", "kind", "parent", "q", "limit", "offset"}

    one = document["paths"]["/api/v1/periods/{period_id}"]
    assert one["get"]["parameters"][0] == {
        "in": "path", "name": "period_id", "required": True,
        "schema": {"type": "string", "format": "uuid"}}
    assert set(one) == {"get", "patch", "put"}
    assert "409" in document["paths"]["/api/v1/periods/{period_id}/close"]["post"]["responses"]
    # Every operation documents 414 (over-long address); one with path values, 422 (a control
    # character in one is refused at the edge).
    assert all("414" in operation["responses"] for item in document["paths"].values()
               for operation in item.values())
    assert "422" in one["get"]["responses"]


def test_bearer_security_is_declared(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert {"bearerAuth": []} in document["security"]
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
