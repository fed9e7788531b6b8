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
                                                    "own, one of a unit above it, or a published one"})
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


class TableSettingsSchema(Schema):
    key = fields.String()
    set_key = fields.String()
    unit_ids = fields.List(fields.String(), metadata={
        "description": "The chosen units that fill the table (empty: every unit of its kinds)"})
    cluster_id = fields.UUID(allow_none=True, metadata={"description": "The cluster whose members fill "
                                                                       "the table"})
    published = fields.Boolean(metadata={"description": "Whether units outside the owner's line may copy "
                                                        "the table"})


class ConfigureTableSchema(Schema):
    unit_ids = fields.List(fields.UUID(), validate=validate.Length(max=5_000),
                           metadata={"description": "Chosen units strictly below the owner; [] for every "
                                                    "unit of the table's kinds"})
    cluster_id = fields.UUID(allow_none=True, metadata={"description": "A cluster owned by the owner or a "
                                                                       "unit below it; null for none"})
    published = fields.Boolean(metadata={"description": "Consent that units outside the owner's line copy "
                                                        "the table"})


class TargetItemSchema(Schema):
    unit_id = fields.UUID(required=True)
    field = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "The field of a Định lượng row (see the set's fields)"})
    target = fields.Float(required=True, allow_none=True,
                          metadata={"description": "The unit's own target; null for the row's"})


class SetTargetsSchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=1_000_000),
                             metadata={"description": "The version; the latest when omitted"})
    targets = fields.List(fields.Nested(TargetItemSchema), required=True,
                          validate=validate.Length(max=10_000))


class TargetOutSchema(Schema):
    unit_id = fields.UUID()
    unit_name = fields.String()
    field = fields.String()
    code = fields.String(metadata={"description": "The row's Mã"})
    target = fields.Float()
    default = fields.Float(allow_none=True, metadata={"description": "The row's own target"})


class TargetsSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    changed = fields.Integer(metadata={"description": "Targets written or removed by this request"})
    targets = fields.List(fields.Nested(TargetOutSchema))


def _settings(definition) -> dict:
    return {"key": definition.key, "set_key": definition.set_key, "unit_ids": list(definition.unit_ids or []),
            "cluster_id": definition.cluster_id, "published": bool(definition.published)}


@route("/tenants/<uuid:tenant_id>/criteria-sets/<table>", ["PATCH"], Operation(
    summary="Set who fills a table of criteria, and whether others may copy it", tag="criteria-sets",
    body=ConfigureTableSchema, response=TableSettingsSchema, errors=(403, 404, 422),
    description="Admin of the owner unit. Any of `unit_ids` (chosen units strictly below the owner), "
                "`cluster_id` (a cluster owned by the owner or a unit below it: its members fill the "
                "table) and `published` (units outside the owner's line may then copy the table with "
                "`POST …/criteria-sets/copy`). Chosen units and a cluster exclude each other; a unit or "
                "cluster outside the owner's subtree answers 422 on its field. Audited.",
))
def configure_criteria_table(tenant_id: uuid.UUID, table: str) -> Response:
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    data = load_body(ConfigureTableSchema())
    definition = operations.configure(db, access, owner, table, data)
    commit()
    return respond(TableSettingsSchema(), _settings(definition))


def _targets(db, access, owner, table: str, version: int | None, changed: int = 0) -> dict:
    found, listed = operations.targets_of(db, access, owner, table, version)
    return {"key": table, "version": found.version, "changed": changed, "targets": listed}


@route("/tenants/<uuid:tenant_id>/criteria-sets/<table>/targets", ["GET"], Operation(
    summary="The units' own targets of a table of criteria", tag="criteria-sets",
    query=TemplateQuerySchema, response=TargetsSchema, errors=(404,),
    description="For whoever may see the owner unit: each unit's own target (chỉ tiêu) of a Định "
                "lượng row of the version (the latest by default), with the row's own target.",
))
def criteria_table_targets(tenant_id: uuid.UUID, table: str) -> Response:
    query = load_query(TemplateQuerySchema())
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    return respond(TargetsSchema(), _targets(db, access, owner, table, query.get("version")))


@route("/tenants/<uuid:tenant_id>/criteria-sets/<table>/targets", ["PUT"], Operation(
    summary="Set units' own targets of a table of criteria", tag="criteria-sets",
    body=SetTargetsSchema, response=TargetsSchema, errors=(403, 404, 409, 422),
    description="Admin of the owner unit. `targets`: `{unit_id, field, target}` items for Định lượng "
                "rows of the version (the latest by default); `target` null goes back to the row's. "
                "Scoring uses a unit's own target where it has one. A version a closed period used "
                "answers 409. Errors name `targets.<index>.<field>`. Audited.",
))
def set_criteria_table_targets(tenant_id: uuid.UUID, table: str) -> Response:
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    data = load_body(SetTargetsSchema())
    changed = operations.set_targets(db, access, owner, table, data.get("version"), data["targets"])
    commit()
    return respond(TargetsSchema(), _targets(db, access, owner, table, data.get("version"), changed))
