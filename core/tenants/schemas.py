"""marshmallow schemas for tenants: what the API and the web forms accept and return."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.text.fields import Line

KIND_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class TenantSchema(Schema):
    id = fields.UUID(dump_only=True)
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    code = fields.String(allow_none=True)
    code_valid_from = fields.Date(allow_none=True)
    parent = fields.UUID(attribute="parent_id", allow_none=True,
                         metadata={"description": "Id of the unit directly above"})
    depth = fields.Integer(metadata={"description": "0 for the city, 1 for the units below it, …"})
    attributes = fields.Dict(keys=fields.String())


class TenantCreateSchema(Schema):
    """A unit registered below ``parent`` by one of its admins."""

    name = Line(255, min_length=1, strip=True, required=True)
    kind = fields.String(
        required=True,
        validate=validate.Regexp(KIND_PATTERN, error=_l("Loại đơn vị không hợp lệ.")),
        metadata={"description": "e.g. school, enterprise, agency"},
    )
    parent = fields.UUID(required=True, metadata={"description": "Id of the unit to register under"})
    code = Line(
        40, min_length=1, strip=True, load_default=None, allow_none=True,
        metadata={"description": "Official code, when the unit has one"},
    )
    attributes = fields.Dict(keys=Line(80), values=fields.Raw(), load_default=dict)
