"""``/api/v1/periods/<pid>/criteria-sets``: which criteria sets a period asks of a tenant, and
(for the period owner's admin) which ones it enables per tenant kind."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app
from marshmallow import Schema, fields

from core.api.routing import Operation, commit, json_body, load_query, respond, route
from core.auth.context import current_access
from core.db.engine import session
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
    code = fields.String(allow_none=True, metadata={"description": "The criterion's code in its table "
                                                                   "(Mã), for sets defined as data"})


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


class CriteriaSetQuerySchema(Schema):
    tenant = fields.UUID(metadata={"description": "Only the sets enabled for this tenant's kind"})


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
    return data


def _answer(period, tenant, items: list[operations.EnabledSet]) -> Response:
    return respond(CriteriaSetListSchema(), {
        "period": period.id,
        "tenant": tenant.id if tenant is not None else None,
        "criteria_sets": [serialise(item) for item in items],
    })


@route("/periods/<uuid:period_id>/criteria-sets", ["GET"], Operation(
    summary="Criteria sets a period enables, with their fields", tag="criteria-sets",
    description="With ?tenant=, only the sets enabled for that tenant's kind: what it must report. "
                "Each field gives its name, type, label, help, unit, points, required, choices and "
                "evidence_required. A set whose plugin is not loaded is listed with available=false.",
    query=CriteriaSetQuerySchema, response=CriteriaSetListSchema, errors=(404,),
))
def list_criteria_sets(period_id: uuid.UUID) -> Response:
    query = load_query(CriteriaSetQuerySchema())
    db, access = session(), current_access()
    host = plugin_host(current_app)
    period = period_ops.get_visible(db, access, period_id)
    tenant = None
    if query.get("tenant"):
        tenant = tenant_ops.get_visible(db, access, query["tenant"])
        items = operations.sets_for_tenant(db, host, period, tenant)
    else:
        items = operations.enabled_sets(db, host, period)
    return _answer(period, tenant, items)


@route("/periods/<uuid:period_id>/criteria-sets", ["PUT"], Operation(
    summary="Choose the criteria sets of a period, per tenant kind", tag="criteria-sets",
    description="Admin of the period's owner. The list replaces the period's sets; each item is "
                "{key, tenant_kinds, weight, version?} (the latest version when omitted). Unknown "
                "keys, versions or kinds answer 422 naming the item, e.g. `0.key`. Audited.",
    body=operations.EnableItemSchema(many=True), response=CriteriaSetListSchema, errors=(403, 404, 409),
))
def put_criteria_sets(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    host = plugin_host(current_app)
    period = period_ops.get_visible(db, access, period_id)
    items = operations.configure_period(db, access, host, period, json_body())
    commit()
    return _answer(period, None, items)
