"""/admin/periods: reporting periods — list, create, edit, open and close."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from marshmallow import ValidationError

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid
from core.periods import models
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.periods.schemas import PeriodInputSchema, PeriodUpdateSchema
from core.tenants.models import Tenant
from core.web import blueprint
from core.web.active import admin_root
from core.web.forms import PeriodForm, apply_errors

# The buttons each state shows, in the order the lifecycle allows them.
ACTIONS = {models.OPEN, models.CLOSED, models.ARCHIVED}


def _list_page(root: Tenant, form: PeriodForm, errors: list[str] | None = None, status: int = 200):
    access = current_access()
    periods = period_ops.visible(session(), access)
    owners = {p.owner_tenant_id: session().get(Tenant, p.owner_tenant_id) for p in periods}
    manageable = {p.id for p in periods if owners[p.owner_tenant_id] is not None
                  and access.is_admin_of(owners[p.owner_tenant_id])}
    return render_template(
        "admin/periods.html", root=root, periods=periods, owners=owners, manageable=manageable,
        form=form, problems=errors or [],
    ), status


@blueprint.route("/admin/periods", methods=["GET"])
@login_required
def admin_periods():
    return _list_page(admin_root(), PeriodForm())


@blueprint.route("/admin/periods", methods=["POST"])
@login_required
def admin_periods_create():
    root = admin_root()
    form = PeriodForm()
    if not form.validate_on_submit():
        return _list_page(root, form, status=422)
    db = session()
    try:
        data = PeriodInputSchema().load(form.schema_input())
        period = period_ops.create(db, current_access(), root, data)
    except ValidationError as error:
        return _list_page(root, form, apply_errors(form, error.normalized_messages()), status=422)
    except Invalid as error:
        db.rollback()
        return _list_page(root, form, apply_errors(form, error), status=422)
    db.commit()
    flash(_("Đã tạo kỳ báo cáo %(title)s (bản nháp).", title=period.title), "success")
    return redirect(url_for("web.admin_periods"))


def _managed_period(period_id: str) -> ReportingPeriod:
    """A period the caller sees (else 404, whatever their role: a unit outside their reach learns
    nothing from the id) and administers (else 403)."""
    access = current_access()
    period = period_ops.get_visible(session(), access, period_id)
    owner = session().get(Tenant, period.owner_tenant_id)
    if owner is None or not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị quản lý kỳ báo cáo mới được thay đổi kỳ này."))
    return period


def _edit_page(period: ReportingPeriod, form: PeriodForm, errors: list[str] | None = None,
               status: int = 200):
    return render_template("admin/period_edit.html", period=period, form=form,
                           problems=errors or []), status


@blueprint.route("/admin/periods/<period_id>/edit", methods=["GET"])
@login_required
def admin_period_edit(period_id: str):
    period = _managed_period(period_id)
    return _edit_page(period, PeriodForm(obj=period))


@blueprint.route("/admin/periods/<period_id>/edit", methods=["POST"])
@login_required
def admin_period_update(period_id: str):
    period = _managed_period(period_id)
    form = PeriodForm()
    # The key never changes; the form shows it read-only.
    form.key.data = period.key
    if not form.validate_on_submit():
        return _edit_page(period, form, status=422)
    db = session()
    try:
        data = PeriodUpdateSchema(partial=True).load(form.schema_input(include_key=False))
        period_ops.update(db, current_access(), period, data)
    except ValidationError as error:
        return _edit_page(period, form, apply_errors(form, error.normalized_messages()), status=422)
    except Invalid as error:
        db.rollback()
        return _edit_page(period, form, apply_errors(form, error), status=422)
    except Conflict as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("web.admin_periods"))
    db.commit()
    flash(_("Đã lưu kỳ báo cáo %(title)s.", title=period.title), "success")
    return redirect(url_for("web.admin_periods"))


@blueprint.route("/admin/periods/<period_id>/state", methods=["POST"])
@login_required
def admin_period_state(period_id: str):
    period = _managed_period(period_id)
    state = request.form.get("state", "")
    db = session()
    try:
        if state not in ACTIONS:
            raise Invalid({"state": [_("Trạng thái không hợp lệ.")]})
        period_ops.transition(db, current_access(), period, state, reason=request.form.get("reason", ""))
    except (Conflict, Invalid) as error:
        db.rollback()
        if isinstance(error, Invalid):
            flash(" ".join(error.errors.get("reason") or [_("Trạng thái không hợp lệ.")]), "error")
        else:
            flash(error.message, "error")
        return redirect(url_for("web.admin_periods"))
    db.commit()
    messages = {
        models.OPEN: _("Đã mở kỳ báo cáo %(title)s.", title=period.title),
        models.CLOSED: _("Đã khóa sổ kỳ báo cáo %(title)s.", title=period.title),
        models.ARCHIVED: _("Đã lưu trữ kỳ báo cáo %(title)s.", title=period.title),
    }
    flash(messages[state], "success")
    return redirect(url_for("web.admin_periods"))
