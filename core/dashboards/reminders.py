"""The reminder a dashboard sends: to the reporters and heads of every unit below a scope whose
report is not sent yet, through the notifications (in the app, and by e-mail via the outbox)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select

from core.audit.operations import record
from core.jobs.registry import JobContext, task
from core.notifications import messages
from core.notifications.models import Notification
from core.notifications.operations import notify
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins.models import PeriodCriteriaSet
from core.reports.models import EDITABLE, Submission
from core.tenants.models import Tenant
from core.users import roles

UNIT_ROLES = (roles.REPORTER, roles.HEAD)

messages.register({
    "dashboard.remind": _l("Nhắc gửi «%(period)s»"),
    "dashboard.remind_body": _l("Đơn vị chưa gửi báo cáo kỳ này. Hạn gửi: %(due)s (giờ Hà Nội)."),
})


def _not_sent(db, period: ReportingPeriod, scope: Tenant, *columns) -> Select:
    kinds = {k for ks in db.scalars(select(PeriodCriteriaSet.tenant_kinds)
                                    .where(PeriodCriteriaSet.period_id == period.id)) for k in ks or []}
    return (
        select(*columns)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .where(Tenant.path.startswith(scope.path), Tenant.active.is_(True), Tenant.kind.in_(sorted(kinds)),
               or_(Submission.id.is_(None), Submission.status.in_(sorted(EDITABLE))))
    )


def units_not_sent(db, period: ReportingPeriod, scope: Tenant) -> list[Tenant]:
    """Units below ``scope`` the period expects whose report is not sent (none, draft, returned)."""
    return list(db.scalars(_not_sent(db, period, scope, Tenant).order_by(Tenant.name_key)))


def reminder_counts(db, period: ReportingPeriod, scope: Tenant, day: str) -> tuple[int, int]:
    """(units below ``scope`` not sent, how many of them already hold a reminder of ``day``, sent
    from this dashboard or one above it): two counts, whatever the number of units."""
    ids = _not_sent(db, period, scope, Tenant.id)
    total = db.scalar(select(func.count()).select_from(ids.subquery())) or 0
    if not total:
        return 0, 0
    reminded = db.scalar(select(func.count(func.distinct(Notification.tenant_id))).where(
        Notification.tenant_id.in_(ids), Notification.dedupe_key == notice_key(period, day))) or 0
    return total, reminded


def reminder_day(period: ReportingPeriod, now: datetime) -> str:
    """The calendar day (ISO, in the period's time zone) a reminder sent at ``now`` counts for:
    a unit gets at most one reminder a day."""
    zone = ZoneInfo(period.time_zone or period_models.TIME_ZONE)
    return now.astimezone(zone).date().isoformat()


def notice_key(period: ReportingPeriod, day: str) -> str:
    """The key of a day's reminder notices (one per user; see :func:`notify`'s ``dedupe_key``)."""
    return f"dashboard-reminder:{period.id}:{day}"


@task("dashboards.remind")
def remind_units(ctx: JobContext, tenant_id: str, period_id: str) -> dict[str, Any]:
    """Notify each unit not sent yet; a unit reminded today gets nothing new (one key a day)."""
    scope = ctx.db.get(Tenant, uuid.UUID(tenant_id))
    period = ctx.db.get(ReportingPeriod, uuid.UUID(period_id))
    counts = {"units": 0, "notices": 0}
    if scope is None or period is None or period.state != period_models.OPEN:
        return counts
    zone = ZoneInfo(period.time_zone or period_models.TIME_ZONE)
    due = period.due_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    message = {"title": messages.line("dashboard.remind", period=period.title),
               "body": [messages.line("dashboard.remind_body", due=due)]}
    day = reminder_day(period, ctx.now)
    for unit in units_not_sent(ctx.db, period, scope):
        created = notify(ctx.db, unit, UNIT_ROLES, kind="report.reminder", title="", message=message,
                         link=f"/tenants/{unit.id}/periods/{period.id}/report",
                         dedupe_key=notice_key(period, day))
        if created:
            counts["units"] += 1
            counts["notices"] += len(created)
    record(ctx.db, "jobs.dashboard_remind", tenant_id=scope.id, actor_label=ctx.access.actor_label,
           object_type="period", object_id=period.id,
           changes={"units": [None, counts["units"]], "notices": [None, counts["notices"]]})
    return counts
