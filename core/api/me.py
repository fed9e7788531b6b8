"""``GET /me``: who the caller is and where they hold a role."""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from core.api.routing import Operation, respond, route
from core.api.schemas import MeSchema
from core.auth.context import current_access
from core.db.engine import session
from core.tenants.models import Tenant


@route("/me", ["GET"], Operation(summary="The caller and their memberships", tag="me", response=MeSchema))
def get_me() -> Response:
    access = current_access()
    db = session()
    memberships = []
    for grant in access.grants:
        tenant = db.get(Tenant, grant.tenant_id)
        if tenant is None:
            continue
        memberships.append({
            "tenant_id": tenant.id, "slug": tenant.slug, "name": tenant.name, "kind": tenant.kind,
            "role": grant.role,
        })
    return respond(MeSchema(), {"user": current_user, "memberships": memberships})
