"""Commendations on the web: a period's nomination dossiers for each role (the unit's own, and for
Công an Thành phố and Sở Nội vụ every dossier proposed), the dossier page with its nominees,
eligibility hints and quota warnings, and one form per step the caller may take (CSRF)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.api.evidence import send_evidence
from core.auth.context import current_access
from core.awards import attachments, operations
from core.awards import excel as award_excel
from core.awards.models import COLLECTIVE, INDIVIDUAL, ROUND_OF_PERIOD_KIND, AwardType
from core.awards.schemas import (
    AttachmentFormSchema,
    DecideSchema,
    DossierReturnSchema,
    DossierUpdateSchema,
    ForwardSchema,
    NomineeInputSchema,
    NomineeNoteSchema,
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
from core.text import labelled, sentences
from core.users.access import Access
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
    "attachments": _l("Tệp đính kèm"), "nominees": _l("Đối tượng đề nghị"), "period": _l("Kỳ báo cáo"),
}


def field_errors(errors: Mapping[str, Any]) -> str:
    """Refused fields as one line: each field by its label with what is wrong with it ("Ghi chú:
    Tối đa 2000 ký tự."), in the order given; a field without a label says its messages alone."""
    labelled_fields: dict[str, list[Any]] = {}
    unlabelled: list[Any] = []
    for name, messages in errors.items():
        texts = messages if isinstance(messages, list) else [messages]
        if name in FIELD_LABELS:
            labelled_fields[str(FIELD_LABELS[name])] = texts
        else:
            unlabelled.extend(texts)
    return " ".join(part for part in (labelled(labelled_fields), sentences(unlabelled)) if part)


def refused_fields(error: ValidationError) -> str:
    """A refused form as one line: each field by its label, with what is wrong with it."""
    return _("Dữ liệu chưa hợp lệ: %(fields)s", fields=field_errors(dict(sorted(
        error.normalized_messages().items()))))


def _back(period: ReportingPeriod, dossier_id: Any) -> Any:
    return redirect(url_for("web.award_dossier", period_id=period.id, dossier_id=dossier_id), 303)


# What the dossier's forms refuse: 404 and 403 answer as pages; a conflict goes back to the
# dossier with its message; invalid input answers 422 (413 for a file too large) with the
# dossier page naming each refused field.
REFUSALS = (NotFound, Forbidden, Conflict, Invalid, ValidationError, evidence.TooLarge)


def _failed(error: Exception, period: ReportingPeriod, dossier_id: Any):
    """A refusal as the web answers it (:data:`REFUSALS`); nothing of the change is kept."""
    session().rollback()
    if isinstance(error, NotFound):
        abort(404)
    if isinstance(error, Forbidden):
        abort(403)
    if isinstance(error, Invalid):
        flash(field_errors(error.errors) or error.message, "error")
    elif isinstance(error, ValidationError):
        flash(refused_fields(error), "error")
    else:
        flash(getattr(error, "message", "") or str(error), "error")
    if isinstance(error, Conflict):
        return _back(period, dossier_id)
    return _dossier_page(period, dossier_id, status=getattr(error, "status", 422))


def _change(period_id: uuid.UUID, dossier_id: uuid.UUID,
            act: Callable[[Session, Access, ReportingPeriod], str],
            then: Callable[[], None] | None = None) -> Any:
    """Every change of a dossier through its page, in one shape: the period the caller sees; the
    dossier checked visible before any input is read (404 before 422, so that who may not see it
    learns nothing from a validation error); ``act(db, access, period)`` reads the form, makes
    the change and returns the success message; the commit, ``then`` (work after the commit),
    the message flashed and back to the dossier page. A refusal answers as :func:`_failed`."""
    period = _period(period_id)
    db, access = session(), current_access()
    try:
        operations.check_visible(db, access, period, dossier_id)
        message = act(db, access, period)
    except REFUSALS as error:
        return _failed(error, period, dossier_id)
    db.commit()
    if then is not None:
        then()
    flash(message, "success")
    return _back(period, dossier_id)


def _version() -> int | None:
    """The dossier version the form was read at (None when the form sent none)."""
    return NoteStepSchema().load({"version": request.form.get("version") or None})["version"]


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
        flash(sentences(m for messages in error.errors.values() for m in messages), "error")
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
    return _dossier_page(_period(period_id), dossier_id)


def _dossier_page(period: ReportingPeriod, dossier_id: uuid.UUID, status: int = 200) -> Any:
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
    ), status


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/justification", methods=["POST"])
@login_required
def award_dossier_justification(period_id: uuid.UUID, dossier_id: uuid.UUID):
    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        data = DossierUpdateSchema().load({"version": request.form.get("version") or None,
                                           "justification": request.form.get("justification", "")})
        operations.update_justification(db, access, period, dossier_id, data["justification"],
                                        data.get("version"))
        return _("Đã lưu tóm tắt thành tích.")

    return _change(period_id, dossier_id, act)


NOMINEE_FIELDS = ("subject", "award", "unit", "person_name", "person_position", "note", "version",
                  "achievement")


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/nominees", methods=["POST"])
@login_required
def award_nominee_add(period_id: uuid.UUID, dossier_id: uuid.UUID):
    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        data = NomineeInputSchema().load({k: v for k in NOMINEE_FIELDS if (v := request.form.get(k))})
        operations.add_nominee(db, access, period, dossier_id, data)
        return _("Đã thêm đối tượng đề nghị khen thưởng.")

    return _change(period_id, dossier_id, act)


NOMINEE = "/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/nominees/<uuid:nominee_id>"


@blueprint.route(NOMINEE + "/note", methods=["POST"])
@login_required
def award_nominee_note(period_id: uuid.UUID, dossier_id: uuid.UUID, nominee_id: uuid.UUID):
    """Edit a nominee's note (ghi chú) while the dossier is a draft or returned."""
    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        data = NomineeNoteSchema().load({"version": request.form.get("version") or None,
                                         "note": request.form.get("note", "")})
        operations.update_nominee_note(db, access, period, dossier_id, nominee_id, data["note"],
                                       data.get("version"))
        return _("Đã lưu ghi chú.")

    return _change(period_id, dossier_id, act)


@blueprint.route(NOMINEE + "/delete", methods=["POST"])
@login_required
def award_nominee_remove(period_id: uuid.UUID, dossier_id: uuid.UUID, nominee_id: uuid.UUID):
    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        operations.remove_nominee(db, access, period, dossier_id, nominee_id, _version())
        return _("Đã bỏ đối tượng khỏi hồ sơ.")

    return _change(period_id, dossier_id, act)


@blueprint.route("/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/steps/<step>", methods=["POST"])
@login_required
def award_dossier_step(period_id: uuid.UUID, dossier_id: uuid.UUID, step: str):
    if step not in STEP_SCHEMAS:
        abort(404)
    names = ("version", "note", "reason", "to", "number", "date", "authority")
    raw: dict[str, Any] = {k: request.form.get(k) for k in names if request.form.get(k)}
    if step == "submit":
        raw = {"version": raw.get("version"), "confirm": request.form.get("confirm") == "yes"}
    allowed = set(STEP_SCHEMAS[step]().fields)

    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        data = STEP_SCHEMAS[step]().load({k: v for k, v in raw.items() if k in allowed and v is not None})
        operations.step(db, access, period, dossier_id, step, data)
        return _("Đã cập nhật hồ sơ: %(status)s.", status=status_labels()[operations.STEPS[step][1]])

    return _change(period_id, dossier_id, act)


ATTACHMENTS = "/periods/<uuid:period_id>/nominations/<uuid:dossier_id>/attachments"


@blueprint.route(ATTACHMENTS, methods=["POST"])
@login_required
def award_attachment_add(period_id: uuid.UUID, dossier_id: uuid.UUID):
    """Attach the cover memo or the minutes (:mod:`core.awards.attachments`)."""
    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        upload = request.files.get("file")
        form = AttachmentFormSchema().load({"kind": request.form.get("kind") or "",
                                            "version": request.form.get("version") or None})
        if upload is None or not upload.filename:
            raise Invalid({"file": [_("Hãy chọn một tệp để tải lên.")]})
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
        attachments.add(db, access, evidence.store_for(current_app), period, dossier_id, form["kind"], data,
                        upload.filename, form["version"])
        return _("Đã đính kèm tệp.")

    return _change(period_id, dossier_id, act)


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
    removed: list[Any] = []

    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        removed.append(attachments.remove(db, access, period, dossier_id, attachment_id, _version()))
        return _("Đã gỡ tệp đính kèm.")

    def purge() -> None:
        # The bytes go once the removal is committed, and only if nothing else refers to them.
        attachments.purge(session(), evidence.store_for(current_app), removed[0].tenant_id, removed[0].sha256)

    return _change(period_id, dossier_id, act, then=purge)


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
    def act(db: Session, access: Access, period: ReportingPeriod) -> str:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise Invalid({"file": [_("Chọn tệp Excel để tải lên.")]})
        added = award_excel.import_nominees(db, access, period, dossier_id, upload.read(), _version())
        return _("Đã nhập %(count)s đối tượng từ tệp Excel.", count=added)

    return _change(period_id, dossier_id, act)


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
