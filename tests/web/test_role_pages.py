"""Every role finds its work at once: the home page of a reporter, a head and a reviewer; the
report page that can be walked (index, next step, errors linked to their fields, points, the
period's bands and why a band was missed); evidence attached from the criterion itself."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.notifications.models import Notification
from core.reports.models import Submission

from .helpers import text_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    attach_evidence,
    page,
    post,
    report_world_fixture,
    save,
    stored,
    submitted,
    thidua_config_fixture,
)


def test_a_reporter_home_lists_the_report_with_status_deadline_missing_and_next_step(report_world, client_as):
    response = client_as("a1_reporter").get("/")
    text = text_of(response)
    html = response.get_data(as_text=True)
    assert "Báo cáo của đơn vị bạn" in text
    card = text.split("Báo cáo của đơn vị bạn", 1)[1]
    assert report_world.period.title in card and "Chưa bắt đầu" in card
    assert "Hạn nộp" in card and "Còn thiếu 3 mục" in card  # the set's three required criteria
    assert "Bước tiếp theo: Bắt đầu nhập số liệu của báo cáo." in card
    assert f'href="{page(report_world)}#report-form"' in html


def test_a_head_is_told_to_submit_a_complete_report_and_a_reporter_who_submits(
        report_world, client_as, db):
    head = client_as("a1_head")
    assert save(head, report_world).status_code == 302
    attach_evidence(db, report_world)
    text = text_of(head.get("/"))
    assert "Bản nháp" in text and "Không thiếu mục nào" in text
    assert "Bước tiếp theo: Báo cáo đã đủ: ký gửi lên cấp trên." in text
    assert f'{page(report_world)}#submit"' in head.get("/").get_data(as_text=True)
    reporter_page = text_of(client_as("a1_reporter").get(page(report_world)))
    assert "Ai gửi báo cáo" in reporter_page
    assert "thủ trưởng đơn vị ký gửi báo cáo lên cấp trên" in reporter_page
    assert "Thủ trưởng đơn vị: a1_head." in reporter_page  # the unit's head, by name


def test_a_reviewer_home_shows_the_queue_with_counts_and_a_link(report_world, client_as, db):
    submitted(client_as, db, report_world)
    # The ward's reviewer: a ward is not a dashboard home for a unit with no report of its own
    # below; the home lists the queue either way.
    response = client_as("ward_reviewer").get("/")
    html = response.get_data(as_text=True)
    queue_url = f"/periods/{report_world.period.id}/queue"
    assert queue_url in html
    text = text_of(client_as("ward_reviewer").get(queue_url))
    assert report_world.tenant("school-a1").name in text


def test_the_list_of_reports_and_the_report_page_agree_on_a_report_never_started(report_world, client_as):
    client = client_as("a1_reporter")
    listed = text_of(client.get("/reports"))
    shown = text_of(client.get(page(report_world)))
    assert "Chưa bắt đầu" in listed and "Chưa bắt đầu" in shown
    assert "Bản nháp" not in shown.split("Hạn nộp", 1)[0]


def test_the_report_page_has_an_index_with_completion_and_the_submit_step_from_the_top(
        report_world, client_as):
    head = client_as("a1_head")
    assert save(head, report_world, values={"staff": 20}).status_code == 302
    response = head.get(page(report_world))
    html = response.get_data(as_text=True)
    text = text_of(response)
    index = html.split('class="section-index"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#section-rpt-safety"' in index and 'href="#submit"' in index and 'href="#bands"' in index
    # Two criteria hold a value (the count typed, and the incidents' default of 0).
    assert "2/6 mục" in text_of_fragment(index) and "thiếu 1" in text_of_fragment(index)
    assert 'class="section-jump"' in html  # the phone's jump menu
    # Each criterion's maximum beside what it earns.
    assert "tối đa 60 điểm" in text and "tối đa 40 điểm" in text
    # The next step near the top links to what is missing.
    top = html.split('id="report-form"', 1)[0]
    assert 'href="#missing"' in top


def text_of_fragment(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_errors_are_summarised_at_the_top_each_linking_to_its_field(report_world, client_as):
    client = client_as("a1_head")
    response = save(client, report_world, {"staff": "mười", "trained": 5})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html.split('id="report-problems"', 1)[1].split("</div>", 1)[0]
    assert 'href="#field-rpt-safety-staff"' in summary and "Tổng số cán bộ" in summary
    refused = post(client, report_world, "/submit", {})
    assert refused.status_code == 422
    summary = refused.get_data(as_text=True).split('id="report-problems"', 1)[1].split("</div>", 1)[0]
    assert 'href="#input-confirm"' in summary


def test_evidence_is_attached_from_the_criterion_and_leads_back(report_world, client_as):
    client = client_as("a1_reporter")
    html = client.get(page(report_world)).get_data(as_text=True)
    link = f'{page(report_world, "/evidence")}?criterion=rpt.safety.plan_issued#upload-title'
    assert link in html
    evidence = client.get(page(report_world, "/evidence") + "?criterion=rpt.safety.plan_issued")
    text = evidence.get_data(as_text=True)
    assert '<option value="rpt.safety.plan_issued" selected>' in text
    assert f'href="{page(report_world)}#field-rpt-safety-plan_issued"' in text
    assert 'id="back-to-report"' in client.get(page(report_world, "/excel")).get_data(as_text=True)


def test_the_bands_say_why_a_higher_band_was_missed(report_world, client_as, db):
    client = client_as("a1_head")
    values = dict(COMPLETE, incidents=2)  # 100 points, but not "An toàn về ANTT"
    assert save(client, report_world, values).status_code == 302
    text = text_of(client.get(page(report_world)))
    bands = text.split("Xếp loại của kỳ báo cáo", 1)[1]
    assert "Xuất sắc từ 90 điểm, đạt tiêu chuẩn An toàn về ANTT" in bands
    assert "Chưa đạt vì: chưa đạt tiêu chuẩn «An toàn về ANTT»" in bands
    assert "Khá từ 70 điểm Báo cáo đạt mức này" in bands
    english = text_of(client.get(page(report_world) + "?lang=en"))
    assert "Not reached because: did not pass the standard “Safe for security and order (ANTT)”" in english
    assert "Good from 70 points This report reached this level" in english
    submission = stored(db, report_world)
    assert isinstance(submission, Submission) and submission.classification == "Khá"


def test_the_reviewer_reads_the_submission_notice_in_the_pages_language(report_world, client_as, db):
    submitted(client_as, db, report_world)
    reviewer = client_as("ward_reviewer")
    vietnamese = text_of(reviewer.get("/notifications?lang=vi"))
    assert "Bạn có 1 thông báo chưa đọc." in vietnamese
    assert f"Trường THCS A1 đã gửi «{report_world.period.title}», chờ thẩm định" in vietnamese
    english = reviewer.get("/notifications?lang=en")
    text = text_of(english)
    assert "You have 1 unread notification." in text
    assert f"Trường THCS A1 submitted “{report_world.period.title}”, awaiting review" in text
    assert "Open the report to read and review it." in text
    # Its link opens the report page itself.
    html = english.get_data(as_text=True)
    assert 'action="/notifications/' in html
    notice_link = page(report_world)
    db.rollback()
    links = set(db.scalars(select(Notification.link).where(Notification.kind == "report.submitted")))
    assert links == {notice_link}


def test_the_api_gives_a_notice_in_the_requests_language(report_world, client_as, api_as, db):
    submitted(client_as, db, report_world)
    client = api_as("ward_reviewer")
    vietnamese = client.get("/api/v1/notifications").get_json()["items"][0]
    english = client.get("/api/v1/notifications?lang=en").get_json()["items"][0]
    assert vietnamese["title"].startswith("Trường THCS A1 đã gửi")
    assert english["title"].startswith("Trường THCS A1 submitted")
    assert english["body"] == "Open the report to read and review it."


def test_a_viewer_of_a_unit_is_not_asked_to_fill_its_report(report_world, client_as, db):
    # A viewer reads: its home lists the unit's report, and the next step says where the report
    # stands instead of asking the viewer to fill what it may not.
    from core.users import operations as user_ops
    from core.users.access import SystemAccess

    access = SystemAccess(db=db, user=None)
    viewer = user_ops.create_user(db, access, "a1_viewer", report_world.password)
    user_ops.add_membership(db, access, viewer, report_world.tenant("school-a1"), "viewer")
    db.commit()
    client = client_as("a1_viewer")
    card = text_of(client.get("/")).split("Báo cáo của đơn vị bạn", 1)[1]
    assert "Bước tiếp theo: Đơn vị chưa bắt đầu nhập báo cáo." in card
    assert "Nhập nốt" not in card and "Bắt đầu nhập" not in card
    english = text_of(client.get("/?lang=en"))
    assert "Next step: The unit has not started its report yet." in english
    save(client_as("a1_reporter"), report_world, values={"staff": 20})
    card = text_of(client.get("/?lang=vi")).split("Báo cáo của đơn vị bạn", 1)[1]
    assert "Bước tiếp theo: Đơn vị đang nhập báo cáo." in card
    assert "Nhập nốt" not in card
