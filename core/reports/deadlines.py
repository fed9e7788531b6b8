"""Deadlines of a period for one unit, in Asia/Ho_Chi_Minh.

* up to ``due_at`` (inclusive) a submission is on time;
* after ``due_at`` it is accepted and flagged late;
* after ``closes_at`` it is refused unless the unit holds a granted extension whose date has not
  passed.

Extensions are decided here once, whichever step grants them (an admin's decision on a request,
a reviewer's return after closing): the decision is a compare-and-set on the request's status, so
of two decisions arriving at once exactly one applies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.memo import transaction_memo
from core.errors import Conflict, Invalid
from core.periods import models as period_models
from core.periods.models import TIME_ZONE, ReportingPeriod
from core.reports.models import EXTENSION_GRANTED, EXTENSION_REQUESTED, Extension
from core.tenants.models import Tenant
from core.users.access import Access

VN = ZoneInfo(TIME_ZONE)


@dataclass(frozen=True)
class DeadlineState:
    open: bool  # the unit may still save and submit
    late: bool  # a submission now is flagged late
    extended_until: datetime | None


def granted_extension(db: Session, tenant: Tenant, period: ReportingPeriod) -> Extension | None:
    return db.scalar(
        select(Extension)
        .where(Extension.tenant_id == tenant.id, Extension.period_id == period.id,
               Extension.status == EXTENSION_GRANTED)
        .order_by(Extension.until.desc())
        .limit(1)
    )


# session.info key: (the transaction, {(unit id, period id): the granted extension's date}) that
# a caller read along with the unit and the period (reports' visible_unit_and_period).
_GRANTED_KEY = "report_granted_until"


def remember_granted_until(db: Session, tenant_id: uuid.UUID, period_id: uuid.UUID,
                           until: datetime | None) -> None:
    """Keep, for the rest of the transaction, the date of the unit's latest granted extension
    (None without one) that the caller read, so that the report's read does not read it again.
    A decision on an extension forgets it (:func:`settle`, :func:`grant`)."""
    transaction_memo(db, _GRANTED_KEY)[(tenant_id, period_id)] = until


def remembered_granted_until(db: Session, tenant: Tenant,
                             period: ReportingPeriod) -> tuple[bool, datetime | None]:
    """``(True, date or None)`` when this transaction read the unit's extension already
    (:func:`remember_granted_until`); ``(False, None)`` otherwise."""
    known = transaction_memo(db, _GRANTED_KEY)
    if (tenant.id, period.id) not in known:
        return False, None
    return True, known[(tenant.id, period.id)]


def state_at(
    period: ReportingPeriod, now: datetime, extension: Extension | None = None
) -> DeadlineState:
    return state_until(period, now, extension.until if extension is not None else None)


def state_until(period: ReportingPeriod, now: datetime, extended_until: datetime | None) -> DeadlineState:
    """As :func:`state_at`, from the date of the unit's granted extension (None without one)."""
    if period.state == period_models.DRAFT or now < period.opens_at:
        return DeadlineState(open=False, late=False, extended_until=extended_until)
    within_close = period.state == period_models.OPEN and now <= period.closes_at
    within_extension = (
        extended_until is not None and now <= extended_until
        and period.state in (period_models.OPEN, period_models.CLOSED)
    )
    return DeadlineState(
        open=within_close or within_extension,
        late=now > period.due_at,
        extended_until=extended_until,
    )


def hanoi_text(moment: datetime) -> str:
    """``dd/MM/yyyy HH:mm`` in Hanoi time, for messages and notices."""
    return moment.astimezone(VN).strftime("%d/%m/%Y %H:%M")


def check_grant_date(until: datetime, now: datetime, field: str) -> None:
    """A granted deadline must lie ahead: a date already past would tell the unit it may report
    while every submission is still refused. Invalid naming ``field`` otherwise."""
    if until <= now:
        raise Invalid({field: [_("Ngày gia hạn %(when)s đã qua. Hãy chọn một thời điểm sau thời "
                                 "điểm hiện tại (%(now)s).", when=hanoi_text(until),
                                 now=hanoi_text(now))]})


def audit(db: Session, access: Access, extension: Extension, changes: dict, reason: str) -> None:
    """One audit entry for a decision (``extension.grant`` or ``extension.refuse``) or a request.

    Written after every other write of the change: the audit chain's lock is taken last, so no
    transaction waits for a row while holding it."""
    action = {EXTENSION_GRANTED: "extension.grant", EXTENSION_REQUESTED: "extension.request"}.get(
        extension.status, "extension.refuse")
    db.flush()
    record(db, action, tenant_id=extension.tenant_id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="extension", object_id=extension.id,
           changes=changes, reason=reason, ip=access.ip)


def settle(db: Session, access: Access, extension: Extension, status: str, note: str,
           now: datetime, until: datetime | None = None) -> dict:
    """Decide a waiting request: ``UPDATE … WHERE status = 'requested'``, so that of several
    decisions only one applies; the others get Conflict naming the status now stored. Returns
    the changes to audit (:func:`audit`)."""
    db.info.pop(_GRANTED_KEY, None)
    values = {"status": status, "decided_by_id": access.actor_id, "decided_at": now,
              "decision_note": note}
    if until is not None:
        values["until"] = until
    moved = db.execute(
        update(Extension)
        .where(Extension.tenant_id == extension.tenant_id, Extension.id == extension.id,
               Extension.status == EXTENSION_REQUESTED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        stored = db.scalar(select(Extension.status).where(Extension.tenant_id == extension.tenant_id,
                                                         Extension.id == extension.id))
        raise Conflict(_("Đề nghị gia hạn này đã được quyết định."), status=stored)
    changes: dict = {"status": [EXTENSION_REQUESTED, status]}
    if until is not None and until != extension.until:
        changes["until"] = [extension.until, until]
    db.refresh(extension)
    return changes


def grant(db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, until: datetime,
          note: str, now: datetime) -> tuple[Extension, dict]:
    """Give the unit a new deadline in the step that needs it (a return after closing): the
    request waiting, if any, is granted with this date; otherwise a granted extension is
    recorded. The caller has checked the date (:func:`check_grant_date`) and audits the
    returned changes (:func:`audit`)."""
    db.info.pop(_GRANTED_KEY, None)
    waiting = db.scalar(select(Extension).where(
        Extension.tenant_id == tenant.id, Extension.period_id == period.id,
        Extension.status == EXTENSION_REQUESTED))
    if waiting is not None:
        return waiting, settle(db, access, waiting, EXTENSION_GRANTED, note, now, until)
    extension = Extension(tenant_id=tenant.id, period_id=period.id, reason=note, until=until,
                          status=EXTENSION_GRANTED, requested_by_id=access.actor_id,
                          decided_by_id=access.actor_id, decided_at=now, decision_note=note)
    db.add(extension)
    db.flush()
    return extension, {"status": [None, EXTENSION_GRANTED], "until": [None, until]}
