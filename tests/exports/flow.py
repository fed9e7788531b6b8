"""Reports moved through the workflow for the export tests (as the platform), and functions to
close and reopen the world's period."""

from __future__ import annotations

from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.users.access import SystemAccess
from tests.rollups.flow import report

__all__ = ["close", "reopen", "report", "reported_world"]


def reported_world(db, host, world):
    """school-a1 approved, school-a2 submitted late with two incidents (not safe), enterprise-b1
    in draft, the ward approved; commune-b has no report."""
    report(db, host, world, "school-a1")
    report(db, host, world, "school-a2", until="submitted", late=True, safety={"incidents": 2})
    report(db, host, world, "enterprise-b1", until="draft")
    report(db, host, world, "ward-a")
    return world


def close(db, world, reason: str = "") -> ReportingPeriod:
    period = db.get(ReportingPeriod, world.period.id)
    period_ops.transition(db, SystemAccess(db=db, user=None), period, "closed", reason=reason)
    db.commit()
    return period


def reopen(db, world, reason: str) -> ReportingPeriod:
    period = db.get(ReportingPeriod, world.period.id)
    period_ops.transition(db, SystemAccess(db=db, user=None), period, "open", reason=reason)
    db.commit()
    return period
