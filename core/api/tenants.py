"""``/tenants``: the units the caller may see, and registering a unit below one they administer."""

from __future__ import annotations

import uuid

from flask import Response, url_for

from core.api.routing import Operation, commit, load_body, load_query, respond, route
from core.api.schemas import TenantPageSchema, TenantQuerySchema
from core.auth.context import current_access
from core.db.engine import session
from core.tenants import operations
from core.tenants.schemas import TenantCreateSchema, TenantSchema


@route("/tenants", ["GET"], Operation(
    summary="Units the caller may see", tag="tenants",
    description="Only units reached by one of the caller's memberships are listed.",
    query=TenantQuerySchema, response=TenantPageSchema,
))
def list_tenants() -> Response:
    filters = load_query(TenantQuerySchema())
    rows, total = operations.list_visible(session(), current_access(), **filters)
    page = {"items": rows, "total": total, "limit": filters["limit"], "offset": filters["offset"]}
    return respond(TenantPageSchema(), page)


@route("/tenants", ["POST"], Operation(
    summary="Register a unit below one the caller administers", tag="tenants",
    description="The caller must be admin of `parent` or of a unit above it. A parent the caller "
                "cannot see answers 404.",
    ok_status=201, body=TenantCreateSchema, response=TenantSchema, errors=(403, 404),
))
def create_tenant() -> Response:
    data = load_body(TenantCreateSchema())
    db, access = session(), current_access()
    parent = operations.get_visible(db, access, data.pop("parent"))
    tenant = operations.create_child(db, access, parent=parent, **data)
    commit()
    location = url_for(".get_tenant", tenant_id=tenant.id)
    return respond(TenantSchema(), tenant, status=201, headers={"Location": location})


@route("/tenants/<uuid:tenant_id>", ["GET"], Operation(
    summary="One unit", tag="tenants", response=TenantSchema, errors=(404,),
))
def get_tenant(tenant_id: uuid.UUID) -> Response:
    tenant = operations.get_visible(session(), current_access(), tenant_id)
    return respond(TenantSchema(), tenant)
