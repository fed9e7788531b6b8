"""The report pages of a unit: the list of the user's reports, the report itself (fill, save,
submit, comment, explain, ask for an extension). Review actions live in :mod:`core.web.review`;
both render the same page through :func:`render_report`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask import session as web_session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from core.auth.context import current_access
from core.db.engine import session
from core.db.types import utcnow
from core.errors import Conflict, Invalid, NotFound
from core.notifications import operations as notices
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins import current_host
from core.plugins.manager import PluginHost
from core.reports import deadlines, extensions, history, operations, permissions, review
from core.reports.models import APPROVED, SUBMITTED, Submission
from core.reports.operations import Incomplete
from core.reports.schemas import CommentInputSchema, ExplanationSchema, ExtensionRequestSchema
from core.reports.sections import enabled_for
from core.reports.view import report_view
from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access
from core.users.models import User
from core.web import blueprint
from core.web import report_walk as walk
from core.web.criteria_forms import values_from_form
from core.web.layout import add_nav_link

REPORT = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/report"
# A form field of a section is named "<set key>--<field>": several sets share one form.
SEPARATOR = "--"

add_nav_link("web.reports", _l("Báo cáo"), current_prefix="web.report")


@dataclass(frozen=True)
class Scope:
    """A unit and a period the caller sees, the period covering the unit."""

    db: Session
    access: Access
    host: PluginHost
    tenant: Tenant
    period: ReportingPeriod


def load_scope(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Scope:
    """404 when the caller does not see the unit or the period, or the period does not cover it."""
    db, access = session(), current_access()
    try:
        tenant, period = operations.visible_unit_and_period(db, access, tenant_id, period_id)
    except NotFound:
        abort(404)
    return Scope(db, access, current_host(), tenant, period)


def report_url(scope: Scope, anchor: str = "") -> str:
    url = url_for("web.report", tenant_id=scope.tenant.id, period_id=scope.period.id)
    return f"{url}#{anchor}" if anchor else url


@blueprint.app_template_filter("local_input")
def local_input(value: datetime | None) -> str:
    """A moment as a ``datetime-local`` input holds it: Hanoi time, to the minute."""
    return value.astimezone(deadlines.VN).strftime("%Y-%m-%dT%H:%M") if value is not None else ""


def status_labels() -> dict[str, str]:
    return history.status_labels()


def _names(db: Session, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u.full_name or u.username for u in db.scalars(select(User).where(User.id.in_(ids)))}


def comment_kinds() -> dict[str, str]:
    return {
        "comment": _("Góp ý"),
        "return": _("Lý do trả lại"),
        "approve": _("Ý kiến khi duyệt"),
        "reopen": _("Lý do mở lại"),
        "explanation": _("Giải trình"),
    }


def _criterion_labels(view: dict[str, Any]) -> dict[str, str]:
    found = {}
    for section in view["sections"]:
        title = section["title_en"] if _english() else section["title"]
        for field in section["fields"]:
            found[f"{section['key']}.{field['name']}"] = f"{title} — {field['label']}"
    return found


def _english() -> bool:
    return str(get_locale() or "vi") == "en"


SAVED = "report_saved"


def _just_saved(scope: Scope) -> int | None:
    """The version a save of this report from this browser has just stored, once: the page then
    drops the copy of the typed values it kept on the device (``report-draft.js``)."""
    place, _sep, version = str(web_session.get(SAVED) or "").rpartition("/")
    if place != f"{scope.tenant.id}/{scope.period.id}" or not (version.isascii() and version.isdigit()):
        return None
    web_session.pop(SAVED)
    return int(version)


def render_report(
    scope: Scope, *, status: int = 200, typed: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, list[str]] | None = None, problems: list[str] | None = None,
    missing: list[dict[str, Any]] | None = None, forms: dict[str, Any] | None = None,
    result_changes: dict[str, list[Any]] | None = None,
):
    """The report page. ``typed`` keeps what the user entered after a refused save; ``errors``
    are keyed like the operations' (``sections.<key>.<field>``, ``reason``…); ``forms`` keeps
    the text of the other forms (a return reason…) when one of them is refused;
    ``result_changes`` is what an approval found would change (``[from, to]`` by name)."""
    db, access = scope.db, scope.access
    view = report_view(db, access, scope.host, scope.tenant, scope.period)
    submission = operations.find(db, scope.tenant, scope.period)
    thread = review.comments(db, access, scope.tenant, scope.period)
    requests = extensions.extensions_of(db, access, scope.tenant, scope.period)
    names = _names(db, {c.author_id for c in thread} | {e.requested_by_id for e in requests}
                   | {e.decided_by_id for e in requests})
    for section in view["sections"]:
        if typed is not None and section["key"] in typed:
            section["values"] = typed[section["key"]]
    missing_items = missing if missing is not None else view["missing"]
    english = _english()
    walk.localise(view, english)
    walk.add_points(view)
    roles_here = access.roles_here(scope.tenant)
    return render_template(
        "reports/report.html", view=view, tenant=scope.tenant, period=scope.period,
        submission=submission, comments=thread, extensions=requests, names=names,
        errors=errors or {}, problems=problems or [], missing=missing_items, forms=forms or {},
        statuses=status_labels(), comment_kinds=comment_kinds(), criteria=_criterion_labels(view),
        english=english, separator=SEPARATOR, saved_version=_just_saved(scope),
        index=walk.progress(view, missing_items), error_list=walk.error_summary(errors or {}, view),
        bands=walk.explain_band(view, list(scope.period.bands or [])), band_label=walk.band_label,
        next_step=walk.next_step(view, roles_here, len(missing_items)),
        heads=[u.full_name or u.username for u in notices.members(db, scope.tenant, [roles.HEAD])],
        result_changes=result_changes or {}, change_labels=history.field_labels()
        | {f"outcomes.{k}": v for k, v in history.outcome_labels().items()},
        offer_extension=view["can"]["review"] and view["status"] == SUBMITTED
        and not view["deadline"]["open"],
        may_comment=submission is not None and (permissions.can_fill(access, scope.tenant)
                                                or permissions.can_review(access, scope.tenant)),
        may_explain=bool(submission is not None and submission.explanation_required
                         and "head" in access.roles_here(scope.tenant)),
        may_extend="head" in access.roles_here(scope.tenant)
        and scope.period.state in (period_models.OPEN, period_models.CLOSED)
        and not any(e.status == "requested" for e in requests),
    ), status


def form_version() -> int | None:
    """The report's version a move's form was rendered with: the move applies only to it."""
    raw = (request.form.get("version") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def problems_of(error: Invalid) -> list[str]:
    return [str(m) for messages in error.errors.values() for m in messages]


# The list of the user's reports


@dataclass(frozen=True)
class ReportRow:
    tenant: Tenant
    period: ReportingPeriod
    submission: Submission | None
    due: Any
    late: bool


def my_reports(db: Session, access: Access, host: PluginHost) -> list[ReportRow]:
    """Each unit the user belongs to, with its report in every open period that asks it for one
    (covers it and enables a criteria set for its kind)."""
    tenants = [t for t in (db.get(Tenant, i) for i in access.home_tenants()) if t is not None]
    periods = [p for p in period_ops.visible(db, access) if p.state == period_models.OPEN]
    rows = []
    now = utcnow()
    for period in periods:
        for tenant in tenants:
            if not tenant.lies_under(period.owner_tenant_id):
                continue
            if not enabled_for(db, host, period, tenant):
                continue
            extended = deadlines.granted_extension(db, tenant, period)
            state = deadlines.state_at(period, now, extended)
            submission = operations.find(db, tenant, period)
            rows.append(ReportRow(tenant, period, submission, extended or period.due_at,
                                  submission.late if submission is not None else state.late))
    return rows


@blueprint.route("/reports", methods=["GET"])
@login_required
def reports():
    db, access = session(), current_access()
    rows = my_reports(db, access, current_host())
    reviewer_periods = []
    if any(g.role in roles.SUBTREE_ROLES for g in access.grants):
        reviewer_periods = [p for p in period_ops.visible(db, access)
                            if p.state in (period_models.OPEN, period_models.CLOSED)]
    return render_template("reports/reports.html", rows=rows, statuses=status_labels(),
                           reviewer_periods=reviewer_periods)


# The report page and the unit's own actions


@blueprint.route(REPORT, methods=["GET"])
@login_required
def report(tenant_id: uuid.UUID, period_id: uuid.UUID):
    return render_report(load_scope(tenant_id, period_id))


def typed_sections(view: dict[str, Any], form: MultiDict) -> dict[str, dict[str, Any]]:
    """The values typed in each available section, as the criteria sets load them."""
    typed: dict[str, dict[str, Any]] = {}
    for section in view["sections"]:
        if not section["available"]:
            continue
        lead = section["key"] + SEPARATOR
        own = MultiDict([(k[len(lead):], v) for k, v in form.items(multi=True) if k.startswith(lead)])
        fields = [SimpleNamespace(**f) for f in section["fields"]]
        typed[section["key"]] = values_from_form(fields, own)
    return typed


@blueprint.route(REPORT, methods=["POST"])
@login_required
def report_save(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    view = report_view(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    typed = typed_sections(view, request.form)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = -1
    try:
        saved = operations.save_draft(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                                      version, typed)
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, typed=typed, errors=error.errors,
                             problems=[m for k, ms in error.errors.items() if k.count(".") < 2 for m in ms])
    except Conflict as error:
        scope.db.rollback()
        now = report_view(scope.db, scope.access, scope.host, scope.tenant, scope.period)
        if not (now["can"]["fill"] and version != now["version"]):
            # Locked or closed: the typed values cannot be saved, so the page shows the stored ones.
            locked = now["status"] in (SUBMITTED, APPROVED)
            message = _("Báo cáo đã gửi hoặc đã duyệt nên không thể sửa.") if locked else error.message
            return render_report(scope, status=409, problems=[message])
        message = _("Báo cáo vừa được người khác cập nhật trong lúc bạn nhập. Số liệu bạn vừa nhập "
                    "vẫn còn trong biểu mẫu bên dưới; hãy đối chiếu rồi bấm lưu lại nếu muốn "
                    "thay bằng số liệu của bạn.")
        return render_report(scope, status=409, typed=typed, problems=[message])
    scope.db.commit()
    web_session[SAVED] = f"{scope.tenant.id}/{scope.period.id}/{saved.version}"
    flash(_("Đã lưu bản nháp."), "success")
    return redirect(report_url(scope))


@blueprint.route(REPORT + "/submit", methods=["POST"])
@login_required
def report_submit(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    if request.form.get("confirm") != "yes":
        operations.require(permissions.is_head(scope.access, scope.tenant), scope.access,
                           scope.tenant, _("Chỉ thủ trưởng đơn vị được ký gửi báo cáo."))
        return render_report(scope, status=422, errors={"confirm": [
            _("Hãy đánh dấu xác nhận trước khi gửi báo cáo.")]})
    try:
        operations.submit(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                          version=form_version())
    except Incomplete as error:
        scope.db.rollback()
        return render_report(scope, status=422, problems=[error.message],
                             missing=[m.as_dict() for m in error.missing])
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã gửi báo cáo lên cấp trên."), "success")
    return redirect(report_url(scope))


@blueprint.route(REPORT + "/comments", methods=["POST"])
@login_required
def report_comment(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    form = {"body": request.form.get("body", ""), "criterion": request.form.get("criterion") or None}
    try:
        data = CommentInputSchema().load(form)
        review.comment(scope.db, scope.access, scope.tenant, scope.period, data["body"], data["criterion"])
    except ValidationError as error:
        return render_report(scope, status=422, errors=_flat(error, form), forms={"comment": form})
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, errors=error.errors, forms={"comment": form})
    scope.db.commit()
    flash(_("Đã gửi góp ý."), "success")
    return redirect(report_url(scope, "comments"))


@blueprint.route(REPORT + "/explanation", methods=["POST"])
@login_required
def report_explain(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    form = {"body": request.form.get("body", "")}
    try:
        data = ExplanationSchema(only=("body",)).load(form)
        operations.explain(scope.db, scope.access, scope.tenant, scope.period, data["body"],
                           version=form_version())
    except ValidationError as error:
        return render_report(scope, status=422, errors=_flat(error, form, "explanation."),
                             forms={"explanation": form})
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, errors=_prefixed(error.errors, "explanation."),
                             forms={"explanation": form})
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã gửi giải trình. Đơn vị có thể gửi lại báo cáo."), "success")
    return redirect(report_url(scope))


@blueprint.route(REPORT + "/extensions", methods=["POST"])
@login_required
def report_extension_request(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    form = {"reason": request.form.get("reason", ""), "until": request.form.get("until", "")}
    try:
        data = ExtensionRequestSchema().load(form)
        extensions.request_extension(scope.db, scope.access, scope.tenant, scope.period,
                                     data["reason"], data["until"])
    except ValidationError as error:
        errors = _flat(error, form, "extension.")
        try:  # the reason's own message too, so both fields are marked at once
            operations.require_reason(form["reason"])
        except Invalid as reason_error:
            errors.update(_prefixed(reason_error.errors, "extension."))
        return render_report(scope, status=422, errors=errors, forms={"extension": form})
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, errors=_prefixed(error.errors, "extension."),
                             forms={"extension": form})
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message], forms={"extension": form})
    scope.db.commit()
    flash(_("Đã gửi đề nghị gia hạn."), "success")
    return redirect(report_url(scope, "extensions"))


def _flat(error: ValidationError, form: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """The fields marshmallow refused, worded for the page (its own messages are English)."""
    found: dict[str, list[str]] = {}
    for name in error.normalized_messages():
        empty = not (form.get(str(name)) or "").strip()
        found[prefix + str(name)] = [_("Vui lòng điền mục này.") if empty else _("Giá trị chưa hợp lệ.")]
    return found


def _prefixed(errors: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    return {prefix + name: messages for name, messages in errors.items()}
