"""marshmallow schemas for users and their memberships."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.users.roles import ROLES


class UserSchema(Schema):
    id = fields.UUID(dump_only=True)
    username = fields.String()
    full_name = fields.String()


class MembershipSchema(Schema):
    """A role held in one tenant, with enough of the tenant to show it."""

    tenant_id = fields.UUID()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
