"""``/api/v1/periods/<pid>/criteria-sets``: which criteria sets a period asks of a tenant, and
(for the period owner's admin) which ones it enables per tenant kind.

Routes attach to :data:`core.api.blueprint` when :func:`core.plugins.init_app` imports this
module, before the factory registers the blueprint.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields

from core.api import blueprint
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Invalid, ThiDuaError
from core.periods import operations as period_ops
from core.plugins import operations
from core.plugins.fields import describe
from core.plugins.manager import plugin_host
from core.tenants import operations as tenant_ops


class FieldSchema(Schema):
    """One criterion, JSON-Schema-like."""

    name = fields.String(metadata={"description": "Field name in the submitted values"})
    type = fields.String(metadata={"enum": ["boolean", "integer", "number", "string", "date", "datetime"]})
    label = fields.String()
    help = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    points = fields.Raw(allow_none=True, metadata={"description": "A number, or a map choice → points"})
    required = fields.Boolean()
    choices = fields.List(fields.Raw(), allow_none=True)
    evidence_required = fields.Boolean()
    minimum = fields.Float(allow_none=True)
    maximum = fields.Float(allow_none=True)


class CriteriaSetOutSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    title = fields.String(allow_none=True)
    title_en = fields.String(allow_none=True)
    plugin = fields.String(allow_none=True)
    available = fields.Boolean(metadata={"description": "False when the owning plugin is not loaded"})
    tenant_kinds = fields.List(fields.String())
    weight = fields.Float()
    aggregates = fields.Dict(keys=fields.String(), values=fields.String())
    fields_ = fields.List(fields.Nested(FieldSchema), data_key="fields")


class CriteriaSetListSchema(Schema):
    period = fields.UUID()
    tenant = fields.UUID(allow_none=True)
    criteria_sets = fields.List(fields.Nested(CriteriaSetOutSchema))


class EnableItemInSchema(operations.EnableItemSchema):
    """Documented request body item of the PUT."""


def _api_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return jsonify(error=_("Cần đăng nhập.")), 401
        try:
            return view(*args, **kwargs)
        except ThiDuaError as error:
            session().rollback()
            body: dict[str, Any] = {"error": error.message}
            if isinstance(error, Invalid):
                body["errors"] = error.errors
            return jsonify(body), error.status

    return wrapped


def serialise(item: operations.EnabledSet) -> dict[str, Any]:
    criteria_set = item.criteria_set
    data: dict[str, Any] = {
        "key": item.row.key,
        "version": item.row.version,
        "plugin": item.plugin,
        "available": item.available,
        "tenant_kinds": list(item.row.tenant_kinds),
        "weight": item.row.weight,
        "title": None,
        "title_en": None,
        "aggregates": {},
        "fields_": [],
    }
    if criteria_set is not None:
        data.update(
            title=str(criteria_set.title),
            title_en=str(criteria_set.title_en),
            aggregates=dict(criteria_set.aggregates or {}),
            fields_=[f.as_dict() for f in describe(criteria_set)],
        )
    return CriteriaSetOutSchema().dump(data)


@blueprint.get("/periods/<period_id>/criteria-sets")
@_api_errors
def list_criteria_sets(period_id: str):
    """Criteria sets a period enables, with their fields.
    ---
    get:
      summary: Criteria sets of a period (for one tenant with ?tenant=)
      parameters:
        - {in: path, name: period_id, required: true, schema: {type: string, format: uuid}}
        - {in: query, name: tenant, required: false, schema: {type: string, format: uuid},
           description: only the sets enabled for this tenant's kind}
      responses:
        200: {content: {application/json: {schema: CriteriaSetListSchema}}}
        404: {description: period or tenant not visible to the caller}
    """
    db = session()
    access = current_access()
    host = plugin_host(current_app)
    period = period_ops.get_visible(db, access, period_id)
    tenant_id = request.args.get("tenant")
    if tenant_id:
        tenant = tenant_ops.get_visible(db, access, tenant_id)
        items = operations.sets_for_tenant(db, host, period, tenant)
    else:
        tenant = None
        items = operations.enabled_sets(db, host, period)
    return jsonify(CriteriaSetListSchema().dump({
        "period": period.id,
        "tenant": tenant.id if tenant else None,
        "criteria_sets": [serialise(item) for item in items],
    }))


@blueprint.put("/periods/<period_id>/criteria-sets")
@_api_errors
def put_criteria_sets(period_id: str):
    """Replace the criteria sets a period enables (admin of the period's owner).
    ---
    put:
      summary: Enable criteria sets per tenant kind
      parameters:
        - {in: path, name: period_id, required: true, schema: {type: string, format: uuid}}
      requestBody:
        content:
          application/json:
            schema: {type: array, items: EnableItemInSchema}
      responses:
        200: {content: {application/json: {schema: CriteriaSetListSchema}}}
        403: {description: not an admin of the period's owner}
        404: {description: period not visible}
        422: {description: "unknown key, version or tenant kind; errors name the item, e.g. 0.key"}
    """
    db = session()
    access = current_access()
    host = plugin_host(current_app)
    period = period_ops.get_visible(db, access, period_id)
    items = operations.configure_period(db, access, host, period, request.get_json(silent=True))
    db.commit()
    return jsonify(CriteriaSetListSchema().dump({
        "period": period.id,
        "tenant": None,
        "criteria_sets": [serialise(item) for item in items],
    }))
