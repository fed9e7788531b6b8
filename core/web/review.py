"""Review on the web: return with a reason, approve, reopen, reviewer scores per criterion,
deadline extensions decided, and the reviewer's queue with bulk approval."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import select

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Conflict, Invalid, NotFound
from core.periods import operations as period_ops
from core.plugins import current_host
from core.reports import extensions, operations, permissions, queue, review
from core.reports.models import STATUSES, SUBMITTED
from core.reports.schemas import QueueQuerySchema, ReturnSchema
from core.reports.view import report_view
from core.tenants.models import Tenant
from core.users import roles
from core.web import blueprint, labels
from core.web.reports import REPORT, form_version, load_scope, render_report, report_url, status_labels

TRUE = {"on", "true", "1", "yes"}


def _moment(form: dict[str, Any], name: str, errors: dict[str, list[str]], prefix: str) -> datetime | None:
    """A ``datetime-local`` field (Hanoi time) of a form, or None when left empty; a value that is
    not a moment is noted in ``errors``."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return ReturnSchema().fields["extension_until"].deserialize(raw)
    except ValidationError:
        errors[f"{prefix}{name}"] = [_("Hãy chọn ngày và giờ theo dạng dd/mm/yyyy hh:mm.")]
        return None


@blueprint.route(REPORT + "/return", methods=["POST"])
@login_required
def report_return(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    form = {"reason": request.form.get("reason", ""),
            "require_explanation": request.form.get("require_explanation") in TRUE,
            "extension_until": request.form.get("extension_until", "")}
    errors: dict[str, list[str]] = {}
    until = _moment(form, "extension_until", errors, "return.")
    if errors:
        return render_report(scope, status=422, errors=errors, forms={"return": form})
    try:
        operations.return_report(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                                 form["reason"], form["require_explanation"], until,
                                 version=form_version())
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, errors={f"return.{k}": v for k, v in error.errors.items()},
                             forms={"return": form})
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã trả lại báo cáo cho đơn vị kèm lý do."), "success")
    return redirect(report_url(scope))


@blueprint.route(REPORT + "/approve", methods=["POST"])
@login_required
def report_approve(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    note = request.form.get("reason", "")
    if len(note) > 5000:
        return render_report(scope, status=422, errors={"approve.reason": [_("Tối đa 5000 ký tự.")]},
                             forms={"approve": {"reason": note}})
    try:
        operations.approve(scope.db, scope.access, scope.host, scope.tenant, scope.period, note,
                           version=form_version())
    except operations.ResultChanged as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message], result_changes=error.changes,
                             forms={"approve": {"reason": note}})
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã duyệt báo cáo."), "success")
    return redirect(report_url(scope))


@blueprint.route(REPORT + "/recompute", methods=["POST"])
@login_required
def report_recompute(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    try:
        operations.recompute(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                             version=form_version())
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã tính lại kết quả theo kết quả hiện tại của các đơn vị trực thuộc."), "success")
    return redirect(report_url(scope))


@blueprint.route(REPORT + "/reopen", methods=["POST"])
@login_required
def report_reopen(tenant_id: uuid.UUID, period_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    form = {"reason": request.form.get("reason", "")}
    try:
        operations.reopen(scope.db, scope.access, scope.host, scope.tenant, scope.period, form["reason"],
                          version=form_version())
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, errors={f"reopen.{k}": v for k, v in error.errors.items()},
                             forms={"reopen": form})
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã mở lại báo cáo để đơn vị chỉnh sửa."), "success")
    return redirect(report_url(scope))


Scores = dict[str, dict[str, Any]]


def scores_from_form(fields: list[dict[str, Any]], form) -> Scores:
    """``score-<field>`` and ``note-<field>`` → the operation's ``{field: {score, note}}``. A score
    stays the text typed: the operation reads it as every number is read ("8,5" is 8.5) and
    refuses what is not a score between 0 and 100; an empty score removes the reviewer's."""
    scores: Scores = {}
    for field in fields:
        name = field["name"]
        raw = (form.get(f"score-{name}") or "").strip()
        note = (form.get(f"note-{name}") or "").strip()
        if raw or note:
            scores[name] = {"score": raw or None, "note": note}
    return scores


@blueprint.route(REPORT + "/scores/<set_key>", methods=["POST"])
@login_required
def report_scores(tenant_id: uuid.UUID, period_id: uuid.UUID, set_key: str):
    scope = load_scope(tenant_id, period_id)
    operations.require_review(scope.db, scope.access, scope.tenant, scope.period)
    view = report_view(scope.db, scope.access, scope.host, scope.tenant, scope.period)
    section = next((s for s in view["sections"] if s["key"] == set_key), None)
    if section is None:
        abort(404)
    scores = scores_from_form(section["fields"], request.form)
    typed = {"scores": {set_key: dict(request.form)}}
    errors: dict[str, list[str]] = {}
    try:
        review.score_criteria(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                              set_key, scores, version=form_version())
    except Invalid as error:
        scope.db.rollback()
        errors = error.errors
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    if errors:
        return render_report(scope, status=422, forms=typed,
                             errors={f"scores.{set_key}.{k}": v for k, v in errors.items()})
    scope.db.commit()
    flash(_("Đã lưu điểm thẩm định."), "success")
    return redirect(report_url(scope, f"review-{set_key}".replace(".", "-")))


@blueprint.route(REPORT + "/extensions/<uuid:extension_id>/decision", methods=["POST"])
@login_required
def report_extension_decide(tenant_id: uuid.UUID, period_id: uuid.UUID, extension_id: uuid.UUID):
    scope = load_scope(tenant_id, period_id)
    grant = request.form.get("decision") == "grant"
    form = {"id": str(extension_id), "note": request.form.get("note", ""),
            "until": request.form.get("until", "")}
    errors: dict[str, list[str]] = {}
    until = _moment(form, "until", errors, "decision.")
    try:
        if errors:
            raise Invalid({k.removeprefix("decision."): v for k, v in errors.items()})
        extensions.decide(scope.db, scope.access, scope.tenant, extension_id, grant, form["note"],
                          until=until)
    except Invalid as error:
        scope.db.rollback()
        return render_report(scope, status=422, forms={"decision": form},
                             errors={f"decision.{k}": v for k, v in error.errors.items()})
    except Conflict as error:
        scope.db.rollback()
        return render_report(scope, status=409, problems=[error.message])
    scope.db.commit()
    flash(_("Đã chấp thuận đề nghị gia hạn.") if grant else _("Đã từ chối đề nghị gia hạn."), "success")
    return redirect(report_url(scope, "extensions"))


# The reviewer's queue

QUEUE_ARGS = ("kind", "under", "status", "late", "q", "sort", "order", "page")


def _filters(args) -> tuple[dict[str, Any], dict[str, list[str]]]:
    raw = {k: v for k, v in args.items() if k in QUEUE_ARGS and v}
    try:
        return QueueQuerySchema().load(raw), {}
    except ValidationError as error:
        return QueueQuerySchema().load({}), {
            str(k): [_("Giá trị chưa hợp lệ.")] for k in error.normalized_messages()}


def queue_url(period_id: uuid.UUID, filters: dict[str, Any], **changes: Any) -> str:
    """The queue with ``filters`` and ``changes`` (a sort, a page) as query parameters."""
    wanted = {**filters, **changes}
    args = {k: ("true" if v is True else "false" if v is False else str(v))
            for k, v in wanted.items() if k in QUEUE_ARGS and v is not None and v != ""}
    for key, default in (("sort", "name"), ("order", "asc"), ("page", "1")):
        if args.get(key) == default:
            args.pop(key)
    return url_for("web.report_queue", period_id=period_id, **args)


@blueprint.route("/periods/<uuid:period_id>/queue", methods=["GET", "POST"])
@login_required
def report_queue(period_id: uuid.UUID):
    db, access, host = session(), current_access(), current_host()
    try:
        period = period_ops.get_visible(db, access, period_id)
    except NotFound:
        abort(404)
    if not any(g.role in roles.SUBTREE_ROLES for g in access.grants):
        abort(403)
    # A viewer reads the list; approving stays with reviewers and admins.
    may_review = any(g.role in permissions.REVIEW_ROLES for g in access.grants)
    if request.method == "POST" and not may_review:
        abort(403)
    filters, errors = _filters(request.args)
    results: dict[str, str] = {}
    status = 422 if errors else 200
    reason = ""
    if request.method == "POST":
        reason = request.form.get("reason", "")
        chosen = []
        for value in request.form.getlist("tenants"):
            try:
                chosen.append(uuid.UUID(value))
            except ValueError:
                continue
        if not chosen:
            errors["tenants"] = [_("Hãy chọn ít nhất một báo cáo để duyệt.")]
        else:
            try:
                results = review.bulk_approve(db, access, host, period, chosen, reason)
            except Invalid as error:
                db.rollback()
                errors.update(error.errors)
            else:
                db.commit()
                approved = sum(1 for r in results.values() if r == "approved")
                flash(_("Đã duyệt %(count)s báo cáo.", count=approved), "success")
        status = 422 if errors else 200
    try:
        page = queue.queue(db, access, period, reading=not may_review, **filters)
    except (Invalid, NotFound) as error:
        page, status = queue.QueuePage([], 0, 1, queue.PER_PAGE, {}), error.status
        errors.update(getattr(error, "errors", None) or {"under": [error.message]})
    names = {str(t.id): t.name for t in _tenants(db, results) if access.can_see(t)}
    return render_template(
        "reports/queue.html", period=period, page=page, rows=page.rows, filters=filters, errors=errors,
        results=results, names=names, reason=reason, statuses=status_labels(),
        status_codes=(queue.MISSING, *STATUSES), kinds=sorted(queue.expected_kinds(db, period)),
        kind_label=lambda k: labels.label(labels.TENANT_KINDS, k),
        under_choices=queue.under_choices(db, access), submitted=SUBMITTED,
        url=lambda **changes: queue_url(period.id, filters, **changes), may_review=may_review,
    ), status


def _tenants(db, results: dict[str, str]) -> list[Tenant]:
    ids = []
    for value in results:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return list(db.scalars(select(Tenant).where(Tenant.id.in_(ids)))) if ids else []
