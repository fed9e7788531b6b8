"""Deadlines of a period for one unit, in Asia/Ho_Chi_Minh.

* up to ``due_at`` (inclusive) a submission is on time;
* after ``due_at`` it is accepted and flagged late;
* after ``closes_at`` it is refused unless the unit holds a granted extension whose date has not
  passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.reports.models import EXTENSION_GRANTED, Extension
from core.tenants.models import Tenant


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


def state_at(
    period: ReportingPeriod, now: datetime, extension: Extension | None = None
) -> DeadlineState:
    extended_until = extension.until if extension is not None else None
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
