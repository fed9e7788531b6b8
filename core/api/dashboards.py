"""``/periods/<pid>/dashboard``, ``/periods/<pid>/dashboard/remind`` and
``/periods/<pid>/matrix``: what a period looks like from a scope, and its units × criteria."""

from __future__ import annotations

import uuid

from flask import Response, send_file
from flask_babel import get_locale

from core.api.notifications import JobSchema
from core.api.routing import Operation, commit, load_body, load_query, respond, route
from core.auth.context import current_access
from core.dashboards import operations as dashboards
from core.dashboards.schemas import DashboardQuerySchema, DashboardSchema, RemindInputSchema, dashboard_data
from core.db.engine import session
from core.matrix import operations as matrix
from core.matrix import xlsx
from core.matrix.schemas import MatrixExportQuerySchema, MatrixQuerySchema, MatrixSchema
from core.periods import operations as period_operations
from core.plugins import current_host

TAG = "dashboards"


def _scope(data: dict):
    db, access = session(), current_access()
    return dashboards.scope_for(db, access, data.pop("scope", None), dashboards.default_scope(db, access))


@route("/periods/<uuid:period_id>/dashboard", ["GET"], Operation(
    summary="A period seen from a unit: completeness, timeliness, classifications, aggregates", tag=TAG,
    query=DashboardQuerySchema, response=DashboardSchema, errors=(404,),
    description="Figures of the scope's subtree read from the rollups (updated in the transaction of "
                "every submit, return, approval and reopen). `final` counts approved reports only, "
                "`provisional` also submitted ones. A scope the caller does not reach through an "
                "admin, reviewer or viewer role answers 404.",
))
def get_dashboard(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    data = load_query(DashboardQuerySchema())
    scope = _scope(data)
    board = dashboards.dashboard(db, access, current_host(), period, scope, aggregate=data.get("aggregate"),
                                 late_page=data["late_page"])
    return respond(DashboardSchema(), dashboard_data(board))


@route("/periods/<uuid:period_id>/dashboard/remind", ["POST"], Operation(
    summary="Remind the units below a scope that have not sent their report", tag=TAG, ok_status=202,
    body=RemindInputSchema, response=JobSchema, errors=(403, 404, 409),
    description="Queues a job notifying the reporters and heads of each unit whose report is not sent "
                "(in the app and by e-mail); a unit gets at most one such reminder a day: when the scope was "
                "reminded today already, or every unit not sent holds today's reminder, 409 and "
                "nothing is queued.",
))
def remind_units(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    data = load_body(RemindInputSchema())
    scope = dashboards.scope_for(db, access, data["scope"], None)
    job = dashboards.remind(db, access, period, scope).job
    commit(job)
    return respond(JobSchema(), job, status=202)


@route("/periods/<uuid:period_id>/matrix", ["GET"], Operation(
    summary="Units × criteria: each unit's value, own and reviewer's points per criterion", tag=TAG,
    query=MatrixQuerySchema, response=MatrixSchema, errors=(404, 422),
    description="Paged and filtered; units in Vietnamese alphabetical order. Built with one grouped "
                "query per page.",
))
def get_matrix(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    data = load_query(MatrixQuerySchema())
    scope = _scope(data)
    result = matrix.page(db, access, current_host(), period, scope, **data)
    items = [{"tenant_id": r.tenant_id, "name": r.name, "kind": r.kind, "status": r.status, "score": r.score,
              "cells": [{"set_key": key[0], "field": key[1], "value": c.value, "self_points": c.self_points,
                         "review_points": c.review_points} for key, c in r.cells.items()]}
             for r in result.rows]
    return respond(MatrixSchema(), {"groups": result.groups, "items": items, "total": result.total,
                                    "page": result.page, "per_page": result.per_page, "pages": result.pages})


@route("/periods/<uuid:period_id>/matrix.xlsx", ["GET"], Operation(
    summary="The units × criteria matrix as an XLSX workbook", tag=TAG, query=MatrixExportQuerySchema,
    errors=(404, 422),
    description="Written while the rows are read (openpyxl write-only mode) and streamed.",
))
def export_matrix(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    data = load_query(MatrixExportQuerySchema())
    scope = _scope(data)
    groups, rows = matrix.stream(db, access, current_host(), period, scope, **data)
    english = str(get_locale() or "vi") == "en"
    handle = xlsx.to_temporary_file(lambda out: xlsx.write(out, groups, rows, english=english))
    return send_file(handle, as_attachment=True, download_name=f"{period.key}-{scope.slug}-ma-tran.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
