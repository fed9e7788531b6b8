"""``GET /openapi.json``: the API described from the routes and schemas that serve it."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec, yaml_utils
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, Response, current_app, jsonify
from werkzeug.routing import Rule

from core.api import blueprint
from core.api.routing import OPERATIONS, Operation, route
from core.api.schemas import ErrorSchema

OPENAPI_VERSION = "3.0.3"
SPEC_KEY = "thidua_openapi"
API_VERSION = "1.0.0"

_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_]\w*)>")
_CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "uuid": {"type": "string", "format": "uuid"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
}

_ERROR_DESCRIPTIONS = {
    400: "Malformed JSON, a required body missing (`missing_body`), or a missing CSRF token on a "
         "cookie-session write",
    401: "No valid bearer token or session",
    403: "The caller sees the object but their role does not allow the action",
    404: "Not found, or not visible to the caller",
    409: "The lifecycle of the object forbids the action",
    414: "The path or the query string is too long (over 2,048 and 8,192 bytes)",
    415: "A body sent with another Content-Type than application/json (`unsupported_media_type`)",
    422: "Invalid input; `error.fields` names each offending field or parameter (text with a control "
         "character, JSON nested over 32 levels, NaN or Infinity, an integer past 64 bits, a date "
         "outside 1900–2200 are refused here too)",
}


def openapi_path(rule: Rule) -> str:
    """Werkzeug's ``/periods/<uuid:period_id>`` as OpenAPI's ``/periods/{period_id}``."""
    return _ARGUMENT.sub(lambda m: "{" + m.group("name") + "}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [
        {
            "in": "path", "name": match.group("name"), "required": True,
            "schema": _CONVERTER_SCHEMAS.get(match.group("converter") or "", {"type": "string"}),
        }
        for match in _ARGUMENT.finditer(rule.rule)
    ]


def _error_statuses(rule: Rule, method: str, operation: Operation) -> list[int]:
    statuses = set(operation.errors) | {414}  # every path and query string is bounded
    if not operation.public:
        statuses.add(401)
    # Path values are checked at the edge like any parameter (control characters answer 422).
    if operation.body is not None or operation.query is not None or rule.arguments:
        statuses.add(422)
    if operation.body is not None or method not in ("GET", "HEAD"):
        statuses.add(400)
    if operation.body is not None:
        statuses.add(415)
    if rule.arguments:
        statuses.add(404)
    return sorted(statuses)


def _operation(rule: Rule, method: str, operation: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "OK" if operation.ok_status == 200 else "Created"}
    if operation.response is not None:
        success["content"] = {"application/json": {"schema": operation.response}}
    if operation.ok_status == 201:
        success["headers"] = {"Location": {"schema": {"type": "string"},
                                           "description": "URL of the new object"}}
    responses: dict[str, Any] = {str(operation.ok_status): success}
    for status in _error_statuses(rule, method, operation):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}

    spec: dict[str, Any] = {
        "operationId": f"{rule.endpoint.split('.', 1)[-1]}_{method.lower()}",
        "summary": operation.summary,
        "tags": [operation.tag],
        "responses": responses,
    }
    if operation.description:
        spec["description"] = operation.description
    parameters = _path_parameters(rule)
    if operation.query is not None:
        parameters.append({"in": "query", "schema": operation.query})
    if parameters:
        spec["parameters"] = parameters
    if operation.body is not None:
        spec["requestBody"] = {
            "required": operation.body_required,
            "content": {"application/json": {"schema": operation.body}},
        }
    if operation.public:
        spec["security"] = []
    return spec


def _docstring_operation(app: Flask, rule: Rule, method: str) -> dict[str, Any]:
    """For a view not declared through :func:`core.api.routing.route`: the YAML after ``---`` in
    its docstring (apispec's convention), or at least a stub, so the document stays complete."""
    view = app.view_functions[rule.endpoint]
    operations = yaml_utils.load_operations_from_docstring(view.__doc__ or "")
    operation = dict(operations.get(method.lower()) or {})
    operation.setdefault("summary", (view.__doc__ or rule.endpoint).strip().splitlines()[0])
    responses = dict(operation.get("responses") or {"200": {"description": "OK"}})
    responses.setdefault("414", {"$ref": "#/components/responses/Error414"})
    if rule.arguments:
        responses.setdefault("422", {"$ref": "#/components/responses/Error422"})
    operation["responses"] = {
        str(status): (answer if "description" in answer or "$ref" in answer
                      else {"description": str(status), **answer})
        for status, answer in responses.items()
    }
    if not operation.get("parameters") and rule.arguments:
        operation["parameters"] = _path_parameters(rule)
    operation.setdefault("operationId", f"{rule.endpoint.split('.', 1)[-1]}_{method.lower()}")
    return operation


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Thi Đua API", version=API_VERSION, openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={"description": "Tenant-scoped API of the Thi Đua platform. Every answer only "
                             "contains what the caller's memberships reach."},
        security=[{"bearerAuth": []}, {"sessionCookie": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("sessionCookie", {
        "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
        "description": "The web session; writes also need the X-CSRFToken header",
    })
    spec.components.schema("Error", schema=ErrorSchema)
    for status, description in _ERROR_DESCRIPTIONS.items():
        spec.components.response(f"Error{status}", {
            "description": description,
            "content": {"application/json": {"schema": "Error"}},
        })

    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(blueprint.name + "."):
            continue
        path = openapi_path(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = OPERATIONS.get((rule.endpoint, method))
            paths.setdefault(path, {})[method.lower()] = (
                _operation(rule, method, operation) if operation is not None
                else _docstring_operation(app, rule, method)
            )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@route("/openapi.json", ["GET"], Operation(
    summary="This document", tag="meta", public=True,
))
def get_openapi() -> Response:
    # The document only changes with the code: built once per app, on its first request (every
    # route and plugin is registered by then).
    spec = current_app.extensions.get(SPEC_KEY)
    if spec is None:
        spec = current_app.extensions[SPEC_KEY] = build_spec(current_app)
    return jsonify(spec)
