"""Deadline extensions: the head asks with a reason and a date; an admin above decides (the
decision itself, a compare-and-set on the request's status, lives in :mod:`core.reports.deadlines`,
which a return after closing uses too)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.types import utcnow
from core.errors import Conflict, Invalid, NotFound
from core.notifications import messages
from core.notifications.operations import notify
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.reports import deadlines, events, permissions
from core.reports.atomic import insert_or_ignore
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


def request_extension(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, reason: str,
    until: datetime, now: datetime | None = None,
) -> Extension:
    """The head asks for a new deadline, with a reason. One request waits at a time: of two
    sent at once, one is recorded and the other answers 409 (a partial unique index, not a
    check that both could pass)."""
    require(permissions.is_head(access, tenant), access, tenant,
            _("Chỉ thủ trưởng đơn vị được xin gia hạn."))
    reason = require_reason(reason)
    now = now or utcnow()
    if period.state not in (period_models.OPEN, period_models.CLOSED):
        raise Conflict(_("Kỳ báo cáo không nhận đề nghị gia hạn."))
    if until <= max(now, period.closes_at):
        raise Invalid({"until": [_("Ngày gia hạn phải sau thời điểm khóa sổ của kỳ báo cáo.")]})
    waiting = _("Đơn vị đã có một đề nghị gia hạn đang chờ quyết định.")
    if db.scalar(select(Extension.id).where(
            Extension.tenant_id == tenant.id, Extension.period_id == period.id,
            Extension.status == EXTENSION_REQUESTED)) is not None:
        raise Conflict(waiting)
    extension_id = uuid.uuid4()
    inserted = insert_or_ignore(db, Extension, {
        "tenant_id": tenant.id, "id": extension_id, "period_id": period.id, "reason": reason,
        "until": until, "status": EXTENSION_REQUESTED, "requested_by_id": access.actor_id,
        "decision_note": "", "created_at": now,
    }, keys=("tenant_id", "period_id"), where=Extension.status == EXTENSION_REQUESTED)
    if not inserted:
        raise Conflict(waiting)
    extension = db.scalar(select(Extension).where(Extension.tenant_id == tenant.id,
                                                  Extension.id == extension_id))
    deadlines.audit(db, access, extension, {"until": [None, until]}, reason)
    return extension


def decide(
    db: Session, access: Access, tenant: Tenant, extension_id: uuid.UUID, grant: bool,
    note: str = "", now: datetime | None = None, until: datetime | None = None,
) -> Extension:
    """An admin above the unit grants (optionally with another date, ``until``) or refuses
    (with a note saying why) a waiting request. A date already past is refused with 422 on
    ``until`` and the unit is told nothing; of two decisions at once, exactly one applies and
    the other answers 409 with the status now stored. The unit is told the decision once."""
    require(roles.ADMIN in access.roles_above(tenant), access, tenant,
            _("Chỉ quản trị viên cấp trên được quyết định gia hạn."))
    extension = db.scalar(select(Extension).where(Extension.tenant_id == tenant.id,
                                                  Extension.id == extension_id))
    if extension is None:
        raise NotFound(_("Không tìm thấy đề nghị gia hạn."))
    if extension.status != EXTENSION_REQUESTED:
        raise Conflict(_("Đề nghị gia hạn này đã được quyết định."), status=extension.status)
    now = now or utcnow()
    note = note.strip()
    if grant:
        deadlines.check_grant_date(until or extension.until, now, "until")
    else:
        note = require_reason(note, "note")
    status = EXTENSION_GRANTED if grant else EXTENSION_REFUSED
    changes = deadlines.settle(db, access, extension, status, note, now, until)
    deadlines.audit(db, access, extension, changes, note)
    if grant:
        message = {"title": messages.line("extension.granted"),
                   "body": [messages.line("extension.until", when=deadlines.hanoi_text(extension.until))]}
    else:
        message = {"title": messages.line("extension.refused"), "body": []}
    if note:
        message["body"].append(messages.text(note))
    notify(db, tenant, UNIT_ROLES, kind=f"extension.{status}", title="", message=message,
           link=events.report_path(tenant.id, extension.period_id))
    return extension


def extensions_of(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod
) -> Sequence[Extension]:
    require_read(access, tenant)
    return db.scalars(select(Extension).where(
        Extension.tenant_id == tenant.id, Extension.period_id == period.id
    ).order_by(Extension.created_at)).all()
