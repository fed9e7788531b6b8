"""Exports on the web: a period's reports for one unit with buttons to make each file, the
progress of the job (polled by ``exports.js`` from the jobs API), the download; the narrative
form; and the print view of each report, the same template the PDF is made from."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import ValidationError

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.exports import content as report_content
from core.exports import operations as exports
from core.exports.models import FORMATS, NARRATED
from core.exports.schemas import ExportInputSchema, NarrativeInputSchema
from core.jobs.settings import JobSettings
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins import current_host
from core.snapshots import operations as snapshots
from core.tenants.models import Tenant
from core.users import roles
from core.web import blueprint, labels
from core.web.active import active_tenant

REPORT_NAMES = {
    "unit": _l("Báo cáo của đơn vị (hạn 10/11)"),
    "subtree": _l("Báo cáo tổng hợp các đơn vị trực thuộc"),
    "city": _l("Báo cáo tổng hợp toàn thành phố (hạn 30/11)"),
    "raw": _l("Số liệu thô của mọi đơn vị (CSV)"),
    "matrix": _l("Ma trận đơn vị × tiêu chí"),
}
STATE_NAMES = {
    "queued": _l("Đang chờ"), "running": _l("Đang tạo"), "finished": _l("Đã xong"), "failed": _l("Lỗi"),
}


def _period(period_id: uuid.UUID) -> ReportingPeriod:
    try:
        return period_ops.get_visible(session(), current_access(), period_id)
    except NotFound:
        abort(404)


def _scope(period: ReportingPeriod, scope_id: Any) -> Tenant:
    """The unit named by ``scope`` (else the active unit) that the caller may read something of."""
    db, access = session(), current_access()
    if scope_id in (None, ""):
        scope = active_tenant()
    else:
        try:
            scope = db.get(Tenant, uuid.UUID(str(scope_id)))
        except ValueError:
            abort(404)
    owner = db.get(Tenant, period.owner_tenant_id)
    if scope is None or owner is None or not scope.path.startswith(owner.path) or not access.roles_in(scope):
        abort(404)
    return scope


def available(period: ReportingPeriod, scope: Tenant) -> list[str]:
    """The reports the caller may make for ``scope`` in ``period``."""
    db, access = session(), current_access()
    found = []
    if scope.kind in snapshots.expected_kinds(db, period.id) and exports.may_read(access, "unit", scope):
        found.append("unit")
    if access.roles_in(scope) & roles.SUBTREE_ROLES:
        found.append("city" if scope.id == period.owner_tenant_id else "subtree")
        found += ["raw", "matrix"]
    return found


@blueprint.route("/periods/<uuid:period_id>/exports", methods=["GET"])
@login_required
def period_exports(period_id: uuid.UUID):
    period = _period(period_id)
    scope = _scope(period, request.args.get("scope"))
    db, access = session(), current_access()
    reports = available(period, scope)
    narratives = {name: exports.narrative(db, access, period, name, scope)
                  for name in reports if name in NARRATED}
    recent = {}
    for export, job in exports.for_period(db, access, period, scope):
        recent.setdefault((export.report, export.format), (export, job))
    results = snapshots.results_for(db, period)
    return render_template(
        "exports/page.html", period=period, scope=scope, reports=reports, formats=FORMATS,
        names=REPORT_NAMES, state_names=STATE_NAMES, narratives=narratives, recent=recent,
        state_of=exports.state_of, failure_reason=exports.failure_reason, snapshot=results.snapshot,
        versions=snapshots.versions(db, period.id),
        is_admin=access.is_admin_of(scope), kind_label=lambda code: labels.label(labels.TENANT_KINDS, code),
    )


@blueprint.route("/periods/<uuid:period_id>/exports", methods=["POST"])
@login_required
def period_exports_start(period_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    back = url_for("web.period_exports", period_id=period.id, scope=request.form.get("scope") or None)
    try:
        data = ExportInputSchema().load({k: request.form.get(k) for k in ("report", "format", "scope")
                                         if request.form.get(k)})
        started = exports.start(db, access, period, data, redis_url=JobSettings.of(current_app).redis_url)
    except ValidationError as error:
        flash(_("Yêu cầu tạo tệp không hợp lệ: %(fields)s.", fields=", ".join(sorted(error.messages))),
              "error")
        return redirect(back, 303)
    except Invalid as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(back, 303)
    except NotFound:
        abort(404)
    db.commit()
    if started.created:
        flash(_("Đã bắt đầu tạo tệp; trang sẽ báo khi xong."), "success")
    return redirect(url_for("web.period_exports", period_id=period.id, scope=data["scope"],
                            _anchor=f"report-{data['report']}"), 303)


@blueprint.route("/periods/<uuid:period_id>/reports/<report>/narrative", methods=["POST"])
@login_required
def report_narrative(period_id: uuid.UUID, report: str):
    period = _period(period_id)
    if report not in NARRATED:
        abort(404)
    db, access = session(), current_access()
    scope = _scope(period, request.form.get("scope"))
    if not exports.may_read(access, report, scope):
        abort(404)
    back = url_for("web.period_exports", period_id=period.id, scope=scope.id, _anchor=f"report-{report}")
    try:
        data = NarrativeInputSchema().load({"scope": str(scope.id), "body": request.form.get("body", ""),
                                            "version": request.form.get("version") or "0"})
        exports.save_narrative(db, access, period, report, scope, data["body"], data["version"])
    except ValidationError as error:
        flash(_("Phần nhận định không hợp lệ: %(fields)s.", fields=", ".join(sorted(error.messages))),
              "error")
        return redirect(back, 303)
    except Forbidden:
        abort(403)
    except (Conflict, Invalid) as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(back, 303)
    db.commit()
    flash(_("Đã lưu phần nhận định."), "success")
    return redirect(back, 303)


@blueprint.route("/periods/<uuid:period_id>/reports/<report>/print", methods=["GET"])
@login_required
def report_print(period_id: uuid.UUID, report: str):
    """The whole report as a document, for the browser to print."""
    period = _period(period_id)
    if report not in NARRATED:
        abort(404)
    db, access = session(), current_access()
    scope = _scope(period, request.args.get("scope"))
    try:
        exports.scope_for(db, access, period, report, scope.id)
    except NotFound:
        abort(404)
    except Invalid:
        abort(404)
    content = report_content.build(db, current_host(), snapshots.results_for(db, period), scope, report)
    return render_template("exports/report.html",
                           back_url=url_for("web.period_exports", period_id=period.id, scope=scope.id),
                           **report_content.template_context(content))
