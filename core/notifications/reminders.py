"""Deadline reminders: 14, 7 and 1 days before ``due_at`` (the period's ``reminder_days``), to
the reporters and heads of units that have not submitted yet.

Days are Hanoi calendar days: a report due at 17:00 on the 15th is "1 day away" all of the
14th. Each threshold is sent once (``dedupe_key = reminder:<period>:<days>``); when a run
missed a threshold (the worker was down, the period opened late), only the nearest one that
still applies is sent, so a unit never gets three reminders at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.jobs.registry import JobContext, task
from core.notifications import messages
from core.notifications.operations import notify
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins.operations import rows_of
from core.reports.models import EDITABLE, Submission
from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access

UNIT_ROLES = (roles.REPORTER, roles.HEAD)


def days_left(period: ReportingPeriod, now: datetime) -> int:
    """Calendar days from ``now`` to the due date, in the period's time zone."""
    zone = ZoneInfo(period.time_zone or period_models.TIME_ZONE)
    return (period.due_at.astimezone(zone).date() - now.astimezone(zone).date()).days


def threshold(period: ReportingPeriod, now: datetime) -> int | None:
    """The reminder that applies now: the smallest of ``reminder_days`` not below the days left;
    none before the first, after the due moment, or outside an open period."""
    if period.state != period_models.OPEN or now < period.opens_at or now > period.due_at:
        return None
    left = days_left(period, now)
    applicable = [d for d in (period.reminder_days or []) if isinstance(d, int) and d >= max(left, 0)]
    return min(applicable) if applicable else None


def dedupe_key(period: ReportingPeriod, days: int) -> str:
    return f"reminder:{period.id}:{days}"


def units_to_remind(db: Session, period: ReportingPeriod) -> list[Tenant]:
    """Active units below the period's owner, of a kind one of its enabled sets applies to,
    with no submission or one still being written (draft, returned)."""
    kinds = {kind for row in rows_of(db, period) for kind in (row.tenant_kinds or [])}
    owner = db.get(Tenant, period.owner_tenant_id)
    if not kinds or owner is None:
        return []
    units = db.scalars(
        select(Tenant)
        .where(Tenant.path.startswith(owner.path), Tenant.active.is_(True), Tenant.kind.in_(kinds))
        .order_by(Tenant.path)
    ).all()
    status = dict(db.execute(
        select(Submission.tenant_id, Submission.status)
        .where(Submission.period_id == period.id, Submission.tenant_id.in_([u.id for u in units]))
    ).all())
    return [u for u in units if u.id not in status or status[u.id] in EDITABLE]


messages.register({
    "reminder.one_day": _l("Nhắc hạn: còn 1 ngày để gửi «%(period)s»"),
    "reminder.days": _l("Nhắc hạn: còn %(days)s ngày để gửi «%(period)s»"),
    "reminder.body": _l("Hạn gửi báo cáo: %(due)s (giờ Hà Nội). Đơn vị chưa gửi báo cáo kỳ này."),
})


def _message(period: ReportingPeriod, days: int) -> dict[str, Any]:
    due = period.due_at.astimezone(ZoneInfo(period.time_zone or period_models.TIME_ZONE))
    title = (messages.line("reminder.one_day", period=period.title) if days <= 1
             else messages.line("reminder.days", days=days, period=period.title))
    return {"title": title, "body": [messages.line("reminder.body", due=due.strftime("%d/%m/%Y %H:%M"))]}


def remind(
    db: Session, access: Access, period: ReportingPeriod, now: datetime | None = None
) -> dict[str, Any]:
    """Send the reminder due now for ``period``; running it again sends nothing new. Audited once
    per run that sent something, with the counts."""
    now = now or utcnow()
    days = threshold(period, now)
    counts: dict[str, Any] = {"days": days, "units": 0, "notices": 0}
    if days is None:
        return counts
    message = _message(period, days)
    for unit in units_to_remind(db, period):
        created = notify(db, unit, UNIT_ROLES, kind="report.reminder", title="", message=message,
                         link=f"/tenants/{unit.id}/periods/{period.id}/report",
                         dedupe_key=dedupe_key(period, days))
        if created:
            counts["units"] += 1
            counts["notices"] += len(created)
    if counts["notices"]:
        record(db, "jobs.remind", tenant_id=period.owner_tenant_id, actor_id=access.actor_id,
               actor_label=access.actor_label, object_type="period", object_id=period.id,
               changes={"days": [None, days], "units": [None, counts["units"]],
                        "notices": [None, counts["notices"]]})
    return counts


def _moment(value: str | None, default: datetime) -> datetime:
    return datetime.fromisoformat(value) if value else default


@task("notifications.remind")
def remind_all(ctx: JobContext, now: str | None = None) -> dict[str, Any]:
    """Hourly: one job per open period with a reminder due, in the period owner's context."""
    moment = _moment(now, ctx.now)
    jobs = []
    for period in ctx.db.scalars(select(ReportingPeriod).where(ReportingPeriod.state == period_models.OPEN)):
        if threshold(period, moment) is not None:
            job = ctx.enqueue("notifications.remind_period", tenant_id=period.owner_tenant_id,
                              period_id=period.id, now=now)
            jobs.append(str(job.id))
    return {"jobs": jobs}


@task("notifications.remind_period")
def remind_period(ctx: JobContext, tenant_id: str, period_id: str, now: str | None = None) -> dict[str, Any]:
    period = ctx.db.get(ReportingPeriod, uuid.UUID(period_id))
    if period is None or str(period.owner_tenant_id) != tenant_id:
        return {"days": None, "units": 0, "notices": 0}
    return remind(ctx.db, ctx.access, period, _moment(now, ctx.now))
