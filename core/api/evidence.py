"""``/tenants/<tid>/periods/<pid>/report/evidence``: a report's evidence files (minh chứng)."""

from __future__ import annotations

import uuid

from flask import Response, abort, current_app, request, send_file, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api.routing import Operation, commit, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Invalid
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.plugins.manager import plugin_host
from core.reports import evidence as operations
from core.reports.models import Evidence
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant

BASE = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/report/evidence"


class EvidenceSchema(Schema):
    id = fields.UUID()
    criterion = fields.String(allow_none=True, metadata={"description": "<set key>.<field>, or null "
                                                                        "for the whole report"})
    filename = fields.String(metadata={"description": "The uploaded name, cleaned for display"})
    content_type = fields.String(metadata={"description": "Judged from the content, not the name"})
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_by_id = fields.UUID(allow_none=True)
    uploaded_at = fields.DateTime()
    download_url = fields.Method("_download_url")

    def _download_url(self, evidence: Evidence) -> str:
        # Answers are only built inside a request on the report's own path.
        return url_for("api.download_evidence", tenant_id=evidence.tenant_id,
                       period_id=request.view_args["period_id"], evidence_id=evidence.id)


class EvidenceListSchema(Schema):
    items = fields.List(fields.Nested(EvidenceSchema))
    total = fields.Integer()


def _version(raw: str | None) -> int | None:
    """The report's version the caller read (a form field or query parameter), if sent."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Invalid({"version": [_("Phiên bản phải là một số nguyên không âm.")]})
    return int(raw)


def _load(tenant_id: uuid.UUID, period_id: uuid.UUID) -> tuple[Tenant, ReportingPeriod]:
    db, access = session(), current_access()
    return tenant_ops.get_visible(db, access, tenant_id), period_ops.get_visible(db, access, period_id)


def send_evidence(item: Evidence) -> Response:
    """The stored bytes as an attachment; the web pages serve downloads through this too."""
    path = operations.store_for(current_app).path(item.tenant_id, item.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(path, conditional=False, etag=False, max_age=0)
    # The stored type is whole ("text/plain; charset=utf-8": the charset the content was checked
    # for); handing it to send_file as a mimetype would make Werkzeug append a second charset.
    response.content_type = item.content_type
    response.headers["Content-Disposition"] = operations.content_disposition(item.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@route(BASE, ["GET"], Operation(
    summary="Evidence files of a unit's report", tag="reports", response=EvidenceListSchema,
    description="Everyone who may read the report sees the list; a unit the caller may not see "
                "answers 404.",
))
def list_evidence(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    tenant, period = _load(tenant_id, period_id)
    items = operations.list_for(session(), current_access(), tenant, period)
    return respond(EvidenceListSchema(), {"items": items, "total": len(items)})


@route(BASE, ["POST"], Operation(
    summary="Attach an evidence file to the report or to one criterion", tag="reports", ok_status=201,
    response=EvidenceSchema, errors=(403, 409, 422),
    description="multipart/form-data with the field `file` and optionally `criterion` "
                "(`<set key>.<field>` of a set the unit reports on). Reporter or head of the unit, "
                "while the report is a draft or returned. The type is judged from the content: PDF, "
                "JPEG, PNG, Word (.doc, .docx), Excel (.xls, .xlsx) or UTF-8 text; anything else "
                "answers 422 on `file`. A file over THIDUA_MAX_UPLOAD_BYTES (10 MB by default) "
                "answers 413. An optional form field `version` (the report's version read) makes a "
                "report changed since answer 409 with the current `version`. Audited as evidence.add.",
))
def upload_evidence(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    tenant, period = _load(tenant_id, period_id)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid({"file": [_("Hãy chọn một tệp để tải lên.")]})
    try:
        data = operations.read_limited(upload.stream, operations.max_bytes_for(current_app))
    except operations.TooLarge:
        abort(413)
    db = session()
    item = operations.add(
        db, current_access(), plugin_host(current_app), operations.store_for(current_app), tenant,
        period, data, upload.filename, request.form.get("criterion"),
        version=_version(request.form.get("version")),
    )
    commit(item)
    location = url_for(".download_evidence", tenant_id=tenant.id, period_id=period.id, evidence_id=item.id)
    return respond(EvidenceSchema(), item, status=201, headers={"Location": location})


@route(BASE + "/<uuid:evidence_id>", ["GET"], Operation(
    summary="Download one evidence file", tag="reports",
    description="The stored bytes as an attachment, with the original name in Content-Disposition "
                "(RFC 5987) and the content type judged at upload.",
))
def download_evidence(tenant_id: uuid.UUID, period_id: uuid.UUID, evidence_id: uuid.UUID) -> Response:
    tenant, period = _load(tenant_id, period_id)
    return send_evidence(operations.get(session(), current_access(), tenant, period, evidence_id))


@route(BASE + "/<uuid:evidence_id>", ["DELETE"], Operation(
    summary="Remove an evidence file", tag="reports", ok_status=204, errors=(403, 409),
    description="Reporter or head of the unit, while the report is a draft or returned. An optional "
                "query parameter `version` (the report's version read) makes a report changed since "
                "answer 409 with the current `version`. Audited as evidence.remove.",
))
def delete_evidence(tenant_id: uuid.UUID, period_id: uuid.UUID, evidence_id: uuid.UUID) -> Response:
    tenant, period = _load(tenant_id, period_id)
    db = session()
    item = operations.remove(db, current_access(), tenant, period, evidence_id,
                             version=_version(request.args.get("version")))
    commit()
    operations.purge(db, operations.store_for(current_app), item.tenant_id, item.sha256)
    return Response(status=204)
