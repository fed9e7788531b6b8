"""The queue of each period a reviewer works in, with its counts: what a reviewer's (or viewer's)
home page shows, whether it is the plain home or the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from core.auth.context import current_access
from core.db.engine import session
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.reports import queue
from core.reports.models import SUBMITTED


@dataclass(frozen=True)
class QueueSummary:
    """One period's queue: units per status (and "missing"), those waiting for review, its URL."""

    period: period_models.ReportingPeriod
    totals: dict[str, int]
    waiting: int
    url: str


def my_queues() -> list[QueueSummary]:
    """For a reviewer or an admin (and a viewer, who reads it): each open or closed period's
    queue, with its counts."""
    db, access = session(), current_access()
    if not queue.reading_paths(access):
        return []
    reading = not queue.review_paths(access)
    found = []
    for period in period_ops.visible(db, access):
        if period.state not in (period_models.OPEN, period_models.CLOSED):
            continue
        totals = queue.queue(db, access, period, per_page=1, reading=reading).totals
        if not any(totals.values()):
            continue
        found.append(QueueSummary(period, totals, totals.get(SUBMITTED, 0),
                                  url_for("web.report_queue", period_id=period.id)))
    return found
