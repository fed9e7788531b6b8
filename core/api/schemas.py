"""Schemas only the API uses: envelopes, list pages, query strings and small request bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.periods.schemas import PeriodInputSchema, PeriodSchema
from core.tenants.schemas import TenantSchema
from core.text.fields import Line, Text
from core.users.schemas import MembershipSchema, UserSchema

MAX_LIMIT = 500


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable, machine-readable code"})
    message = fields.String(required=True, metadata={"description": "In the caller's language"})
    field_messages = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "Messages per input field or query parameter (422)"},
    )
    version = fields.Integer(metadata={"description": "The report's current version (409 on a stale save)"})
    status = fields.String(metadata={"description": "The status an extension request has now (409 when "
                                                    "it was decided already)"})
    changes = fields.Dict(keys=fields.String(), metadata={
        "description": "What recomputing the report would change, [from, to] by name (409 on an approval "
                       "whose units below changed)"})
    missing = fields.List(
        fields.Dict(keys=fields.String()),
        metadata={"description": "What keeps a report from being submitted: section, field, reason "
                                 "(required | evidence | invalid | unavailable), message (422 incomplete)"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class CsrfTokenSchema(Schema):
    csrf_token = fields.String()


class MeSchema(Schema):
    user = fields.Nested(UserSchema)
    memberships = fields.List(fields.Nested(MembershipSchema))


class TenantQuerySchema(Schema):
    code = Line(40, metadata={"description": "Official code"})
    slug = Line(120)
    kind = Line(40)
    parent = fields.UUID(metadata={"description": "Only the units directly below this one"})
    q = Line(
        200, strip=True,
        metadata={"description": "Words of the name or code, with or without diacritics"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


class TenantPageSchema(Schema):
    items = fields.List(fields.Nested(TenantSchema))
    total = fields.Integer(metadata={"description": "Matching units, ignoring limit and offset"})
    limit = fields.Integer()
    offset = fields.Integer()


class PeriodCreateSchema(PeriodInputSchema):
    owner = fields.UUID(
        load_default=None, allow_none=True,
        metadata={"description": "Tenant that runs the period; default: the caller's highest "
                                 "tenant where they are admin"},
    )


class PeriodListSchema(Schema):
    items = fields.List(fields.Nested(PeriodSchema))
    total = fields.Integer()


class TransitionSchema(Schema):
    reason = Text(2000, load_default="")
