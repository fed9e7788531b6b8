"""Server-rendered web pages: the home page, the tenant switcher, admin pages and error pages."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.extensions import login_manager

blueprint = Blueprint("web", __name__)


@blueprint.record_once
def _configure(state) -> None:
    # Flask-Login flashes its own English sentence when it sends someone to the login page.
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    # A session that ended sends the browser to the login page and back to the page it was on.
    login_manager.unauthorized_handler(errors.to_login)


# The route modules register themselves on the blueprint when imported.
from core.web import (  # noqa: E402,F401
    admin_periods,
    admin_tenants,
    admin_users,
    awards,
    clusters,
    criteria_defs,
    criteria_forms,
    dashboards,
    errors,
    evidence,
    excel,
    exports,
    home,
    layout,
    matrix,
    notifications,
    report_audit,
    reports,
    review,
    switcher,
)
