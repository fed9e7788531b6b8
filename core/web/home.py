"""The home page: the active unit and the user's role there, then the user's work: their units'
reports (status, deadline, what is missing, the next step) and, for a reviewer, the queue of
each period with its counts. Staff above a city, a commune or ward or a department land on
their dashboard instead (:func:`core.web.dashboards.home_dashboard`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for
from flask_login import login_required
from sqlalchemy import func, select

from core.auth.context import current_access
from core.clusters import operations as clusters
from core.db.engine import session
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.plugins import current_host
from core.reports import history, queue
from core.reports.sections import enabled_for, required_fields
from core.reports.view import report_view
from core.tenants.models import Tenant
from core.users import roles
from core.web import blueprint
from core.web import report_walk as walk
from core.web.active import active_tenant
from core.web.dashboards import home_dashboard
from core.web.queue_summary import my_queues
from core.web.reports import ReportRow, my_reports


def units_below(tenant: Tenant) -> int:
    return session().scalar(
        select(func.count()).select_from(Tenant).where(
            Tenant.path.startswith(tenant.path), Tenant.id != tenant.id, Tenant.active.is_(True)
        )
    ) or 0


@blueprint.route("/")
@login_required
def home():
    page = home_dashboard()
    if page is not None:
        return page
    access = current_access()
    tenant = active_tenant()
    open_periods = [
        p for p in period_ops.visible(session(), access) if p.state == period_models.OPEN
    ]
    open_periods.sort(key=lambda p: p.due_at)
    below = None
    if tenant is not None and access.has_role(tenant, roles.ADMIN, roles.REVIEWER):
        below = units_below(tenant)
    return render_template("home.html", tenant=tenant, open_periods=open_periods, units_below=below,
                           work=my_work(), queues=my_queues(), statuses=history.status_labels(),
                           reviews=bool(queue.review_paths(access)),
                           member_clusters=clusters.member_clusters(session(), access, tenant)
                           if tenant else [])


@dataclass(frozen=True)
class WorkItem:
    """One report of one of the user's units, as the home page lists it."""

    row: ReportRow
    status: str  # "missing" when never started, else the submission's status
    missing: int
    step: dict[str, str]
    url: str


def my_work() -> list[WorkItem]:
    """The reports of the user's units in the open periods, with the next step of each (the same
    step the report page shows)."""
    db, access, host = session(), current_access(), current_host()
    found = []
    for row in my_reports(db, access, host):
        view = report_view(db, access, host, row.tenant, row.period)
        lacking = len(view["missing"]) if row.submission is not None else _never_started_missing(row)
        step = walk.next_step(view, access.roles_here(row.tenant), lacking)
        url = url_for("web.report", tenant_id=row.tenant.id, period_id=row.period.id)
        found.append(WorkItem(row, row.submission.status if row.submission else queue.MISSING, lacking,
                              {"text": step["text"], "href": url + step["href"]}, url))
    return found


def _never_started_missing(row: ReportRow) -> int:
    """What a report never started lacks: every required criterion of its sets."""
    total = 0
    for item in enabled_for(session(), current_host(), row.period, row.tenant):
        if item.criteria_set is not None:
            total += len(required_fields(item.criteria_set))
    return total
