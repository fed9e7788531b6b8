"""Telling a unit's people what happened to their report: a notice in the app for each of them,
and an e-mail through the outbox for those with an address."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.notifications.models import Notification, OutboxMessage
from core.tenants.models import Tenant
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
) -> list[Notification]:
    """A notice to each member of ``tenant`` with one of ``roles``; with ``dedupe_key``, users
    who already have a notice with that key get nothing new (reminders run more than once)."""
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
            tenant_id=tenant.id, user_id=user.id, kind=kind, title=title, body=body, link=link,
            dedupe_key=dedupe_key,
        )
        db.add(notice)
        created.append(notice)
        if user.email:
            db.add(OutboxMessage(
                tenant_id=tenant.id, to_address=user.email, subject=title,
                body=f"{body}\n\n{link}".strip(),
            ))
    db.flush()
    return created
