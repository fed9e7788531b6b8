"""Who may reach which tenant: computed once per request from the user's memberships.

reporter and head reach their own tenant; reviewer, admin and viewer reach the tenant and its
whole subtree. Nothing ever reaches a sibling or an ancestor's private data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, case, column, func, select, true
from sqlalchemy.orm import Session

from core.db import scoping
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


def _build_user_with_grants(on_postgresql: bool, setting: bool) -> Select[Any]:
    """The user (the parameter ``signed_in_user``) with the role and the unit of each
    membership in an active unit. The units come whole, so the pages that look up the active
    unit among them find it in the session; of each membership only the role is needed.

    On PostgreSQL the memberships come from ``thidua_memberships_of`` (migration 0022), which
    reads them with the unscoped setting on for its own execution only; with ``setting`` the
    statement also sets the grants bound by :func:`scoping.settings_parameters` when the user
    is active at the session version ``signed_in_version``, and answers their ``set_config``
    result as a fourth column (NULL when it set nothing). Elsewhere the memberships are read as
    a reviewed unscoped statement (SQLite has no row-level security)."""
    signed_in = bindparam("signed_in_user", type_=User.__table__.c.id.type)
    if on_postgresql:
        memberships = (func.thidua_memberships_of(signed_in)
                       .table_valued(column("tenant_id", User.__table__.c.id.type), column("role", String))
                       .alias("signed_in_membership"))
        columns: list[Any] = [User, memberships.c.role, Tenant]
        if setting:
            current = and_(User.active.is_(True), User.session_version == bindparam("signed_in_version"))
            columns.append(case((current, scoping.settings_expression()), else_=None))
        statement = select(*columns).select_from(User).outerjoin(memberships, true())
        tenant_id = memberships.c.tenant_id
    else:
        statement = (select(User, Membership.role, Tenant)
                     .outerjoin(Membership, Membership.user_id == User.id)
                     .execution_options(tenant_unscoped_reason="the signed-in user with their memberships"))
        tenant_id = Membership.tenant_id
    return (statement
            .outerjoin(Tenant, and_(Tenant.id == tenant_id, Tenant.active.is_(True)))
            .where(User.id == signed_in)
            .order_by(Tenant.depth, Tenant.name)
            .execution_options(**{scoping.KEPT_OPTION: True}))


# Built once each: every signed-in request runs one of them.
_USER_WITH_GRANTS = {(pg, setting): _build_user_with_grants(pg, setting)
                     for pg in (True, False) for setting in (True, False) if pg or not setting}


def user_with_grants(
    db: Session, user_id: uuid.UUID, *, session_version: int | None = None,
    likely: TenantContext | None = None,
) -> tuple[User | None, list[Grant]]:
    """A user and the grant of every membership of theirs in an active unit, in one statement
    (what signing a request in needs); ``(None, [])`` when there is no such user.

    ``likely`` is the tenant context the user is expected to get (their last request's): on
    PostgreSQL the same statement sets its settings when the user is active at
    ``session_version``, and the session records them as applied. The caller must then set the
    user's actual context before any other statement, which sends nothing when the two are
    equal: a request whose user's grants did not change makes no round trip for them.

    The same deliberate cross-tenant read as :func:`memberships_of`, bounded by the user's id.
    """
    on_postgresql = db.get_bind().dialect.name == "postgresql"
    setting = likely is not None and session_version is not None and on_postgresql
    parameters: dict[str, Any] = {"signed_in_user": user_id}
    if setting:
        parameters |= scoping.settings_parameters(likely)
        parameters["signed_in_version"] = session_version
    rows = db.execute(_USER_WITH_GRANTS[on_postgresql, setting], parameters).all()
    if not rows:
        return None, []
    if setting and rows[0][3] is not None:
        scoping.settings_applied(db, likely)
    return rows[0][0], [Grant(tenant_id=t.id, tenant_path=t.path, role=role)
                        for _u, role, t, *_set in rows if role is not None and t is not None]


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
        session, else read here (both by :func:`user_with_grants`)."""
        if user is None or not user.active:
            return cls(db=db, user=None, ip=ip)
        if grants is None:
            # One statement on PostgreSQL, not three around an unscoped read (an API token's
            # requests, the CLI and jobs acting as a user).
            grants = user_with_grants(db, user.id)[1]
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
