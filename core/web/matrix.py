"""The units × criteria matrix on the web: a paged, filtered table and its XLSX export."""

from __future__ import annotations

from flask import abort, render_template, request, send_file, url_for
from flask_login import login_required
from marshmallow import ValidationError

from core.errors import Invalid, NotFound
from core.matrix import operations as matrix
from core.matrix import xlsx
from core.matrix.schemas import MatrixQuerySchema
from core.plugins import current_host
from core.reports import history
from core.web import blueprint, labels
from core.web.dashboards import english, scope_context

ARGS = ("kind", "q", "status", "page")


def _filters() -> dict:
    raw = {k: v for k, v in request.args.items() if k in ARGS and v}
    try:
        return MatrixQuerySchema().load(raw)
    except ValidationError:
        abort(422)


@blueprint.route("/matrix", methods=["GET"])
@login_required
def matrix_page():
    db, access, period, scope = scope_context(request.args.get("period"), request.args.get("scope"))
    filters = _filters()
    try:
        result = matrix.page(db, access, current_host(), period, scope, **filters)
    except NotFound:
        abort(404)
    except Invalid:
        abort(422)
    args = {k: v for k, v in filters.items() if k in ARGS and k != "page" and v}
    return render_template(
        "dashboards/matrix.html", result=result, period=period, scope=scope, filters=filters,
        english=english(), statuses=history.status_labels(),
        kinds=sorted({k for g in result.groups for k in g.kinds}),
        kind_label=lambda k: labels.label(labels.TENANT_KINDS, k),
        page_url=lambda n: url_for("web.matrix_page", period=period.id, scope=scope.id, page=n, **args),
        export_url=url_for("web.matrix_export", period=period.id, scope=scope.id, **args),
    )


@blueprint.route("/matrix.xlsx", methods=["GET"])
@login_required
def matrix_export():
    db, access, period, scope = scope_context(request.args.get("period"), request.args.get("scope"))
    filters = {k: v for k, v in _filters().items() if k in ("kind", "q", "status")}
    try:
        groups, rows = matrix.stream(db, access, current_host(), period, scope, **filters)
    except NotFound:
        abort(404)
    handle = xlsx.to_temporary_file(lambda out: xlsx.write(out, groups, rows, english=english()))
    return send_file(handle, as_attachment=True, download_name=f"{period.key}-{scope.slug}-ma-tran.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
