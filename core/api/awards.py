"""``/award-types`` and ``/periods/<pid>/nominations``: commendations (khen thưởng), the
nomination dossiers of a period and their chain (proposed → vetted → appraised → decided)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _

from core.api.evidence import send_evidence
from core.api.routing import Operation, load_body, load_query, respond, route
from core.auth.context import current_access
from core.awards import attachments, operations
from core.awards.schemas import (
    AttachmentFormSchema,
    AttachmentListSchema,
    AttachmentSchema,
    AwardTypeConfigureSchema,
    AwardTypeListSchema,
    AwardTypeQuerySchema,
    AwardTypeSchema,
    DecideSchema,
    DossierCreateSchema,
    DossierListSchema,
    DossierQuerySchema,
    DossierReturnSchema,
    DossierSchema,
    DossierUpdateSchema,
    ForwardSchema,
    NomineeInputSchema,
    NomineeNoteSchema,
    NoteStepSchema,
    RegistryListSchema,
    RegistryQuerySchema,
    SubmitSchema,
    VersionQuerySchema,
)
from core.db.engine import session
from core.errors import Invalid
from core.periods import operations as period_operations
from core.plugins import current_host
from core.reports import evidence
from core.tenants import operations as tenant_operations

TAG = "commendations"
BASE = "/periods/<uuid:period_id>/nominations"


@route("/award-types", ["GET"], Operation(
    summary="Award types (commendation forms) and how each is given", tag=TAG, query=AwardTypeQuerySchema,
    response=AwardTypeListSchema,
    description="Data, not code: granting authority, round (annual or five_year), which kinds of unit "
                "may propose it, its eligibility hints and quotas.",
))
def list_award_types() -> Response:
    data = load_query(AwardTypeQuerySchema())
    return respond(AwardTypeListSchema(), {"items": operations.award_types(session(), data.get("round"))})


@route("/award-types/<key>", ["PATCH"], Operation(
    summary="Configure an award type: who may propose it, its quotas, whether it is offered", tag=TAG,
    body=AwardTypeConfigureSchema, response=AwardTypeSchema, errors=(403, 404, 422),
    description="An admin of the city only (award types serve the whole city). The fields given replace "
                "those stored (quota: each key given; null lifts a cap). Audited.",
))
def configure_award_type(key: str) -> Response:
    data = load_body(AwardTypeConfigureSchema())
    award = operations.configure_award_type(session(), current_access(), key, data)
    session().commit()
    return respond(AwardTypeSchema(), award)


def _period(period_id: uuid.UUID):
    return period_operations.get_visible(session(), current_access(), period_id)


def _seen(period_id: uuid.UUID, dossier_id: uuid.UUID):
    """The period, once the caller is known to see the dossier: 404 before any 400 or 422."""
    period = _period(period_id)
    operations.check_visible(session(), current_access(), period, dossier_id)
    return period


def _dossier(period, dossier_id: uuid.UUID, status: int = 200, headers: dict | None = None) -> Response:
    data = operations.describe(session(), current_access(), period, dossier_id, current_host().award_rules)
    return respond(DossierSchema(), data, status=status, headers=headers)


@route(BASE, ["GET"], Operation(
    summary="The period's nomination dossiers the caller sees", tag=TAG, query=DossierQuerySchema,
    response=DossierListSchema, errors=(404,),
    description="The caller's units' dossiers and those below them; for Công an Thành phố and Sở Nội vụ "
                "every dossier proposed in the period.",
))
def list_nominations(period_id: uuid.UUID) -> Response:
    period = _period(period_id)
    data = load_query(DossierQuerySchema())
    rows = operations.dossiers(session(), current_access(), period, data.get("status"))
    return respond(DossierListSchema(), {"items": rows})


@route(BASE, ["POST"], Operation(
    summary="Open a unit's nomination dossier for the period", tag=TAG, ok_status=201,
    body=DossierCreateSchema, response=DossierSchema, errors=(403, 404, 409, 422),
    description="The unit's head or admin. One dossier per unit and period (409 names the existing one); "
                "an annual period holds the annual awards, a summary period the five-year ones.",
))
def create_nomination(period_id: uuid.UUID) -> Response:
    period = _period(period_id)
    data = load_body(DossierCreateSchema())
    db, access = session(), current_access()
    unit = tenant_operations.get_visible(db, access, data["unit"])
    dossier_id = operations.create(db, access, period, unit, data["justification"])
    db.commit()
    return _dossier(period, dossier_id, 201, {
        "Location": url_for(".get_nomination", period_id=period.id, dossier_id=dossier_id)})


@route(BASE + "/<uuid:dossier_id>", ["GET"], Operation(
    summary="A nomination dossier with its nominees, eligibility hints, quota warnings and allowed steps",
    tag=TAG, response=DossierSchema, errors=(404,),
))
def get_nomination(period_id: uuid.UUID, dossier_id: uuid.UUID) -> Response:
    return _dossier(_period(period_id), dossier_id)


@route(BASE + "/<uuid:dossier_id>", ["PATCH"], Operation(
    summary="Edit the dossier's justification", tag=TAG, body=DossierUpdateSchema, response=DossierSchema,
    errors=(403, 404, 409, 422), description="While it is a draft or returned; the unit's head or admin.",
))
def update_nomination(period_id: uuid.UUID, dossier_id: uuid.UUID) -> Response:
    period = _seen(period_id, dossier_id)
    data = load_body(DossierUpdateSchema())
    operations.update_justification(session(), current_access(), period, dossier_id, data["justification"],
                                    data.get("version"))
    session().commit()
    return _dossier(period, dossier_id)


@route(BASE + "/<uuid:dossier_id>/nominees", ["POST"], Operation(
    summary="Add a collective or an individual to the dossier", tag=TAG, ok_status=201,
    body=NomineeInputSchema, response=DossierSchema, errors=(403, 404, 409, 422),
    description="The same unit or person nominated for the same award in the same round, by any unit, "
                "answers 422 on unit or person_name.",
))
def add_nominee(period_id: uuid.UUID, dossier_id: uuid.UUID) -> Response:
    period = _seen(period_id, dossier_id)
    data = load_body(NomineeInputSchema())
    operations.add_nominee(session(), current_access(), period, dossier_id, data)
    session().commit()
    return _dossier(period, dossier_id, 201)


@route(BASE + "/<uuid:dossier_id>/nominees/<uuid:nominee_id>", ["PATCH"], Operation(
    summary="Edit a nominee's note", tag=TAG, body=NomineeNoteSchema, response=DossierSchema,
    errors=(403, 404, 409, 422),
    description="While the dossier is a draft or returned; the unit's head or admin. Audited.",
))
def update_nominee(period_id: uuid.UUID, dossier_id: uuid.UUID, nominee_id: uuid.UUID) -> Response:
    period = _seen(period_id, dossier_id)
    data = load_body(NomineeNoteSchema())
    operations.update_nominee_note(session(), current_access(), period, dossier_id, nominee_id, data["note"],
                                   data.get("version"))
    session().commit()
    return _dossier(period, dossier_id)


@route(BASE + "/<uuid:dossier_id>/nominees/<uuid:nominee_id>", ["DELETE"], Operation(
    summary="Take a nominee out of the dossier", tag=TAG, ok_status=204, query=VersionQuerySchema,
    errors=(403, 404, 409, 422),
))
def remove_nominee(period_id: uuid.UUID, dossier_id: uuid.UUID, nominee_id: uuid.UUID) -> Response:
    period = _seen(period_id, dossier_id)
    data = load_query(VersionQuerySchema())
    operations.remove_nominee(session(), current_access(), period, dossier_id, nominee_id,
                              data.get("version"))
    session().commit()
    return Response(status=204)


@route(BASE + "/<uuid:dossier_id>/attachments", ["GET"], Operation(
    summary="The dossier's attachments: the cover memo (tờ trình) and the meeting minutes", tag=TAG,
    response=AttachmentListSchema, errors=(404,),
))
def list_attachments(period_id: uuid.UUID, dossier_id: uuid.UUID) -> Response:
    items = attachments.list_for(session(), current_access(), _period(period_id), dossier_id)
    return respond(AttachmentListSchema(), {"items": items})


@route(BASE + "/<uuid:dossier_id>/attachments", ["POST"], Operation(
    summary="Attach the cover memo (tờ trình) or the meeting minutes to the dossier", tag=TAG, ok_status=201,
    response=AttachmentSchema, errors=(403, 404, 409, 422),
    description="multipart/form-data with the fields `file`, `kind` (memo or minutes) and optionally "
                "`version` (the dossier's version read: a dossier changed since answers 409). The unit's "
                "head or admin, while the dossier is a draft or returned. The type is judged from the "
                "content as for evidence files (PDF, JPEG, PNG, Word, Excel, UTF-8 text; 422 on `file` "
                "otherwise); over THIDUA_MAX_UPLOAD_BYTES answers 413. A dossier is proposed only once "
                "it holds a memo.",
))
def upload_attachment(period_id: uuid.UUID, dossier_id: uuid.UUID) -> Response:
    period = _seen(period_id, dossier_id)
    form = AttachmentFormSchema().load({k: v for k, v in request.form.items() if k in ("kind", "version")})
    upload = request.files.get("file")
    if upload is None:
        raise Invalid({"file": [_("Hãy chọn một tệp để tải lên.")]})
    try:
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
    except evidence.TooLarge:
        abort(413)
    db = session()
    item = attachments.add(db, current_access(), evidence.store_for(current_app), period, dossier_id,
                           form["kind"], data, upload.filename, form.get("version"))
    db.commit()
    location = url_for(".download_attachment", period_id=period.id, dossier_id=dossier_id,
                       attachment_id=item.id)
    return respond(AttachmentSchema(), item, status=201, headers={"Location": location})


@route(BASE + "/<uuid:dossier_id>/attachments/<uuid:attachment_id>", ["GET"], Operation(
    summary="Download one attachment of the dossier", tag=TAG, errors=(404,),
    description="The stored bytes as an attachment, the original name in Content-Disposition (RFC 5987).",
))
def download_attachment(period_id: uuid.UUID, dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Response:
    return send_evidence(attachments.get(session(), current_access(), _period(period_id), dossier_id,
                                         attachment_id))


@route(BASE + "/<uuid:dossier_id>/attachments/<uuid:attachment_id>", ["DELETE"], Operation(
    summary="Remove an attachment from the dossier", tag=TAG, ok_status=204, query=VersionQuerySchema,
    errors=(403, 404, 409, 422), description="The unit's head or admin, while the dossier is a draft or "
                                             "returned; a stale `version` answers 409.",
))
def delete_attachment(period_id: uuid.UUID, dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Response:
    period = _seen(period_id, dossier_id)
    data = load_query(VersionQuerySchema())
    db = session()
    item = attachments.remove(db, current_access(), period, dossier_id, attachment_id, data.get("version"))
    db.commit()
    attachments.purge(db, evidence.store_for(current_app), item.tenant_id, item.sha256)
    return Response(status=204)


_STEP_DOCS = {
    "submit": ("Propose the dossier (the unit's head or admin)", SubmitSchema, False,
               "Refused (422 on nominees, justification, attachments) when empty or without the cover memo; "
               "over a quota without confirm, 422 on "
               "confirm listing the warnings."),
    "vet": ("Vet the dossier (Công an Thành phố)", NoteStepSchema, False, ""),
    "appraise": ("Appraise the dossier (Sở Nội vụ, Ban Thi đua - Khen thưởng)", NoteStepSchema, False, ""),
    "forward": ("Forward the dossier to a higher authority (Sở Nội vụ)", ForwardSchema, True, ""),
    "decide": ("Record the decision: number, date, authority (Sở Nội vụ)", DecideSchema, True,
               "A dossier holding an award above the City is forwarded first (409 otherwise)."),
    "return": ("Return the dossier with a reason (whoever holds it)", DossierReturnSchema, True, ""),
}


def _step_view(name: str) -> Callable[..., Response]:
    summary, schema, required, description = _STEP_DOCS[name]

    def view(period_id: uuid.UUID, dossier_id: uuid.UUID) -> Response:
        period = _seen(period_id, dossier_id)
        data = load_body(schema())
        operations.step(session(), current_access(), period, dossier_id, name, data)
        session().commit()
        return _dossier(period, dossier_id)

    view.__name__ = f"nomination_{name}"
    return route(f"{BASE}/<uuid:dossier_id>/{name}", ["POST"], Operation(
        summary=summary, tag=TAG, body=schema, body_required=required, response=DossierSchema,
        errors=(400, 403, 404, 409, 422) if required else (403, 404, 409, 422),
        description=(description + " Every step is a compare-and-set on the dossier's version: of two "
                     "concurrent steps exactly one is applied, the other answers 409.").strip(),
    ))(view)


for _name in _STEP_DOCS:
    _step_view(_name)


@route("/award-registry", ["GET"], Operation(
    summary="Commendations decided, across years", tag=TAG, query=RegistryQuerySchema,
    response=RegistryListSchema,
    description="Those of the units the caller reaches (for Công an Thành phố and Sở Nội vụ, whose "
                "reviewers and admins take the chain's steps, the whole city), newest decision first "
                "(at most 200): by person or unit name (accent-free: nguyen van duc finds Nguyễn Văn "
                "Đức), the decision's year, the award type, the unit.",
))
def award_registry() -> Response:
    data = load_query(RegistryQuerySchema())
    rows = operations.registry(session(), current_access(), query=data.get("q", ""), year=data.get("year"),
                               award_key=data.get("award"), unit_id=data.get("unit"))
    return respond(RegistryListSchema(), {"items": rows})
