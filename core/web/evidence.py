"""The evidence page of a unit's report: list, download, attach and remove files (minh chứng)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from core.api.evidence import send_evidence
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins.fields import describe
from core.plugins.manager import plugin_host
from core.reports import evidence as operations
from core.reports import permissions
from core.reports.operations import find
from core.reports.sections import enabled_for
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.web import blueprint

BASE = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/report/evidence"


def _load(tenant_id: uuid.UUID, period_id: uuid.UUID) -> tuple[Tenant, ReportingPeriod]:
    db, access = session(), current_access()
    return tenant_ops.get_visible(db, access, tenant_id), period_ops.get_visible(db, access, period_id)


def _criteria(tenant: Tenant, period: ReportingPeriod) -> list[tuple[str, str]]:
    """(value, label) of every criterion a file may be attached to, proof-requiring ones first."""
    choices: list[tuple[bool, str, str]] = []
    english = str(get_locale() or "vi") == "en"
    for item in enabled_for(session(), plugin_host(current_app), period, tenant):
        if item.criteria_set is None:
            continue
        title = item.criteria_set.title_en if english else item.criteria_set.title
        for field in describe(item.criteria_set):
            label = f"{title} — {field.label_en if english else field.label}"
            choices.append((not field.evidence_required, f"{item.row.key}.{field.name}", label))
    return [(value, label) for _later, value, label in sorted(choices, key=lambda c: c[0])]


def _page(tenant: Tenant, period: ReportingPeriod, errors: list[str] | None = None, status: int = 200,
          chosen: str | None = None):
    db, access = session(), current_access()
    items = operations.list_for(db, access, tenant, period)
    submission = find(db, tenant, period)
    criteria = _criteria(tenant, period)
    labels: dict[str, Any] = dict(criteria)
    may_change = permissions.can_fill(access, tenant) and (submission is None or submission.editable)
    return render_template(
        "reports/evidence.html", tenant=tenant, period=period, items=items, criteria=criteria,
        labels=labels, may_change=may_change, problems=errors or [],
        # The criterion whose "attach" link opened the page is chosen in the upload form.
        chosen=chosen if chosen in labels else None,
        max_size=operations.readable_size(operations.max_bytes_for(current_app)),
        readable_size=operations.readable_size,
    ), status


@blueprint.route(BASE, methods=["GET"])
@login_required
def report_evidence(tenant_id: uuid.UUID, period_id: uuid.UUID):
    return _page(*_load(tenant_id, period_id), chosen=request.args.get("criterion"))


@blueprint.route(BASE, methods=["POST"])
@login_required
def report_evidence_upload(tenant_id: uuid.UUID, period_id: uuid.UUID):
    tenant, period = _load(tenant_id, period_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(tenant, period, [_("Hãy chọn một tệp để tải lên.")], status=422,
                     chosen=request.form.get("criterion"))
    db = session()
    try:
        data = operations.read_limited(upload.stream, operations.max_bytes_for(current_app))
        store = operations.store_for(current_app)
        item = operations.add(db, current_access(), plugin_host(current_app), store, tenant, period, data,
                              upload.filename, request.form.get("criterion"))
    except operations.TooLarge as error:
        db.rollback()
        return _page(tenant, period, [error.message], status=413)
    except Invalid as error:
        db.rollback()
        return _page(tenant, period, [m for messages in error.errors.values() for m in messages], status=422)
    except (Conflict, Forbidden) as error:
        db.rollback()
        return _page(tenant, period, [error.message], status=error.status)
    db.commit()
    flash(_("Đã đính kèm %(name)s.", name=item.filename), "success")
    return redirect(url_for("web.report_evidence", tenant_id=tenant.id, period_id=period.id,
                            criterion=item.criterion or None))


@blueprint.route(BASE + "/<uuid:evidence_id>", methods=["GET"])
@login_required
def report_evidence_download(tenant_id: uuid.UUID, period_id: uuid.UUID, evidence_id: uuid.UUID) -> Response:
    tenant, period = _load(tenant_id, period_id)
    return send_evidence(operations.get(session(), current_access(), tenant, period, evidence_id))


@blueprint.route(BASE + "/<uuid:evidence_id>/delete", methods=["POST"])
@login_required
def report_evidence_delete(tenant_id: uuid.UUID, period_id: uuid.UUID, evidence_id: uuid.UUID):
    tenant, period = _load(tenant_id, period_id)
    db = session()
    try:
        item = operations.remove(db, current_access(), tenant, period, evidence_id)
    except (Conflict, Forbidden) as error:
        db.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        operations.purge(db, operations.store_for(current_app), item.tenant_id, item.sha256)
        flash(_("Đã gỡ %(name)s.", name=item.filename), "success")
    return redirect(url_for("web.report_evidence", tenant_id=tenant.id, period_id=period.id))
