"""Commendations on the web: a period's nomination dossiers for each role (the unit's own, and for
Công an Thành phố and Sở Nội vụ every dossier proposed), the dossier page with its nominees,
eligibility hints and quota warnings, and one form per step the caller may take (CSRF)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import select

from core.api.evidence import send_evidence
from core.auth.context import current_access
from core.awards import attachments, operations
from core.awards import excel as award_excel
from core.awards.models import COLLECTIVE, INDIVIDUAL, ROUND_OF_PERIOD_KIND, AwardType
from core.awards.schemas import (
    AttachmentFormSchema,
    DecideSchema,
    DossierReturnSchema,
    ForwardSchema,
    NomineeInputSchema,
    NoteStepSchema,
    RegistryQuerySchema,
    SubmitSchema,
)
from core.db.engine import session
from core.documents import date_words, render_pdf
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins import current_host
from core.reports import evidence
from core.tenants.models import Tenant
from core.web import blueprint, labels
from core.web.active import active_tenant
from core.web.layout import add_nav_link

# How deep below the proposer the form offers units (its own units and theirs).
CANDIDATE_DEPTH = 2
MAX_CANDIDATES = 500
STEP_SCHEMAS = {"submit": SubmitSchema, "vet": NoteStepSchema, "appraise": NoteStepSchema,
                "forward": ForwardSchema, "decide": DecideSchema, "return": DossierReturnSchema}


def status_labels() -> dict[str, str]:
    return {"draft": _("Đang soạn"), "proposed": _("Chờ Công an Thành phố thẩm định"),
            "vetted": _("Chờ Sở Nội vụ thẩm định"), "appraised": _("Đã thẩm định, chờ quyết định"),
            "forwarded": _("Đã trình cấp trên"), "decided": _("Đã có quyết định"),
            "returned": _("Bị trả lại")}


def subject_labels() -> dict[str, str]:
    return {COLLECTIVE: _("Tập thể"), INDIVIDUAL: _("Cá nhân")}


def attachment_labels() -> dict[str, str]:
    return {"memo": _("Tờ trình"), "minutes": _("Biên bản họp")}


def step_labels() -> dict[str, str]:
    return {"submit": _("Gửi đề nghị"), "vet": _("Xác nhận thẩm định"), "appraise": _("Xác nhận thẩm định"),
            "forward": _("Trình cấp trên"), "decide": _("Ghi quyết định khen thưởng"), "return": _("Trả lại")}


def _rounds() -> set[str]:
    return set(ROUND_OF_PERIOD_KIND)


def _visible_here() -> bool:
    return active_tenant() is not None


add_nav_link("web.award_home", _l("Khen thưởng"), visible=_visible_here, current_prefix="web.award")


def _period(period_id: uuid.UUID) -> ReportingPeriod:
    try:
        return period_ops.get_visible(session(), current_access(), period_id)
    except NotFound:
        abort(404)


@blueprint.route("/nominations", methods=["GET"])
@login_required
def award_home():
    """The latest period holding a round of commendations that the caller sees."""
    for period in period_ops.visible(session(), current_access()):
        if period.kind in _rounds():
            return redirect(url_for("web.award_dossiers", period_id=period.id))
    return render_template("awards/list.html", period=None, periods=[], rows=[], statuses=status_labels(),
                           can_open=False, unit=None)


@blueprint.route("/periods/<uuid:period_id>/nominations", methods=["GET"])
@login_required
def award_dossiers(period_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    rows = operations.dossiers(db, access, period)
    unit = active_tenant()
    own = unit is not None and any(r.unit.id == unit.id for r in rows)
    can_open = (unit is not None and not own and operations.round_of(period) is not None
                and operations.can_propose(access, unit))
    periods = [p for p in period_ops.visible(db, access) if p.kind in _rounds()]
    return render_template("awards/list.html", period=period, periods=periods, rows=rows,
                           statuses=status_labels(), can_open=can_open, unit=unit,
                           kind_label=lambda code: labels.label(labels.TENANT_KINDS, code))


# The forms' fields as their labels name them, for messages about a refused input.
FIELD_LABELS = {
    "unit": _l("Đơn vị"), "subject": _l("Đối tượng"), "award": _l("Hình thức khen thưởng"),
    "person_name": _l("Họ và tên"), "person_position": _l("Chức vụ"), "note": _l("Ghi chú"),
    "justification": _l("Tóm tắt thành tích"), "kind": _l("Loại tệp"), "file": _l("Tệp"),
    "reason": _l("Lý do trả lại"), "number": _l("Số quyết định"), "date": _l("Ngày quyết định"),
    "authority": _l("Cấp quyết định"), "to": _l("Trình cấp"), "year": _l("Năm quyết định"),
    "q": _l("Tìm kiếm"), "version": _l("Phiên bản"), "confirm": _l("Xác nhận"),
}


def refused_fields(error: ValidationError) -> str:
    """A refused form as one line: each field by its label, with what is wrong with it."""
    parts = []
    for name, messages in sorted(error.normalized_messages().items()):
        texts = messages if isinstance(messages, list) else [str(messages)]
        label = FIELD_LABELS.get(name, name)
        parts.append(f"{label}: {' '.join(str(text) for text in texts)}")
    return _("Dữ liệu chưa hợp lệ: %(fields)s", fields="; ".join(parts))


def _back(period: ReportingPeriod, dossier_id: Any) -> Any:
    return redirect(url_for("web.award_dossier", period_id=period.id, dossier_id=dossier_id), 303)


def _failed(error: Exception, period: ReportingPeriod, dossier_id: Any):
    """Refusals as the web answers them: 404 and 403 pages; a conflict or invalid input back on the
    dossier page with the message."""
    session().rollback()
    if isinstance(error, NotFound):
        abort(404)
    if isinstance(error, Forbidden):
        abort(403)
    if isinstance(error, Invalid):
        flash("; ".join(m for messages in error.errors.values() for m in messages) or error.message, "error")
    elif isinstance(error, ValidationError):
        flash(refused_fields(error), "error")
    else:
        flash(getattr(error, "message", "") or str(error), "error")
    return _back(period, dossier_id)


@blueprint.route("/periods/<uuid:period_id>/nominations", methods=["POST"])
@login_required
def award_dossier_create(period_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    unit = active_tenant()
    if unit is None:
        abort(404)
    try:
        dossier_id = operations.create(db, access, period, unit, "")
    except Forbidden:
        abort(403)
    except Conflict as error:
        db.rollback()
        if error.details.get("id"):
            return _back(period, error.details["id"])
        flash(error.message, "error")
        return redirect(url_for("web.award_dossiers", period_id=period.id), 303)
    except Invalid as error:
        db.rollback()
        flash("; ".join(m for messages in error.errors.values() for m in messages), "error")
        return redirect(url_for("web.award_dossiers", period_id=period.id), 303)
    db.commit()
    flash(_("Đã lập hồ sơ đề nghị khen thưởng."), "success")
    return _back(period, dossier_id)


def _candidates(unit_id: uuid.UUID) -> list[Tenant]:
    db = session()
    unit = db.get(Tenant, unit_id)
    return list(db.scalars(
        select(Tenant).where(Tenant.path.startswith(unit.path), Tenant.active.is_(True),
                             Tenant.depth <= unit.depth + CANDIDATE_DEPTH)
        .order_by(Tenant.depth, Tenant.name_key).limit(MAX_CANDIDATES)))


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>", methods=["GET"])
@login_required
def award_dossier(period_id: uuid.UUID, dossier_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    try:
        dossier = operations.describe(db, access, period, dossier_id, current_host().award_rules)
    except NotFound:
        abort(404)
    editable = "edit" in dossier["actions"]
    round_kind = operations.round_of(period)
    awards: list[AwardType] = operations.award_types(db, round_kind) if editable and round_kind else []
    return render_template(
        "awards/dossier.html", period=period, dossier=dossier, editable=editable,
        awards=[a for a in awards if dossier["unit"]["kind"] in (a.proposer_kinds or [])],
        candidates=_candidates(dossier["unit"]["id"]) if editable else [],
        statuses=status_labels(), subjects=subject_labels(), steps=step_labels(),
        attachment_kinds=attachment_labels(), kind_label=lambda code: labels.label(labels.TENANT_KINDS, code),
    )


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/justification", methods=["POST"])
@login_required
def award_dossier_justification(period_id: uuid.UUID, dossier_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    try:
        operations.check_visible(db, access, period, dossier_id)
        data = NoteStepSchema().load({"version": request.form.get("version") or None,
                                      "note": request.form.get("justification", "")})
        operations.update_justification(db, access, period, dossier_id, data["note"], data["version"])
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    flash(_("Đã lưu tóm tắt thành tích."), "success")
    return _back(period, dossier_id)


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/nominees", methods=["POST"])
@login_required
def award_nominee_add(period_id: uuid.UUID, dossier_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    fields = ("subject", "award", "unit", "person_name", "person_position", "note", "version", "achievement")
    try:
        operations.check_visible(db, access, period, dossier_id)
        data = NomineeInputSchema().load({k: request.form.get(k) for k in fields if request.form.get(k)})
        operations.add_nominee(db, access, period, dossier_id, data)
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    flash(_("Đã thêm đối tượng đề nghị khen thưởng."), "success")
    return _back(period, dossier_id)


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/nominees/<uuid:nominee_id>/delete",
                 methods=["POST"])
@login_required
def award_nominee_remove(period_id: uuid.UUID, dossier_id: uuid.UUID, nominee_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    try:
        operations.check_visible(db, access, period, dossier_id)
        data = NoteStepSchema().load({"version": request.form.get("version") or None})
        operations.remove_nominee(db, access, period, dossier_id, nominee_id, data["version"])
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    flash(_("Đã bỏ đối tượng khỏi hồ sơ."), "success")
    return _back(period, dossier_id)


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/steps/<step>", methods=["POST"])
@login_required
def award_dossier_step(period_id: uuid.UUID, dossier_id: uuid.UUID, step: str):
    if step not in STEP_SCHEMAS:
        abort(404)
    period = _period(period_id)
    db, access = session(), current_access()
    names = ("version", "note", "reason", "to", "number", "date", "authority")
    raw: dict[str, Any] = {k: request.form.get(k) for k in names if request.form.get(k)}
    if step == "submit":
        raw = {"version": raw.get("version"), "confirm": request.form.get("confirm") == "yes"}
    allowed = set(STEP_SCHEMAS[step]().fields)
    try:
        operations.check_visible(db, access, period, dossier_id)
        data = STEP_SCHEMAS[step]().load({k: v for k, v in raw.items() if k in allowed and v is not None})
        operations.step(db, access, period, dossier_id, step, data)
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    flash(_("Đã cập nhật hồ sơ: %(status)s.", status=status_labels()[operations.STEPS[step][1]]), "success")
    return _back(period, dossier_id)


ATTACHMENTS = "/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/attachments"


@blueprint.route(ATTACHMENTS, methods=["POST"])
@login_required
def award_attachment_add(period_id: uuid.UUID, dossier_id: uuid.UUID):
    """Attach the cover memo or the minutes (:mod:`core.awards.attachments`)."""
    period = _period(period_id)
    db, access = session(), current_access()
    upload = request.files.get("file")
    try:
        operations.check_visible(db, access, period, dossier_id)
        form = AttachmentFormSchema().load({"kind": request.form.get("kind") or "",
                                            "version": request.form.get("version") or None})
        if upload is None or not upload.filename:
            raise Invalid({"file": [_("Hãy chọn một tệp để tải lên.")]})
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
        attachments.add(db, access, evidence.store_for(current_app), period, dossier_id, form["kind"], data,
                        upload.filename, form["version"])
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError, evidence.TooLarge) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    flash(_("Đã đính kèm tệp."), "success")
    return _back(period, dossier_id)


@blueprint.route(ATTACHMENTS + "/<uuid:attachment_id>", methods=["GET"])
@login_required
def award_attachment_download(period_id: uuid.UUID, dossier_id: uuid.UUID,
                              attachment_id: uuid.UUID) -> Response:
    try:
        item = attachments.get(session(), current_access(), _period(period_id), dossier_id, attachment_id)
    except NotFound:
        abort(404)
    return send_evidence(item)


@blueprint.route(ATTACHMENTS + "/<uuid:attachment_id>/delete", methods=["POST"])
@login_required
def award_attachment_remove(period_id: uuid.UUID, dossier_id: uuid.UUID, attachment_id: uuid.UUID):
    period = _period(period_id)
    db, access = session(), current_access()
    try:
        operations.check_visible(db, access, period, dossier_id)
        data = NoteStepSchema().load({"version": request.form.get("version") or None})
        item = attachments.remove(db, access, period, dossier_id, attachment_id, data["version"])
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    attachments.purge(db, evidence.store_for(current_app), item.tenant_id, item.sha256)
    flash(_("Đã gỡ tệp đính kèm."), "success")
    return _back(period, dossier_id)


def _pdf(template: str, period: ReportingPeriod, dossier_id: uuid.UUID, filename: str) -> Response:
    db, access = session(), current_access()
    try:
        doc = operations.decision_document(db, access, period, dossier_id)
    except NotFound:
        abort(404)
    pdf = render_pdf(template, doc=doc, date_words=date_words)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/decision-list.pdf", methods=["GET"])
@login_required
def award_decision_list(period_id: uuid.UUID, dossier_id: uuid.UUID):
    """The list attached to the decision (danh sách kèm theo Quyết định), as PDF."""
    return _pdf("awards/decision_list.html", _period(period_id), dossier_id, "danh-sach-khen-thuong.pdf")


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/certificates.pdf", methods=["GET"])
@login_required
def award_certificates(period_id: uuid.UUID, dossier_id: uuid.UUID):
    """The Bằng khen and Giấy khen of the decided dossier, one page each, as PDF."""
    return _pdf("awards/certificates.html", _period(period_id), dossier_id, "bang-khen-giay-khen.pdf")


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/nominees.xlsx", methods=["POST"])
@login_required
def award_nominees_import(period_id: uuid.UUID, dossier_id: uuid.UUID):
    """Nominees from an Excel sheet (:mod:`core.awards.excel`): all rows or none, bad rows named."""
    period = _period(period_id)
    db, access = session(), current_access()
    upload = request.files.get("file")
    try:
        operations.check_visible(db, access, period, dossier_id)
        if upload is None or not upload.filename:
            raise Invalid({"file": [_("Chọn tệp Excel để tải lên.")]})
        version = NoteStepSchema().load({"version": request.form.get("version") or None})["version"]
        added = award_excel.import_nominees(db, access, period, dossier_id, upload.read(), version)
    except (NotFound, Forbidden, Conflict, Invalid, ValidationError) as error:
        return _failed(error, period, dossier_id)
    db.commit()
    flash(_("Đã nhập %(count)s đối tượng từ tệp Excel.", count=added), "success")
    return _back(period, dossier_id)


@blueprint.route("/nominations/registry", methods=["GET"])
@login_required
def award_registry():
    """Decided commendations across years, searched by name (accent-free), year and award."""
    db, access = session(), current_access()
    raw = {k: request.args.get(k) for k in ("q", "year", "award") if request.args.get(k)}
    try:
        query = RegistryQuerySchema().load(raw)
    except ValidationError as error:
        flash(refused_fields(error), "error")
        query = {}
    rows = operations.registry(db, access, query=query.get("q", ""), year=query.get("year"),
                               award_key=query.get("award")) if query else []
    return render_template("awards/registry.html", rows=rows, query=raw, searched=bool(query),
                           awards=operations.award_types(db), subjects=subject_labels())
