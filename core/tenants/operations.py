"""Reading the tree as a given user sees it, and registering units below a tenant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.errors import Forbidden, Invalid, NotFound
from core.tenants import kinds
from core.tenants.models import Tenant, path_for
from core.text import fold, nfc, slugify
from core.users.access import Access


def search_text_for(name: str, code: str | None) -> str:
    return " ".join(part for part in (fold(name), code or "") if part)


def visible(access: Access) -> Select[tuple[Tenant]]:
    """Tenants the caller may see, as a query to refine."""
    query = select(Tenant).where(Tenant.active.is_(True))
    if access.tenant_context().system:
        return query
    return query.where(Tenant.id.in_(access.readable_ids))


def get_visible(db: Session, access: Access, tenant_id: uuid.UUID | str) -> Tenant:
    """The tenant if the caller may see it; NotFound otherwise (never a hint that it exists)."""
    try:
        tenant_id = uuid.UUID(str(tenant_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None
    tenant = db.scalar(visible(access).where(Tenant.id == tenant_id))
    if tenant is None:
        raise NotFound(_("Không tìm thấy đơn vị."))
    return tenant


def find_by_slug_or_code(db: Session, value: str, on: date | None = None) -> Tenant | None:
    """Look a unit up by slug, or by an official code valid on ``on`` (today by default)."""
    tenant = db.scalar(select(Tenant).where(Tenant.slug == value))
    if tenant is not None:
        return tenant
    on = on or date.today()
    for candidate in db.scalars(select(Tenant).where(Tenant.code == value)):
        if candidate.code_valid_on(on):
            return candidate
    return None


def list_visible(
    db: Session,
    access: Access,
    *,
    code: str | None = None,
    slug: str | None = None,
    kind: str | None = None,
    parent: uuid.UUID | None = None,
    q: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[Sequence[Tenant], int]:
    query = visible(access)
    if code:
        query = query.where(Tenant.code == code)
    if slug:
        query = query.where(Tenant.slug == slug)
    if kind:
        query = query.where(Tenant.kind == kind)
    if parent:
        query = query.where(Tenant.parent_id == parent)
    if q:
        for word in fold(q).split():
            query = query.where(Tenant.search_text.contains(word, autoescape=True))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(
        query.order_by(Tenant.depth, Tenant.kind, Tenant.name).limit(limit).offset(offset)
    ).all()
    return rows, total


def subtree(db: Session, root: Tenant) -> Sequence[Tenant]:
    return db.scalars(
        select(Tenant).where(Tenant.path.startswith(root.path)).order_by(Tenant.path)
    ).all()


def unique_slug(db: Session, base: str) -> str:
    base = base or "don-vi"
    slug, n = base, 2
    while db.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def new_tenant(
    db: Session,
    *,
    name: str,
    kind: str,
    parent: Tenant | None,
    slug: str | None = None,
    code: str | None = None,
    code_valid_from: date | None = None,
    attributes: dict[str, Any] | None = None,
) -> Tenant:
    """Build and add a tenant with its path; no permission check (callers check)."""
    tenant_id = uuid.uuid4()
    name = nfc(name)
    tenant = Tenant(
        id=tenant_id,
        slug=slug or unique_slug(db, slugify(name)),
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        path=path_for(tenant_id, parent),
        depth=(parent.depth + 1) if parent else 0,
        code=code,
        code_valid_from=code_valid_from,
        attributes=attributes or {},
        search_text=search_text_for(name, code),
    )
    db.add(tenant)
    return tenant


def create_child(
    db: Session,
    access: Access,
    *,
    parent: Tenant,
    name: str,
    kind: str,
    code: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> Tenant:
    """An admin of ``parent`` (or above) registers a unit under it."""
    if not access.is_admin_of(parent):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị này mới được đăng ký đơn vị trực thuộc."))
    if not kinds.may_hold(parent.kind, kind):
        raise Invalid({"kind": [_("Không thể đăng ký loại đơn vị này tại đây.")]})
    if code and db.scalar(select(Tenant.id).where(Tenant.code == code)) is not None:
        raise Invalid({"code": [_("Mã đơn vị này đã được một đơn vị khác sử dụng.")]})
    tenant = new_tenant(
        db, name=name, kind=kind, parent=parent, code=code,
        code_valid_from=date.today() if code else None, attributes=attributes,
    )
    record(
        db, "tenant.create", tenant_id=tenant.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="tenant", object_id=tenant.id,
        changes={"name": [None, tenant.name], "kind": [None, kind], "parent": [None, str(parent.id)]},
    )
    return tenant
