"""The reminder a dashboard sends: to the reporters and heads of every unit below a scope whose
report is not sent yet, through the notifications (in the app, and by e-mail via the outbox)."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from core.audit.operations import record
from core.jobs.registry import JobContext, task
from core.notifications import messages
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


def units_not_sent(db, period: ReportingPeriod, scope: Tenant) -> list[Tenant]:
    """Units below ``scope`` the period expects whose report is not sent (none, draft, returned)."""
    kinds = {k for ks in db.scalars(select(PeriodCriteriaSet.tenant_kinds)
                                    .where(PeriodCriteriaSet.period_id == period.id)) for k in ks or []}
    return list(db.scalars(
        select(Tenant)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .where(Tenant.path.startswith(scope.path), Tenant.active.is_(True), Tenant.kind.in_(sorted(kinds)),
               or_(Submission.id.is_(None), Submission.status.in_(sorted(EDITABLE))))
        .order_by(Tenant.name_key)
    ))


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
    day = ctx.now.astimezone(zone).date().isoformat()
    for unit in units_not_sent(ctx.db, period, scope):
        created = notify(ctx.db, unit, UNIT_ROLES, kind="report.reminder", title="", message=message,
                         link=f"/tenants/{unit.id}/periods/{period.id}/report",
                         dedupe_key=f"dashboard-reminder:{period.id}:{day}")
        if created:
            counts["units"] += 1
            counts["notices"] += len(created)
    record(ctx.db, "jobs.dashboard_remind", tenant_id=scope.id, actor_label=ctx.access.actor_label,
           object_type="period", object_id=period.id,
           changes={"units": [None, counts["units"]], "notices": [None, counts["notices"]]})
    return counts
