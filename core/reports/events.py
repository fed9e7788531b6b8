"""What happens around a report's move: the unit's people are told (in the move's transaction,
so a move that does not happen tells no one), and plugins hear of it once it is committed."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.notifications.operations import notify
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports.atomic import after_commit
from core.reports.models import Submission
from core.tenants.models import Tenant
from core.users import roles

UNIT_ROLES = (roles.REPORTER, roles.HEAD)


def _titles(event: str, period_title: str) -> str | None:
    titles = {
        "returned": _("Báo cáo %(period)s bị trả lại", period=period_title),
        "approved": _("Báo cáo %(period)s đã được duyệt", period=period_title),
        "reopened": _("Báo cáo %(period)s được mở lại để chỉnh sửa", period=period_title),
    }
    return titles.get(event)


def report_link(submission: Submission) -> str:
    return f"/reports/{submission.tenant_id}/{submission.period_id}"


def submission_moved(db: Session, host: PluginHost, submission: Submission, event: str,
                     reason: str = "", notice: str = "") -> None:
    """Tell the unit (one notice per member, with the reason and ``notice`` as its body) and,
    after the commit, every plugin (``thidua_submission_event``)."""
    after_commit(db, lambda: host.submission_event(submission, event))
    tenant = db.get(Tenant, submission.tenant_id)
    period = db.get(ReportingPeriod, submission.period_id)
    title = _titles(event, period.title if period else "")
    if tenant is None or title is None:
        return
    lines = [_("Lý do: %(reason)s", reason=reason) if reason else "", notice]
    notify(db, tenant, UNIT_ROLES, kind=f"report.{event}", title=title,
           body="\n".join(line for line in lines if line), link=report_link(submission))
