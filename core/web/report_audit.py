"""The audit trail of a unit's report as people read it, and as a CSV file for Excel."""

from __future__ import annotations

import uuid

from flask import Response, render_template
from flask_login import login_required

from core.reports import history
from core.reports.evidence import content_disposition
from core.web import blueprint
from core.web.reports import REPORT, load_scope, status_labels


@blueprint.route(REPORT + "/audit", methods=["GET"])
@login_required
def report_audit(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    entries = history.trail(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    return render_template("reports/audit.html", tenant=scope.tenant, period=scope.period,
                           entries=list(reversed(entries)), statuses=status_labels())


@blueprint.route(REPORT + "/audit.csv", methods=["GET"])
@login_required
def report_audit_csv(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = load_scope(tenant_id, period_id)
    entries = history.trail(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    response = Response(history.to_csv(entries).encode("utf-8"), mimetype="text/csv")
    filename = f"nhat-ky-{scope.tenant.slug}-{scope.period.key}.csv"
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
