"""Moving the world's reports through the workflow with the operations (as the platform)."""

from __future__ import annotations

from datetime import timedelta

from core.periods.models import ReportingPeriod
from core.reports import operations as report_ops
from core.tenants.models import Tenant
from core.users.access import SystemAccess

SAFETY = {"plan_issued": False, "staff": 20, "trained": 15, "incidents": 0}


def values_for(tenant: Tenant, **changes) -> dict:
    sections = {"rpt.safety": {**SAFETY, **changes.pop("safety", {})}}
    if tenant.kind in ("ward", "commune"):
        sections["rpt.units"] = {"models": changes.pop("models", 3)}
    return sections


def report(db, host, world, slug: str, *, until: str = "approved", late: bool = False, **values):
    """Save, then submit, then approve the unit's report, stopping at ``until``; commits."""
    access = SystemAccess(db=db, user=None)
    tenant = db.get(Tenant, world.tenant(slug).id)
    period = db.get(ReportingPeriod, world.period.id)
    found = report_ops.find(db, tenant, period)
    report_ops.save_draft(db, access, host, tenant, period, found.version if found else 0,
                          values_for(tenant, **values))
    if until != "draft":
        now = period.due_at + timedelta(days=1) if late else None
        report_ops.submit(db, access, host, tenant, period, now=now)
        if until == "approved":
            report_ops.approve(db, access, host, tenant, period)
    db.commit()
    return report_ops.find(db, tenant, period)
