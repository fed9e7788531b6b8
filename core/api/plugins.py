"""``GET /plugins``: which plugins the platform runs, their versions, states and criteria sets."""

from __future__ import annotations

from flask import Response, current_app
from marshmallow import Schema, fields

from core.api.routing import Operation, respond, route
from core.auth.context import current_access
from core.plugins.manager import plugin_host


class CriteriaSetRefSchema(Schema):
    key = fields.String()
    version = fields.Integer()


class PluginSchema(Schema):
    name = fields.String(metadata={"description": "The entry point name"})
    distribution = fields.String(allow_none=True)
    version = fields.String(allow_none=True)
    state = fields.String(metadata={"enum": ["loaded", "failed", "disabled"]})
    cause = fields.String(
        allow_none=True,
        metadata={"description": "Why it failed or is disabled; shown to administrators only"},
    )
    criteria_sets = fields.List(fields.Nested(CriteriaSetRefSchema))


class PluginListSchema(Schema):
    plugins = fields.List(fields.Nested(PluginSchema))


@route("/plugins", ["GET"], Operation(
    summary="Installed plugins, their state and criteria sets", tag="plugins", response=PluginListSchema,
))
def list_plugins() -> Response:
    is_admin = any(grant.role == "admin" for grant in current_access().grants)
    items = []
    for info in plugin_host(current_app).info_list():
        item = info.as_dict()
        item["cause"] = item["cause"] if is_admin else None
        items.append(item)
    return respond(PluginListSchema(), {"plugins": items})
