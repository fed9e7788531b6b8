"""What happens around a report's move: the people concerned are told (in the move's transaction,
so a move that does not happen tells no one), and plugins hear of it once it is committed.

* The unit's reporters and heads hear of a return, an approval and a reopening.
* The reviewers of the nearest unit above that has any hear of a submission, a resubmission
  and an explanation: what is waiting for them."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.notifications import messages
from core.notifications.operations import notify, notify_above
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports.atomic import after_commit
from core.reports.models import Submission
from core.tenants.models import Tenant
from core.users import roles

UNIT_ROLES = (roles.REPORTER, roles.HEAD)
REVIEWER_ROLES = (roles.REVIEWER,)

# The period's title usually starts with "Báo cáo…": it is quoted, never preceded by the word.
messages.register({
    "report.returned": _l("Cấp trên trả lại «%(period)s» để đơn vị chỉnh sửa"),
    "report.approved": _l("Cấp trên đã duyệt «%(period)s»"),
    "report.reopened": _l("Cấp trên mở lại «%(period)s» để đơn vị chỉnh sửa"),
    "report.submitted": _l("%(unit)s đã gửi «%(period)s», chờ thẩm định"),
    "report.resubmitted": _l("%(unit)s đã gửi lại «%(period)s» sau khi chỉnh sửa, chờ thẩm định"),
    "report.explained": _l("%(unit)s đã gửi giải trình cho «%(period)s»"),
    "line.return_reason": _l("Lý do trả lại: %(text)s"),
    "line.reopen_reason": _l("Lý do mở lại: %(text)s"),
    "line.approve_note": _l("Ý kiến của cấp trên: %(text)s"),
    "line.explanation": _l("Nội dung giải trình: %(text)s"),
    "line.late": _l("Báo cáo được gửi sau hạn nộp."),
    "line.open": _l("Mở báo cáo để xem và thẩm định."),
    "extension.granted": _l("Đề nghị gia hạn đã được chấp thuận"),
    "extension.refused": _l("Đề nghị gia hạn không được chấp thuận"),
    "extension.until": _l("Đơn vị được gửi báo cáo đến %(when)s."),
})

_REASON_LINES = {"returned": "line.return_reason", "reopened": "line.reopen_reason",
                 "approved": "line.approve_note"}


def report_link(submission: Submission) -> str:
    """The report's page (``web.report``), written out: this module sits below the web layer."""
    return report_path(submission.tenant_id, submission.period_id)


def report_path(tenant_id: uuid.UUID, period_id: uuid.UUID) -> str:
    """The path of a unit's report page in a period (the web's ``web.report`` route)."""
    return f"/tenants/{tenant_id}/periods/{period_id}/report"


def submission_moved(db: Session, host: PluginHost, submission: Submission, event: str,
                     reason: str = "", notice: str = "", resubmitted: bool = False) -> None:
    """Tell the people concerned (one notice per person, with the reason and ``notice`` as its
    body) and, after the commit, every plugin (``thidua_submission_event``)."""
    after_commit(db, lambda: host.submission_event(submission, event))
    tenant = db.get(Tenant, submission.tenant_id)
    period = db.get(ReportingPeriod, submission.period_id)
    if tenant is None or period is None:
        return
    if event == "submitted":
        code = "report.resubmitted" if resubmitted else "report.submitted"
        body = [messages.line("line.late")] if submission.late else []
        tell_reviewers(db, tenant, submission, code, body + [messages.line("line.open")])
        return
    if event not in _REASON_LINES:
        return
    body = []
    if reason:
        body.append(messages.line(_REASON_LINES[event], text=reason))
    if notice:
        body.append(messages.text(notice))
    message = {"title": messages.line(f"report.{event}", period=period.title), "body": body}
    notify(db, tenant, UNIT_ROLES, kind=f"report.{event}", title="", message=message,
           link=report_link(submission))


def explained(db: Session, submission: Submission, body: str) -> None:
    """The head answered a return: the reviewers above may look again."""
    tenant = db.get(Tenant, submission.tenant_id)
    if tenant is None:
        return
    tell_reviewers(db, tenant, submission, "report.explained",
                   [messages.line("line.explanation", text=body)])


def tell_reviewers(db: Session, tenant: Tenant, submission: Submission, code: str,
                   body: list) -> None:
    """Notify the reviewers of the nearest unit above ``tenant`` that has any (its admins when
    none has a reviewer) with the message ``code`` and ``body`` lines, linking to the report."""
    period = db.get(ReportingPeriod, submission.period_id)
    message = {"title": messages.line(code, unit=tenant.name, period=period.title if period else ""),
               "body": body}
    # Admins above review too: where no unit above has a reviewer, its admins are told.
    for wanted in (REVIEWER_ROLES, (roles.ADMIN,)):
        if notify_above(db, tenant, wanted, kind=code, title="", message=message,
                        link=report_link(submission)):
            return
