"""The Excel page of a unit's report: download the pre-filled form, upload it back filled in."""

from __future__ import annotations

import uuid

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins.manager import plugin_host
from core.reports import evidence, excel, permissions
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.web import blueprint

BASE = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/report"


def _load(tenant_id: uuid.UUID, period_id: uuid.UUID) -> tuple[Tenant, ReportingPeriod]:
    db, access = session(), current_access()
    return tenant_ops.get_visible(db, access, tenant_id), period_ops.get_visible(db, access, period_id)


def _page(tenant: Tenant, period: ReportingPeriod, problems: list[str] | None = None,
          rows: dict[str, list[str]] | None = None, status: int = 200):
    return render_template(
        "reports/excel.html", tenant=tenant, period=period, problems=problems or [], rows=rows or {},
        may_upload=permissions.can_fill(current_access(), tenant),
    ), status


@blueprint.route(BASE + ".xlsx", methods=["GET"])
@login_required
def report_xlsx(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    tenant, period = _load(tenant_id, period_id)
    data = excel.workbook_bytes(session(), current_access(), plugin_host(current_app), tenant, period)
    response = Response(data, mimetype=excel.CONTENT_TYPE)
    response.headers["Content-Disposition"] = evidence.content_disposition(excel.file_name(tenant, period))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route(BASE + "/excel", methods=["GET"])
@login_required
def report_excel(tenant_id: uuid.UUID, period_id: uuid.UUID):
    return _page(*_load(tenant_id, period_id))


@blueprint.route(BASE + "/excel", methods=["POST"])
@login_required
def report_excel_upload(tenant_id: uuid.UUID, period_id: uuid.UUID):
    tenant, period = _load(tenant_id, period_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(tenant, period, [_("Hãy chọn tệp Excel để tải lên.")], status=422)
    db = session()
    try:
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
        submission = excel.import_upload(db, current_access(), plugin_host(current_app), tenant, period, data)
    except evidence.TooLarge as error:
        db.rollback()
        return _page(tenant, period, [error.message], status=413)
    except Invalid as error:
        db.rollback()
        general = [m for key, messages in error.errors.items() if key == "file" for m in messages]
        rows = {key: messages for key, messages in error.errors.items() if key != "file"}
        # The count of errors past the cap comes under "file", after the summary line.
        summary = [_("Tệp có dòng chưa hợp lệ; chưa có gì được lưu.")] if rows else []
        return _page(tenant, period, summary + general, rows, status=422)
    except (Conflict, Forbidden) as error:
        db.rollback()
        return _page(tenant, period, [error.message], status=error.status)
    db.commit()
    flash(_("Đã lưu số liệu từ tệp Excel (phiên bản %(version)s).", version=submission.version), "success")
    return redirect(url_for("web.report_excel", tenant_id=tenant.id, period_id=period.id))
