"""Who hears of a report's move and how it reads: the reviewers above hear of a submission, a
resubmission and an explanation; the unit hears of a return and an approval in plain words; every
notice links to the report's page and reads in the page's language."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from core.db import scoping
from core.notifications.messages import render
from core.notifications.models import Notification
from core.reports import operations
from tests.reports.test_lifecycle import period_and_tenant, submitted


def notices(app, kind: str) -> list[Notification]:
    from core.db.engine import database

    with database(app).new_session() as db:
        scoping.set_context(db, scoping.TenantContext.system_context())
        found = list(db.scalars(select(Notification).where(Notification.kind == kind)))
        db.expunge_all()
    return found


def owners(found, world) -> set[str]:
    names = {world.user(u).id: u for u in ("ward_reviewer", "city_reviewer", "edu_reviewer",
                                           "ward_admin", "a1_head", "a1_reporter")}
    return {names.get(n.user_id, "other") for n in found}


def test_the_reviewers_above_hear_of_a_submission_and_the_link_is_the_report(app, acting, host, report_world):
    submitted(acting, host, report_world)
    found = notices(app, "report.submitted")
    # The nearest unit above with reviewers: the ward's, not the city's.
    assert owners(found, report_world) == {"ward_reviewer"}
    notice = found[0]
    assert notice.tenant_id == report_world.tenant("ward-a").id
    assert "Trường THCS A1" in notice.title and report_world.period.title in notice.title
    assert "Báo cáo Báo cáo" not in notice.title
    assert app.url_map.bind("localhost").match(notice.link)[0] == "web.report"
    with force_locale("en"):
        title, _body = render(notice.message)
    assert title.startswith("Trường THCS A1 submitted") and "awaiting review" in title


def test_a_return_reads_naturally_and_the_resubmission_and_explanation_are_told(
        app, acting, host, report_world):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    operations.return_report(session, access, host, tenant, period, "Thiếu số liệu tập huấn", True)
    session.commit()
    returned = notices(app, "report.returned")
    assert owners(returned, report_world) == {"a1_head", "a1_reporter"}
    assert returned[0].body == "Lý do trả lại: Thiếu số liệu tập huấn"
    assert "Lý do: " not in returned[0].body
    with force_locale("en"):
        title, body = render(returned[0].message)
    assert "returned" in title and body == "Reason for return: Thiếu số liệu tập huấn"

    session, access = acting("a1_head")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    operations.explain(session, access, tenant, period, "Đã bổ sung danh sách tập huấn")
    session.commit()
    explained = notices(app, "report.explained")
    assert owners(explained, report_world) == {"ward_reviewer"}
    assert "Đã bổ sung danh sách tập huấn" in explained[0].body

    operations.submit(session, access, host, tenant, period)
    session.commit()
    assert owners(notices(app, "report.resubmitted"), report_world) == {"ward_reviewer"}


def test_an_approval_without_a_comment_says_only_that(app, acting, host, report_world):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    operations.approve(session, access, host, tenant, period)
    session.commit()
    approved = notices(app, "report.approved")
    assert approved and all(n.body == "" for n in approved)
    assert approved[0].title == f"Cấp trên đã duyệt «{report_world.period.title}»"


def test_the_reviewers_above_are_also_told_by_mail(app, acting, host, report_world, db):
    from core.notifications.models import OutboxMessage

    report_world.user("ward_reviewer").email = "thamdinh@phuong-a.gov.vn"
    db.commit()
    submitted(acting, host, report_world)
    mails = [m for m in db.scalars(select(OutboxMessage)) if m.to_address == "thamdinh@phuong-a.gov.vn"]
    assert len(mails) == 1
    assert "Trường THCS A1" in mails[0].subject and report_world.period.title in mails[0].subject
