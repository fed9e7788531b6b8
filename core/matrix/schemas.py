"""marshmallow schemas of the matrix: its query and its pages."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.reports.models import STATUSES


class MatrixQuerySchema(Schema):
    scope = fields.UUID(
        metadata={"description": "The unit whose subtree the matrix covers (default: the caller's)"})
    kind = fields.String(validate=validate.Length(max=40),
                         metadata={"description": "Only units of this kind"})
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "Words of the unit's name or code, accents optional"})
    status = fields.String(validate=validate.OneOf((*STATUSES, "missing")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class MatrixExportQuerySchema(Schema):
    scope = fields.UUID()
    kind = fields.String(validate=validate.Length(max=40))
    q = fields.String(validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf((*STATUSES, "missing")))


class ColumnSchema(Schema):
    field = fields.String()
    label = fields.String()
    label_en = fields.String()
    unit = fields.String(allow_none=True)
    unit_en = fields.String(allow_none=True, metadata={"description": "The unit in English, when the set "
                                                                       "gives one"})
    choices_en = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True,
                             metadata={"description": "Each stored choice's English label"})


class GroupSchema(Schema):
    set_key = fields.String(data_key="set")
    version = fields.Integer()
    title = fields.String()
    title_en = fields.String()
    columns = fields.List(fields.Nested(ColumnSchema))


class CellSchema(Schema):
    set_key = fields.String(data_key="set")
    field = fields.String()
    value = fields.Raw(allow_none=True)
    self_points = fields.Float(allow_none=True, data_key="self")
    review_points = fields.Float(allow_none=True, data_key="reviewed")


class MatrixRowSchema(Schema):
    tenant = fields.UUID(attribute="tenant_id")
    name = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "draft | submitted | returned | approved | missing"})
    score = fields.Float(allow_none=True)
    cells = fields.List(fields.Nested(CellSchema))


class MatrixSchema(Schema):
    groups = fields.List(fields.Nested(GroupSchema),
                         metadata={"description": "Criteria sets and their criteria"})
    items = fields.List(fields.Nested(MatrixRowSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
