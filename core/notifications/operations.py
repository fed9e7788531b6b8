"""Telling a unit's people what happened to their report: a notice in the app for each of them,
and an e-mail through the outbox for those with an address."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.db import scoping
from core.db.types import utcnow
from core.errors import NotFound
from core.notifications import messages
from core.notifications.models import Notification, OutboxMessage
from core.tenants.models import Tenant
from core.users.access import Access
from core.users.models import Membership, User


def members(db: Session, tenant: Tenant, roles: Iterable[str]) -> list[User]:
    """Active users holding one of ``roles`` in ``tenant`` itself."""
    return list(db.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id, Membership.role.in_(list(roles)),
               User.active.is_(True))
        .distinct()
        .order_by(User.username)
    ))


def notify(
    db: Session,
    tenant: Tenant,
    roles: Iterable[str],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str | None = None,
    message: dict | None = None,
) -> list[Notification]:
    """A notice to each member of ``tenant`` with one of ``roles``; with ``dedupe_key``, users
    who already have a notice with that key get nothing new (reminders run more than once).

    With ``message`` (see :mod:`core.notifications.messages`) the notice is read in each page's
    language; ``title`` and ``body`` are then its Vietnamese text, as stored and mailed."""
    if message is not None:
        title, body = messages.render_in("vi", message)
    created = []
    for user in members(db, tenant, roles):
        if dedupe_key is not None and db.scalar(
            select(Notification.id).where(
                Notification.tenant_id == tenant.id, Notification.user_id == user.id,
                Notification.dedupe_key == dedupe_key,
            )
        ):
            continue
        notice = Notification(
            tenant_id=tenant.id, user_id=user.id, kind=kind, title=title[:255], body=body, link=link,
            dedupe_key=dedupe_key, message=message,
        )
        db.add(notice)
        created.append(notice)
        if user.email:
            db.add(OutboxMessage(
                tenant_id=tenant.id, to_address=user.email, subject=title[:255],
                body=f"{body}\n\n{link}".strip(),
            ))
    db.flush()
    return created


def notify_above(db: Session, tenant: Tenant, roles: Iterable[str], **notice) -> list[Notification]:
    """``notify`` the members with ``roles`` of the nearest unit above ``tenant`` that has any
    (a school's report goes to its department's reviewers, not every reviewer up to the city).

    The unit's own staff cannot otherwise read or write the units above: for the duration the
    session reaches those units too, and only the statements here run inside."""
    above = [uuid.UUID(p) for p in (tenant.path or "").strip("/").split("/") if p][:-1]
    if not above:
        return []
    before = scoping.get_context(db)
    if before is not None and not before.system:
        scoping.set_context(db, before.widened(above))
    try:
        for unit_id in reversed(above):
            unit = db.get(Tenant, unit_id)
            if unit is None or not unit.active or not members(db, unit, roles):
                continue
            return notify(db, unit, roles, **notice)
        return []
    finally:
        if before is not None:
            scoping.set_context(db, before)


def notify_within(db: Session, tenant: Tenant, roles: Iterable[str], **notice) -> list[Notification]:
    """``notify`` the members with ``roles`` of ``tenant`` and of every active unit below it:
    those who act for a unit's subtree (Công an Thành phố's reviewers, and those of a bureau
    inside it, say) all hear of what waits for them, not only the unit's own members.

    For the duration the session reads the subtree's memberships by its path (a grant of one
    path, never the list of its units: a city has thousands) and writes to the units found
    holding those roles, and only the statements here run inside."""
    roles = list(roles)
    before = scoping.get_context(db)
    if before is not None and not before.system:
        scoping.set_context(db, scoping.TenantContext.for_grants(
            read_ids=before.read_ids, write_ids=before.write_ids,
            read_paths=before.read_paths | {tenant.path}, write_paths=before.write_paths))
    try:
        holding = set(db.scalars(
            select(Membership.tenant_id).join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Tenant.path.startswith(tenant.path), Tenant.active.is_(True),
                   Membership.role.in_(roles)).distinct()))
        if before is not None and not before.system:
            scoping.set_context(db, before.widened(holding))
        created: list[Notification] = []
        for unit in db.scalars(select(Tenant).where(Tenant.id.in_(holding)).order_by(Tenant.path)):
            created += notify(db, unit, roles, **notice)
        return created
    finally:
        if before is not None:
            scoping.set_context(db, before)


# --- A user's own notices: listed, counted and marked as read ------------------------------


@contextmanager
def _own_notices(db: Session, access: Access) -> Iterator[None]:
    """A user marks their own notices read in every unit they belong to, whatever their role
    there (a viewer writes nothing else): for the duration, the context may write those units,
    and every statement below is bounded by ``user_id`` as well."""
    before = scoping.get_context(db)
    homes = access.home_tenants()
    scoping.set_context(db, scoping.TenantContext.for_tenants(homes, homes))
    try:
        yield
    finally:
        if before is None:
            scoping.clear_context(db)
        else:
            scoping.set_context(db, before)


def mine(db: Session, access: Access, *, unread_only: bool = False, limit: int = 50,
         offset: int = 0) -> list[Notification]:
    """The caller's notices, newest first."""
    if access.user is None:
        return []
    with _own_notices(db, access):
        query = select(Notification).where(Notification.user_id == access.user.id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        return list(db.scalars(
            query.order_by(Notification.created_at.desc(), Notification.id).limit(limit).offset(offset)
        ))


def unread_count(db: Session, access: Access) -> int:
    if access.user is None:
        return 0
    with _own_notices(db, access):
        return db.scalar(
            select(func.count()).select_from(Notification)
            .where(Notification.user_id == access.user.id, Notification.read_at.is_(None))
        ) or 0


def mark_read(db: Session, access: Access, notice_id: uuid.UUID,
              now: datetime | None = None) -> Notification:
    """Mark one of the caller's notices read; someone else's answers 404 like a missing one."""
    if access.user is None:
        raise NotFound(_("Không tìm thấy thông báo."))
    with _own_notices(db, access):
        notice = db.scalar(select(Notification).where(
            Notification.id == notice_id, Notification.user_id == access.user.id))
        if notice is None:
            raise NotFound(_("Không tìm thấy thông báo."))
        if notice.read_at is None:
            notice.read_at = now or utcnow()
            db.flush()
    return notice


def mark_all_read(db: Session, access: Access, now: datetime | None = None) -> int:
    """Mark every unread notice of the caller read; returns how many."""
    if access.user is None:
        return 0
    with _own_notices(db, access):
        changed = db.execute(
            update(Notification)
            .where(Notification.user_id == access.user.id, Notification.read_at.is_(None))
            .values(read_at=now or utcnow())
        ).rowcount
        db.flush()
    return changed or 0
