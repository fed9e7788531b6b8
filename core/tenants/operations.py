"""Reading the tree as a given user sees it, and registering units below a tenant."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from core import clock
from core.audit.operations import record
from core.db.scoping import TenantContext
from core.db.types import utcnow
from core.errors import Forbidden, Invalid, NotFound
from core.rollups import operations as rollups
from core.tenants import kinds
from core.tenants.models import Tenant, path_for
from core.text import fold, nfc, slugify
from core.text.collation import sort_key
from core.users.access import Access


def search_text_for(name: str, code: str | None) -> str:
    return " ".join(part for part in (fold(name), code or "") if part)


def visible(access: Access) -> Select[tuple[Tenant]]:
    """Tenants the caller may see, as a query to refine."""
    return visible_in(access.tenant_context())


def visible_in(context: TenantContext) -> Select[tuple[Tenant]]:
    """Tenants a caller with the grants ``context`` may see, as a query to refine (what
    :func:`visible` builds from an access; callers keeping statements per set of grants use it)."""
    query = select(Tenant).where(Tenant.active.is_(True))
    if context.system:
        return query
    return query.where(context.tenant_clause(Tenant.id, Tenant.path))


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
    on = on or clock.today()
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


@dataclass(frozen=True)
class UnitPage:
    """One page of units: ``items`` (what the function documents), the number of matches in
    all, the page (from 1) and its size."""

    items: list[Any]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """Position of the page's first item among all (from 1; 0 when the page is empty)."""
        return (self.page - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.size + len(self.items)


def _kind_rank():
    # Wards and communes first, then departments, … (the order officials list them in).
    order = {kind: position for position, kind in enumerate(kinds.CORE_KINDS)}
    return case(order, value=Tenant.kind, else_=len(order))


def _clamped(page: int, total: int, size: int) -> int:
    return min(max(1, page), max(1, -(-total // size)))


def children_page(db: Session, parent: Tenant, *, page: int = 1, size: int = 50) -> UnitPage:
    """The active units directly below ``parent``, kinds in the officials' order and each kind in
    Vietnamese alphabetical order, one page of ``size``; ``items`` are ``(unit, number of active
    units directly below it)``. Two statements whatever the size of the tree; no permission
    check (callers check ``parent`` lies in the caller's reach, which covers its units).
    A page past the last gives the last."""
    base = select(Tenant).where(Tenant.parent_id == parent.id, Tenant.active.is_(True))
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = _clamped(page, total, size)
    below = aliased(Tenant)
    below_count = (select(func.count()).select_from(below)
                   .where(below.parent_id == Tenant.id, below.active.is_(True))
                   .correlate(Tenant).scalar_subquery())
    rows = db.execute(
        base.add_columns(below_count)
        .order_by(_kind_rank(), Tenant.kind, Tenant.name_key, Tenant.name)
        .limit(size).offset((page - 1) * size)
    ).all()
    return UnitPage([(unit, count or 0) for unit, count in rows], total, page, size)


def units_under(db: Session, root: Tenant, *, q: str = "", page: int = 1, size: int = 30,
                include_root: bool = True) -> UnitPage:
    """The active units of ``root``'s subtree (``root`` included unless ``include_root`` is
    false, for a choice among the units below it) whose name or code holds every
    word of ``q`` without accents ("hoan kiem" finds "Hoàn Kiếm"), higher levels first and each
    level in Vietnamese alphabetical order, one page of ``size``; ``items`` are ``(unit, name of
    the unit above it or None)``. Two statements whatever the size of the subtree (a prefix
    match on the materialised path); no permission check (callers pass a root in reach).
    A page past the last gives the last."""
    query = select(Tenant).where(Tenant.path.startswith(root.path), Tenant.active.is_(True))
    if not include_root:
        query = query.where(Tenant.id != root.id)
    for word in fold(q or "").split():
        query = query.where(Tenant.search_text.contains(word, autoescape=True))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = _clamped(page, total, size)
    above = aliased(Tenant)
    rows = db.execute(
        query.add_columns(above.name).outerjoin(above, above.id == Tenant.parent_id)
        .order_by(Tenant.depth, Tenant.name_key, Tenant.name)
        .limit(size).offset((page - 1) * size)
    ).all()
    return UnitPage([(unit, parent_name) for unit, parent_name in rows], total, page, size)


def count_below(db: Session, root: Tenant) -> int:
    """How many active units lie below ``root`` (its whole subtree, itself not counted): one
    count by path prefix."""
    return db.scalar(select(func.count()).select_from(Tenant).where(
        Tenant.path.startswith(root.path), Tenant.id != root.id, Tenant.active.is_(True))) or 0


def trail(db: Session, root: Tenant, unit: Tenant) -> list[Tenant]:
    """The units from ``root`` down to ``unit`` (both included), read from ``unit``'s path in
    one statement; ``[root]`` when ``unit`` does not lie in ``root``'s subtree."""
    if not unit.path.startswith(root.path):
        return [root]
    ids = [uuid.UUID(part) for part in unit.path[len(root.path):].strip("/").split("/") if part]
    found = {t.id: t for t in db.scalars(select(Tenant).where(Tenant.id.in_(ids)))} if ids else {}
    return [root, *(found[i] for i in ids if i in found)]


#: Room left in the slug column (120) for a suffix ("-2", "-1a2b3c4d").
SLUG_BASE_LENGTH = 100


def unique_slug(db: Session, base: str) -> str:
    """``base`` (cut to fit the column), or ``base-2``, ``base-3``… when taken. For the directory
    and the demo, which run without a caller; see :func:`private_slug` for a caller's unit."""
    base = base[:SLUG_BASE_LENGTH].strip("-") or "don-vi"
    slug, n = base, 2
    while db.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def private_slug(db: Session, name: str) -> str:
    """A slug for a unit a caller registers: the name's slug and a random suffix, always, so that
    it never shows whether a unit outside the caller's reach already has that name (a ``-2``
    would)."""
    base = slugify(name)[:SLUG_BASE_LENGTH].strip("-") or "don-vi"
    while True:
        slug = f"{base}-{secrets.token_hex(4)}"
        if db.scalar(select(Tenant.id).where(Tenant.slug == slug)) is None:
            return slug


def _code_taken_within_reach(db: Session, access: Access, code: str) -> bool:
    """Whether a unit the caller can see already holds ``code``. Codes held outside the caller's
    reach do not count: refusing them would tell a commune which codes another commune uses, so
    such a code answers exactly as a free one does."""
    holders = db.scalars(select(Tenant).where(Tenant.code == code)).all()
    if holders and access.tenant_context().system:
        return True  # the platform itself reaches every unit
    return any(access.can_see(holder) for holder in holders)


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
        name_key=sort_key(name),
    )
    db.add(tenant)
    rollups.unit_added(db, tenant)
    return tenant


def tenant_row(
    *,
    name: str,
    kind: str,
    slug: str,
    parent_id: uuid.UUID | None,
    parent_path: str | None,
    parent_depth: int | None,
    code: str | None = None,
    code_valid_from: date | None = None,
    attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of a new active tenant (what :func:`new_tenant` adds), for a bulk insert:
    a new id, the path below ``parent_path`` (``None`` for a root) and the search and sort keys
    of its NFC name. Nothing is read or written."""
    tenant_id = uuid.uuid4()
    name = nfc(name)
    return {
        "id": tenant_id, "slug": slug, "name": name, "kind": kind, "parent_id": parent_id,
        "path": f"{parent_path or '/'}{tenant_id}/",
        "depth": parent_depth + 1 if parent_depth is not None else 0,
        "code": code, "code_valid_from": code_valid_from, "code_valid_to": None,
        "attributes": attributes or {}, "active": True, "created_at": utcnow(),
        "search_text": search_text_for(name, code), "name_key": sort_key(name),
    }


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
    if code and _code_taken_within_reach(db, access, code):
        raise Invalid({"code": [_("Mã đơn vị này đã được một đơn vị khác sử dụng.")]})
    tenant = new_tenant(
        db, name=name, kind=kind, parent=parent, code=code, slug=private_slug(db, name),
        code_valid_from=clock.today() if code else None, attributes=attributes,
    )
    record(
        db, "tenant.create", tenant_id=tenant.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="tenant", object_id=tenant.id,
        changes={"name": [None, tenant.name], "kind": [None, kind], "parent": [None, str(parent.id)]},
    )
    return tenant


def rehang(db: Session, tenant: Tenant, parent: Tenant | None) -> str:
    """Hang ``tenant`` (with its whole subtree) under ``parent``: rewrite the path and depth of
    every unit of the subtree, and move the subtree's census and rollups from the old ancestors
    to the new ones. No permission check (callers check). Returns the old path.

    :raises Invalid: ``parent`` is the tenant itself or one of its units.
    """
    if parent is not None and parent.path.startswith(tenant.path):
        raise Invalid({"parent": [_("Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.")]})
    old_path, old_depth = tenant.path, tenant.depth
    new_path = path_for(tenant.id, parent)
    new_depth = parent.depth + 1 if parent is not None else 0
    if new_path == old_path:
        return old_path
    for unit in db.scalars(select(Tenant).where(Tenant.path.startswith(old_path))):
        unit.path = new_path + unit.path[len(old_path):]
        unit.depth = unit.depth - old_depth + new_depth
    tenant.parent_id = parent.id if parent is not None else None
    tenant.parent = parent
    db.flush()
    rollups.unit_moved(db, tenant, old_path)
    return old_path


def move(db: Session, access: Access, tenant: Tenant, parent: Tenant) -> Tenant:
    """Move a unit (with its subtree) under another parent: an admin of both the unit's current
    parent and the new one does it (the city, for a school moving between communes). Audited.

    :raises Forbidden: the caller is not admin of both places.
    :raises Invalid: the new parent cannot hold a unit of this kind, or is inside the unit.
    """
    current = db.get(Tenant, tenant.parent_id) if tenant.parent_id else None
    if current is None or not access.is_admin_of(current) or not access.is_admin_of(parent):
        raise Forbidden(_("Chỉ quản trị viên của cả đơn vị cũ và đơn vị mới mới được chuyển đơn vị."))
    if not kinds.may_hold(parent.kind, tenant.kind):
        raise Invalid({"parent": [_("Không thể đăng ký loại đơn vị này tại đây.")]})
    rehang(db, tenant, parent)
    record(
        db, "tenant.move", tenant_id=tenant.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="tenant", object_id=tenant.id,
        changes={"parent": [str(current.id), str(parent.id)]},
    )
    return tenant
