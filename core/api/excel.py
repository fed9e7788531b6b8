"""``/tenants/<tid>/periods/<pid>/report.xlsx``: a unit's form as an Excel workbook, and back."""

from __future__ import annotations

import uuid

from flask import Response, abort, current_app, request
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api.routing import Operation, commit, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Invalid
from core.periods import operations as period_ops
from core.plugins.manager import plugin_host
from core.reports import evidence, excel
from core.tenants import operations as tenant_ops

PATH = "/tenants/<uuid:tenant_id>/periods/<uuid:period_id>/report.xlsx"


class ImportedSchema(Schema):
    status = fields.String()
    version = fields.Integer(metadata={"description": "The report's version after the save"})
    self_score = fields.Float(allow_none=True)
    classification = fields.String(allow_none=True)


@route(PATH, ["GET"], Operation(
    summary="The unit's form as an Excel workbook, pre-filled", tag="reports",
    description="An .xlsx with a first sheet «Hướng dẫn» (unit, period, the report's version, how to "
                "fill in) and one protected sheet per criteria set: field name (hidden), label, unit, "
                "value (the only unlocked column), points, help. For anyone who may read the report.",
))
def download_report_xlsx(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    tenant = tenant_ops.get_visible(db, access, tenant_id)
    period = period_ops.get_visible(db, access, period_id)
    data = excel.workbook_bytes(db, access, plugin_host(current_app), tenant, period)
    response = Response(data, mimetype=excel.CONTENT_TYPE)
    response.headers["Content-Disposition"] = evidence.content_disposition(excel.file_name(tenant, period))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@route(PATH, ["POST"], Operation(
    summary="Save a filled workbook as the report's draft", tag="reports", response=ImportedSchema,
    errors=(403, 409, 422),
    description="multipart/form-data with the field `file`: a workbook downloaded from the GET on "
                "this path. Every cell is checked with the rules of the draft save; errors answer 422 "
                "with `fields` keys naming the sheet in full, the cell and the criterion "
                "(`Trang «…», ô D5 (…)`), every error up to THIDUA_EXCEL_MAX_ERRORS and then a count "
                "under `file`, and nothing is saved. A file made from an older version of the report "
                "is merged field by field with what was saved since; a field changed both ways "
                "answers 409 naming it. A file over the caps (rows, columns, cells, unpacked size), "
                "malformed or not .xlsx answers 422 on `file`.",
))
def upload_report_xlsx(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    tenant = tenant_ops.get_visible(db, access, tenant_id)
    period = period_ops.get_visible(db, access, period_id)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid({"file": [_("Hãy chọn tệp Excel để tải lên.")]})
    try:
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
    except evidence.TooLarge:
        abort(413)
    submission = excel.import_upload(db, access, plugin_host(current_app), tenant, period, data)
    commit(submission)
    return respond(ImportedSchema(), submission)
