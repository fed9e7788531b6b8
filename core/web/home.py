"""The home page: the active unit, the user's role there and the periods open now."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required
from sqlalchemy import func, select

from core.auth.context import current_access
from core.db.engine import session
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.tenants.models import Tenant
from core.users import roles
from core.web import blueprint
from core.web.active import active_tenant
from core.web.dashboards import home_dashboard


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
    return render_template("home.html", tenant=tenant, open_periods=open_periods, units_below=below)
