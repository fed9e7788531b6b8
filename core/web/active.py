"""The tenant the signed-in user is working in, and the admin guard built on it."""

from __future__ import annotations

import uuid

from flask import g
from flask import session as web_session
from flask_babel import gettext as _

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Forbidden, NotFound
from core.tenants.models import Tenant
from core.users import roles

SESSION_KEY = "tenant_id"


def active_tenant() -> Tenant | None:
    """The tenant chosen with the switcher, or the user's first membership.

    Only a tenant the user holds a membership in can be active: a stale or forged session value
    falls back to the first membership.
    """
    if "active_tenant" not in g:
        homes = current_access().home_tenants()
        chosen = next((t for t in homes if str(t) == web_session.get(SESSION_KEY)), None)
        if chosen is None and homes:
            chosen = homes[0]
        g.active_tenant = session().get(Tenant, chosen) if chosen else None
    return g.active_tenant


def set_active(tenant_id: str) -> Tenant:
    """Make ``tenant_id`` active; NotFound unless the user holds a membership there."""
    homes = {str(t): t for t in current_access().home_tenants()}
    if tenant_id not in homes:
        raise NotFound(_("Không tìm thấy đơn vị."))
    web_session[SESSION_KEY] = tenant_id
    g.pop("active_tenant", None)
    tenant = session().get(Tenant, homes[tenant_id])
    assert tenant is not None
    return tenant


def roles_here() -> set[str]:
    tenant = active_tenant()
    return current_access().roles_in(tenant) if tenant is not None else set()


def is_admin_here() -> bool:
    return roles.ADMIN in roles_here()


def admin_root() -> Tenant:
    """The active tenant when the user administers it: the root of every admin page.

    A user with no tenant at all sees nothing (404); one who sees the tenant without the admin
    role is refused (403).
    """
    tenant = active_tenant()
    if tenant is None:
        raise NotFound(_("Không tìm thấy đơn vị."))
    if not current_access().is_admin_of(tenant):
        raise Forbidden(_("Trang này chỉ dành cho quản trị viên của đơn vị."))
    return tenant


def in_subtree(root: Tenant, tenant_id: uuid.UUID | str) -> Tenant:
    """A tenant of ``root``'s subtree by id; NotFound for anything else."""
    try:
        wanted = uuid.UUID(str(tenant_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None
    tenant = session().get(Tenant, wanted)
    if tenant is None or not tenant.active or not tenant.path.startswith(root.path):
        raise NotFound(_("Không tìm thấy đơn vị."))
    return tenant
