"""Deadline extensions: the head asks with a reason and a date; an admin above decides."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.errors import Conflict, Invalid, NotFound
from core.notifications.operations import notify
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.reports import permissions
from core.reports.events import UNIT_ROLES
from core.reports.models import (
    EXTENSION_GRANTED,
    EXTENSION_REFUSED,
    EXTENSION_REQUESTED,
    Extension,
)
from core.reports.operations import require, require_read, require_reason
from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access


def _audit(db: Session, access: Access, extension: Extension, action: str, changes: dict,
           reason: str) -> None:
    record(db, action, tenant_id=extension.tenant_id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="extension", object_id=extension.id,
           changes=changes, reason=reason, ip=access.ip)


def request_extension(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, reason: str,
    until: datetime, now: datetime | None = None,
) -> Extension:
    require(permissions.is_head(access, tenant), access, tenant,
            _("Chỉ thủ trưởng đơn vị được xin gia hạn."))
    reason = require_reason(reason)
    now = now or utcnow()
    if period.state not in (period_models.OPEN, period_models.CLOSED):
        raise Conflict(_("Kỳ báo cáo không nhận đề nghị gia hạn."))
    if until <= max(now, period.closes_at):
        raise Invalid({"until": [_("Ngày gia hạn phải sau thời điểm khóa sổ của kỳ báo cáo.")]})
    pending = db.scalar(select(Extension.id).where(
        Extension.tenant_id == tenant.id, Extension.period_id == period.id,
        Extension.status == EXTENSION_REQUESTED))
    if pending is not None:
        raise Conflict(_("Đơn vị đã có một đề nghị gia hạn đang chờ quyết định."))
    extension = Extension(tenant_id=tenant.id, period_id=period.id, reason=reason, until=until,
                          requested_by_id=access.actor_id)
    db.add(extension)
    db.flush()
    _audit(db, access, extension, "extension.request", {"until": [None, until]}, reason)
    return extension


def decide(
    db: Session, access: Access, tenant: Tenant, extension_id: uuid.UUID, grant: bool,
    note: str = "", now: datetime | None = None,
) -> Extension:
    require(roles.ADMIN in access.roles_above(tenant), access, tenant,
            _("Chỉ quản trị viên cấp trên được quyết định gia hạn."))
    extension = db.scalar(select(Extension).where(Extension.tenant_id == tenant.id,
                                                  Extension.id == extension_id))
    if extension is None:
        raise NotFound(_("Không tìm thấy đề nghị gia hạn."))
    if extension.status != EXTENSION_REQUESTED:
        raise Conflict(_("Đề nghị gia hạn này đã được quyết định."))
    if not grant:
        note = require_reason(note, "note")
    status = EXTENSION_GRANTED if grant else EXTENSION_REFUSED
    extension.status = status
    extension.decided_by_id = access.actor_id
    extension.decided_at = now or utcnow()
    extension.decision_note = note.strip()
    _audit(db, access, extension, f"extension.{'grant' if grant else 'refuse'}",
           {"status": [EXTENSION_REQUESTED, status]}, note.strip())
    title = (_("Đề nghị gia hạn đã được chấp thuận") if grant
             else _("Đề nghị gia hạn không được chấp thuận"))
    notify(db, tenant, UNIT_ROLES, kind=f"extension.{status}", title=title, body=note.strip())
    return extension


def extensions_of(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod
) -> Sequence[Extension]:
    require_read(access, tenant)
    return db.scalars(select(Extension).where(
        Extension.tenant_id == tenant.id, Extension.period_id == period.id
    ).order_by(Extension.created_at)).all()
