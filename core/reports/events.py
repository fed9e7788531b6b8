"""What happens around a report's move: plugins hear of it, and the unit's people are told."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.notifications.operations import notify
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
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
                     reason: str = "") -> None:
    host.broadcast("thidua_submission_event", submission=submission, event=event)
    tenant = db.get(Tenant, submission.tenant_id)
    period = db.get(ReportingPeriod, submission.period_id)
    title = _titles(event, period.title if period else "")
    if tenant is None or title is None:
        return
    body = _("Lý do: %(reason)s", reason=reason) if reason else ""
    notify(db, tenant, UNIT_ROLES, kind=f"report.{event}", title=title, body=body,
           link=report_link(submission))
