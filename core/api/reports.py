"""``/tenants/<tid>/periods/<pid>/report``: a unit's report for one period, its draft and its
moves (submit, return, approve, reopen, explanation)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify
from sqlalchemy.orm import Session

from core.api.errors import flatten_messages
from core.api.routing import Operation, commit, load_body, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.periods.models import ReportingPeriod
from core.plugins import current_host
from core.plugins.manager import PluginHost
from core.reports import operations
from core.reports.operations import Incomplete
from core.reports.schemas import (
    ExplanationSchema,
    OptionalReasonSchema,
    ReportSaveSchema,
    ReportViewSchema,
    RequiredReasonSchema,
    ReturnSchema,
    VersionSchema,
)
from core.reports.view import report_view
from core.tenants.models import Tenant
from core.users.access import Access

REPORT = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/report"
TAG = "reports"


@dataclass(frozen=True)
class Scope:
    """Everything an endpoint on one unit's report needs, checked for visibility."""

    db: Session
    access: Access
    host: PluginHost
    tenant: Tenant
    period: ReportingPeriod


def report_scope(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Scope:
    """The unit and the period if the caller sees both and the period covers the unit; 404
    otherwise, whichever part is missing."""
    db, access = session(), current_access()
    tenant, period = operations.visible_unit_and_period(db, access, tenant_id, period_id)
    return Scope(db, access, current_host(), tenant, period)


# Made once: a schema instance builds its nested schemas on first use, and dumping keeps no state
# on it (the API serves every report read with this one).
_VIEW_SCHEMA = ReportViewSchema()


def view_response(scope: Scope, status: int = 200) -> Response:
    view = report_view(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    return respond(_VIEW_SCHEMA, view, status=status)


def error_with(status: int, code: str, message: str, **extra: Any) -> Response:
    """The API's error shape with extra members beside ``code`` and ``message``."""
    session().rollback()
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


_VIEW_ERRORS = (403, 404, 409)


@route(REPORT, ["GET"], Operation(
    summary="A unit's report for a period", tag=TAG, response=ReportViewSchema, errors=(404,),
    description="Status, version, sections with fields, values, scores and targets, what is still "
                "missing, the deadline for this unit and what the caller may do (`can`).",
))
def get_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    # One statement finds the unit, the period and the report as stored: a read needs no other.
    tenant, period, stored = operations.visible_report(db, access, tenant_id, period_id)
    return respond(_VIEW_SCHEMA, report_view(db, access, current_host(), tenant, period,
                                             stored_report=stored))


@route(REPORT, ["PUT"], Operation(
    summary="Save the draft of a unit's report", tag=TAG, body=ReportSaveSchema,
    response=ReportViewSchema, errors=_VIEW_ERRORS,
    description="Send the `version` read by GET and `sections`: criteria set key → {field: value} "
                "(only the sets and fields you change; a draft may leave required fields empty). "
                "A stale version answers 409 with the current `version` in `error`, and nothing "
                "is saved: of several saves sent at once with the same version exactly one is "
                "applied. A value of the wrong type, out of range or not among the field's "
                "choices answers 422 with `fields` keyed `sections.<set key>.<field>`, and nothing "
                "is saved. Checks across fields (a set's `validate`, a plugin's `thidua_validate`) "
                "do not block a draft: once a section is complete they run on every save, and a "
                "section that fails them is saved, scores nothing and is listed under `missing` "
                "with reason `invalid`; submitting refuses it (422). Every 409 of a report (here "
                "and on its moves) carries the current `version`.",
))
def save_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(ReportSaveSchema())
    operations.save_draft(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                          data["version"], data["sections"])
    commit()
    return view_response(scope)


@route(f"{REPORT}/submit", ["POST"], Operation(
    summary="Submit the report (the unit's head)", tag=TAG, response=ReportViewSchema,
    body=VersionSchema, body_required=False, errors=(*_VIEW_ERRORS, 422),
    description="After `due_at` the report is accepted and flagged late; after `closes_at` it is "
                "refused (409) unless the unit holds a granted extension. An incomplete report "
                "answers 422 with `missing`: each required field (`required`), proof (`evidence`) "
                "or failed check across fields (`invalid`, the message of the set's `validate` or "
                "a plugin's `thidua_validate`).",
))
def submit_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(VersionSchema())
    try:
        operations.submit(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                          version=data["version"])
    except Incomplete as error:
        missing = [item.as_dict() for item in error.missing]
        return error_with(422, "incomplete", error.message, fields=flatten_messages(error.errors),
                          missing=missing)
    commit()
    return view_response(scope)


@route(f"{REPORT}/return", ["POST"], Operation(
    summary="Return a submitted report to the unit, with a reason", tag=TAG, body=ReturnSchema,
    response=ReportViewSchema, errors=_VIEW_ERRORS,
    description="A reviewer or admin above the unit. The unit's reporters and head are notified "
                "with the reason; `require_explanation` asks for an explanation before resubmitting. "
                "When the period has closed for the unit (`deadline.open` false), "
                "`extension_until` grants a new deadline in the same step, so that the unit can send "
                "the report again; a date already past answers 422 on `extension_until`.",
))
def return_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(ReturnSchema())
    operations.return_report(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                             data["reason"], data["require_explanation"], data["extension_until"],
                             version=data["version"])
    commit()
    return view_response(scope)


@route(f"{REPORT}/approve", ["POST"], Operation(
    summary="Approve a submitted report (locks it)", tag=TAG, body=OptionalReasonSchema,
    body_required=False, response=ReportViewSchema, errors=_VIEW_ERRORS,
    description="The report is computed again first. If the units below changed since its "
                "computation (`children_changed`) and its result changes with them, the answer is "
                "409 with `changes` (`[from, to]` by name) and nothing is approved: recompute, read "
                "the new result, then approve.",
))
def approve_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(OptionalReasonSchema())
    operations.approve(scope.db, scope.access, scope.host, scope.tenant, scope.period, data["reason"],
                       version=data["version"])
    commit()
    return view_response(scope)


@route(f"{REPORT}/recompute", ["POST"], Operation(
    summary="Compute the report again from its values and the units' results now", tag=TAG,
    body=VersionSchema, body_required=False, response=ReportViewSchema, errors=_VIEW_ERRORS,
    description="The reviewer of a submitted report, or the unit's staff while it is editable; "
                "clears `children_changed`. Audited with the result's changes. An approved report "
                "answers 409 (reopen it first).",
))
def recompute_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(VersionSchema())
    operations.recompute(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                         version=data["version"])
    commit()
    return view_response(scope)


@route(f"{REPORT}/reopen", ["POST"], Operation(
    summary="Reopen an approved report, with a reason (an admin above the unit)", tag=TAG,
    body=RequiredReasonSchema, response=ReportViewSchema, errors=_VIEW_ERRORS,
))
def reopen_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(RequiredReasonSchema())
    operations.reopen(scope.db, scope.access, scope.host, scope.tenant, scope.period, data["reason"],
                      version=data["version"])
    commit()
    return view_response(scope)


@route(f"{REPORT}/explanation", ["POST"], Operation(
    summary="Answer a return with an explanation (giải trình; the unit's head)", tag=TAG,
    body=ExplanationSchema, response=ReportViewSchema, errors=_VIEW_ERRORS,
))
def explain_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(ExplanationSchema())
    operations.explain(scope.db, scope.access, scope.tenant, scope.period, data["body"],
                       version=data["version"])
    commit()
    return view_response(scope)
