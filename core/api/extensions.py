"""``/tenants/<tid>/periods/<pid>/extensions``: a unit asks to report after the period closes;
an admin above it decides."""

from __future__ import annotations

import uuid

from flask import Response, url_for

from core.api.reports import report_scope
from core.api.routing import Operation, commit, load_body, respond, route
from core.reports import extensions
from core.reports.schemas import (
    ExtensionDecisionSchema,
    ExtensionListSchema,
    ExtensionRequestSchema,
    ExtensionSchema,
)

EXTENSIONS = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/extensions"
TAG = "extensions"


@route(EXTENSIONS, ["GET"], Operation(
    summary="A unit's extension requests for a period and their decisions", tag=TAG,
    response=ExtensionListSchema, errors=(404,),
))
def list_extensions(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    items = extensions.extensions_of(scope.db, scope.access, scope.tenant, scope.period)
    return respond(ExtensionListSchema(), {"items": items, "total": len(items)})


@route(EXTENSIONS, ["POST"], Operation(
    summary="Ask for an extension, with a reason and a date (the unit's head)", tag=TAG,
    ok_status=201, body=ExtensionRequestSchema, response=ExtensionSchema, errors=(403, 404, 409),
    description="`until` must fall after the period's `closes_at`; one request may wait at a time.",
))
def request_extension(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(ExtensionRequestSchema())
    extension = extensions.request_extension(scope.db, scope.access, scope.tenant, scope.period,
                                             data["reason"], data["until"])
    commit(extension)
    location = url_for(".list_extensions", tenant_id=tenant_id, period_id=period_id)
    return respond(ExtensionSchema(), extension, status=201, headers={"Location": location})


@route(f"{EXTENSIONS}/<uuid:extension_id>/decision", ["POST"], Operation(
    summary="Grant or refuse an extension (an admin above the unit)", tag=TAG,
    body=ExtensionDecisionSchema, response=ExtensionSchema, errors=(403, 404, 409, 422),
    description="A refusal needs a `note` saying why. A grant may give another date (`until`); a "
                "date already past answers 422 on `until` and the unit is told nothing. Of two "
                "decisions at once exactly one applies; the other answers 409 with the `status` now "
                "stored. The unit is notified once.",
))
def decide_extension(tenant_id: uuid.UUID, period_id: uuid.UUID, extension_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(ExtensionDecisionSchema())
    extension = extensions.decide(scope.db, scope.access, scope.tenant, extension_id, data["grant"],
                                  data["note"], until=data["until"])
    commit(extension)
    return respond(ExtensionSchema(), extension)
