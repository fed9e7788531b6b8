"""``…/report/audit``: the audit trail of one unit's report, as JSON and as a CSV file."""

from __future__ import annotations

import uuid

from flask import Response

from core.api.reports import REPORT, report_scope
from core.api.routing import Operation, respond, route
from core.reports import history
from core.reports.schemas import AuditTrailSchema

TAG = "reports"


@route(f"{REPORT}/audit", ["GET"], Operation(
    summary="Audit trail of a report: who, when, what, from → to, why", tag=TAG,
    response=AuditTrailSchema, errors=(404,),
    description="The report's own changes and moves, its extensions and its evidence, oldest first.",
))
def report_audit(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    items = history.trail(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    return respond(AuditTrailSchema(), {"items": items, "total": len(items)})


@route(f"{REPORT}/audit.csv", ["GET"], Operation(
    summary="Audit trail of a report as CSV (UTF-8 with BOM, opens in Excel)", tag=TAG, errors=(404,),
    description="One row per changed value; times in Asia/Ho_Chi_Minh.",
))
def report_audit_csv(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    entries = history.trail(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    filename = f"nhat-ky-{scope.tenant.slug}-{scope.period.key}.csv"
    return Response(
        history.to_csv(entries).encode("utf-8"), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
