"""Who may reach which tenant: computed once per request from the user's memberships.

reporter and head reach their own tenant; reviewer, admin and viewer reach the tenant and its
whole subtree. Nothing ever reaches a sibling or an ancestor's private data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from core.db.scoping import TenantContext
from core.tenants.models import Tenant
from core.users import roles
from core.users.models import Membership, User


@dataclass(frozen=True)
class Grant:
    tenant_id: uuid.UUID
    tenant_path: str
    role: str

    def reaches(self, tenant: Tenant) -> bool:
        if tenant.id == self.tenant_id:
            return True
        return self.role in roles.SUBTREE_ROLES and tenant.path.startswith(self.tenant_path)


def memberships_of(db: Session, user: User) -> list[tuple[Membership, Tenant]]:
    """Every membership of one user across tenants.

    The one deliberate cross-tenant read of membership rows: it runs before a tenant context
    exists, and it is bounded by ``user_id``.
    """
    rows = db.execute(
        select(Membership, Tenant)
        .join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id == user.id, Tenant.active.is_(True))
        .order_by(Tenant.depth, Tenant.name)
        .execution_options(tenant_unscoped_reason="memberships of the authenticated user")
    )
    return [(m, t) for m, t in rows]


# Built once, the user's id its one parameter: every signed-in request runs it. The units come
# whole, so the pages that look up the active unit among them find it in the session; of each
# membership only the role is needed.
_USER_WITH_GRANTS = (
    select(User, Membership.role, Tenant)
    .outerjoin(Membership, Membership.user_id == User.id)
    .outerjoin(Tenant, and_(Tenant.id == Membership.tenant_id, Tenant.active.is_(True)))
    .where(User.id == bindparam("signed_in_user"))
    .order_by(Tenant.depth, Tenant.name)
    .execution_options(tenant_unscoped_reason="the signed-in user with their memberships")
)


def user_with_grants(db: Session, user_id: uuid.UUID) -> tuple[User | None, list[Grant]]:
    """A user and the grant of every membership of theirs in an active unit, in one statement
    (what signing a request in needs); ``(None, [])`` when there is no such user.

    The same deliberate cross-tenant read as :func:`memberships_of`, bounded by the user's id.
    """
    rows = db.execute(_USER_WITH_GRANTS, {"signed_in_user": user_id}).all()
    if not rows:
        return None, []
    return rows[0][0], [Grant(tenant_id=t.id, tenant_path=t.path, role=role)
                        for _u, role, t in rows if role is not None and t is not None]


@dataclass
class Access:
    """The signed-in user's grants, and the tenant context derived from them."""

    db: Session
    user: User | None
    grants: list[Grant] = field(default_factory=list)
    ip: str = ""

    @classmethod
    def for_user(cls, db: Session, user: User | None, ip: str = "",
                 grants: list[Grant] | None = None) -> Access:
        """The grants of ``user``: ``grants`` when the caller read them already in this
        session (:func:`user_with_grants`), else read here from the memberships."""
        if user is None or not user.active:
            return cls(db=db, user=None, ip=ip)
        if grants is None:
            grants = [Grant(tenant_id=t.id, tenant_path=t.path, role=m.role)
                      for m, t in memberships_of(db, user)]
        return cls(db=db, user=user, grants=list(grants), ip=ip)

    @property
    def actor_label(self) -> str:
        return self.user.username if self.user else "system"

    @property
    def actor_id(self) -> uuid.UUID | None:
        return self.user.id if self.user else None

    def roles_in(self, tenant: Tenant) -> set[str]:
        return {g.role for g in self.grants if g.reaches(tenant)}

    def roles_above(self, tenant: Tenant) -> set[str]:
        """Roles held in a strict ancestor of ``tenant`` (who may review it)."""
        return {
            g.role for g in self.grants
            if g.tenant_id != tenant.id and g.role in roles.SUBTREE_ROLES
            and tenant.path.startswith(g.tenant_path)
        }

    def roles_here(self, tenant: Tenant) -> set[str]:
        """Roles held in ``tenant`` itself."""
        return {g.role for g in self.grants if g.tenant_id == tenant.id}

    def has_role(self, tenant: Tenant, *wanted: str) -> bool:
        return bool(self.roles_in(tenant) & set(wanted))

    def can_see(self, tenant: Tenant) -> bool:
        return bool(self.roles_in(tenant))

    def is_admin_of(self, tenant: Tenant) -> bool:
        return self.has_role(tenant, roles.ADMIN)

    def _grants_with(self, wanted_roles: frozenset[str] | None) -> tuple[set[uuid.UUID], set[str]]:
        grants = [g for g in self.grants if wanted_roles is None or g.role in wanted_roles]
        own = {g.tenant_id for g in grants if g.role not in roles.SUBTREE_ROLES}
        paths = {g.tenant_path for g in grants if g.role in roles.SUBTREE_ROLES}
        return own, paths

    @cached_property
    def context(self) -> TenantContext:
        """The grants as a tenant context: own tenant ids and subtree paths, a handful of
        values whatever the size of the subtrees (nothing is loaded from the database)."""
        read_ids, read_paths = self._grants_with(None)
        write_ids, write_paths = self._grants_with(frozenset(set(roles.ROLES) - {roles.VIEWER}))
        return TenantContext.for_grants(read_ids=read_ids, write_ids=write_ids,
                                        read_paths=read_paths, write_paths=write_paths)

    def tenant_context(self) -> TenantContext:
        return self.context

    def home_tenants(self) -> list[uuid.UUID]:
        """Tenants the user holds a membership in, in a stable order, without repeats."""
        return list(dict.fromkeys(g.tenant_id for g in self.grants))


@dataclass
class SystemAccess(Access):
    """The CLI, the directory loader and jobs acting as the platform itself."""

    def roles_in(self, tenant: Tenant) -> set[str]:
        return set(roles.ROLES)

    def roles_above(self, tenant: Tenant) -> set[str]:
        return set(roles.SUBTREE_ROLES)

    def roles_here(self, tenant: Tenant) -> set[str]:
        return set(roles.ROLES)

    def tenant_context(self) -> TenantContext:
        return TenantContext.system_context()

    @property
    def actor_label(self) -> str:
        return "system"
