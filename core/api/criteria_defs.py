"""``/tenants/<owner>/criteria-sets``: an owner's tables of criteria, imported from and exported
to the Excel template (sheet «Tiêu chí»)."""

from __future__ import annotations

import uuid

from flask import Response, abort, current_app, request
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api.routing import Operation, commit, load_body, load_query, respond, route
from core.auth.context import current_access
from core.criteria_defs import excel, operations
from core.db.engine import session
from core.errors import Invalid
from core.reports import evidence
from core.tenants import operations as tenant_ops


class ImportedTableSchema(Schema):
    key = fields.String(metadata={"description": "The owner's key of the table"})
    set_key = fields.String(metadata={"description": "The criteria-set key periods enable "
                                                     "(`PUT /periods/{period_id}/criteria-sets`)"})
    version = fields.Integer(metadata={"description": "The version this import made"})
    title = fields.String()
    nodes = fields.Integer(metadata={"description": "Rows read (groups and criteria)"})
    maximum = fields.Float(metadata={"description": "The table's total points"})


class CopyTableSchema(Schema):
    source = fields.String(required=True, validate=validate.Length(min=1, max=120),
                           metadata={"description": "The set key of the table to copy: the owner's "
                                                    "own, or one of a unit above it"})
    key = fields.String(required=True, validate=validate.Length(min=1, max=60))
    title = fields.String(required=True, validate=validate.Length(min=1, max=255))
    tenant_kinds = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                               validate=validate.Length(max=50), load_default=None)


class TemplateQuerySchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=1_000_000),
                             metadata={"description": "A version; the latest when omitted"})


@route("/tenants/<uuid:tenant_id>/criteria-sets/import", ["POST"], Operation(
    summary="Import a table of criteria from the Excel template", tag="criteria-sets", ok_status=201,
    response=ImportedTableSchema, errors=(403, 404, 409, 422),
    description="Admin of the owner unit. multipart/form-data with `file` (the template: sheet "
                "«Tiêu chí», columns Mã, Cấp, Tên tiêu chí, Điểm tối đa, Loại, Đơn vị tính, Chỉ tiêu, "
                "Điểm mỗi lần, Điểm cộng, Điểm trừ, Điểm tối thiểu, Minh chứng, Hướng dẫn), `key` "
                "(a-z, 0-9, _), `title` and optionally `tenant_kinds` (repeated; by default every kind "
                "of unit below the owner). Each import of a key makes a new version; periods in "
                "draft follow it, open and closed periods keep theirs. Errors answer 422 naming the "
                "row and column (`Dòng 5, cột «Điểm tối đa»`) and nothing is saved. Audited.",
))
def import_criteria_table(tenant_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid({"file": [_("Hãy chọn tệp Excel để tải lên.")]})
    try:
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
    except evidence.TooLarge:
        abort(413)
    kinds = [k for value in request.form.getlist("tenant_kinds") for k in value.split(",")]
    imported = operations.import_table(db, access, owner, request.form.get("key"), request.form.get("title"),
                                       data, kinds or None)
    commit()
    return respond(ImportedTableSchema(), imported, status=201)


@route("/tenants/<uuid:tenant_id>/criteria-sets/copy", ["POST"], Operation(
    summary="Copy a table of criteria into a new one of the owner", tag="criteria-sets", ok_status=201,
    body=CopyTableSchema, response=ImportedTableSchema, errors=(403, 404, 409, 422),
    description="Admin of the owner unit. The latest version of `source` (the owner's own table, "
                "e.g. last year's, or one of a unit above it) becomes a new version of the owner's "
                "table `key`, owned by the owner. A table out of reach answers 422 on `source` as "
                "one that does not exist. Audited.",
))
def copy_criteria_table(tenant_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    data = load_body(CopyTableSchema())
    copied = operations.copy_table(db, access, owner, data["source"], data["key"], data["title"],
                                   data["tenant_kinds"])
    commit()
    return respond(ImportedTableSchema(), copied, status=201)


@route("/tenants/<uuid:tenant_id>/criteria-sets/<table>.xlsx", ["GET"], Operation(
    summary="A table of criteria as the Excel template, filled", tag="criteria-sets",
    query=TemplateQuerySchema, errors=(404,),
    description="`table` is the owner's key of the table. The same template the import reads, one "
                "row per node in tree order, for whoever may see the owner unit. Another unit's table "
                "answers 404.",
))
def download_criteria_table(tenant_id: uuid.UUID, table: str) -> Response:
    query = load_query(TemplateQuerySchema())
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    data = operations.template(db, access, owner, table, query.get("version"))
    response = Response(data, mimetype=excel.CONTENT_TYPE)
    response.headers["Content-Disposition"] = evidence.content_disposition(f"tieu-chi-{table}.xlsx")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
