"""Review on the report page: return with a reason, approve (locks), reviewer scores, reopen,
the explanation asked for and deadline extensions decided."""

from __future__ import annotations

import pytest

from core.notifications.models import Notification
from core.reports.models import Extension
from core.reports.sections import sections_of

from .helpers import audit_actions, text_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    REASON,
    page,
    post,
    report_world_fixture,
    save,
    stored,
    submitted,
    thidua_config_fixture,
)


def test_the_reviewer_sees_the_review_tools_only_on_a_submitted_report(report_world, client_as, db):
    reviewer = client_as("ward_reviewer")
    assert 'id="return-form"' not in reviewer.get(page(report_world)).get_data(as_text=True)
    submitted(client_as, db, report_world)
    html = reviewer.get(page(report_world)).get_data(as_text=True)
    assert 'id="return-form"' in html and 'id="approve-form"' in html
    assert 'id="review-rpt-safety"' in html
    assert 'id="return-form"' not in client_as("a1_head").get(page(report_world)).get_data(as_text=True)
    assert 'id="return-form"' not in client_as("city_viewer").get(page(report_world)).get_data(as_text=True)


def test_return_requires_a_reason(report_world, client_as, db):
    submitted(client_as, db, report_world)
    reviewer = client_as("ward_reviewer")
    response = post(reviewer, report_world, "/return", {"reason": "   ", "require_explanation": "yes"})
    assert response.status_code == 422
    assert 'id="error-return-reason"' in response.get_data(as_text=True)
    assert "Vui lòng nêu lý do." in text_of(response)
    assert stored(db, report_world).status == "submitted"


def test_a_return_shows_its_reason_to_the_unit_who_explains_and_resubmits(report_world, client_as, db):
    head = submitted(client_as, db, report_world)
    reviewer = client_as("ward_reviewer")
    response = post(reviewer, report_world, "/return", {"reason": REASON, "require_explanation": "yes"})
    assert response.status_code == 302
    assert stored(db, report_world).status == "returned"
    html = head.get(page(report_world)).get_data(as_text=True)
    assert 'id="returned-reason"' in html
    assert REASON in text_of(head.get(page(report_world)))
    assert "Lưu nháp" in html
    db.expire_all()
    assert db.query(Notification).filter(Notification.body.contains(REASON)).count() >= 1

    blocked = post(head, report_world, "/submit", {"confirm": "yes"})
    assert blocked.status_code == 409
    assert "Cần gửi giải trình" in text_of(blocked)
    assert post(head, report_world, "/explanation", {"body": ""}).status_code == 422
    assert post(head, report_world, "/explanation", {"body": "Đã rà soát lại danh sách"}).status_code == 302
    assert "Đã rà soát lại danh sách" in text_of(head.get(page(report_world)))
    assert save(head, report_world, {"plan_issued": True, "staff": 20, "trained": 18}).status_code == 302
    assert post(head, report_world, "/submit", {"confirm": "yes"}).status_code == 302
    assert stored(db, report_world).status == "submitted"


def test_approve_locks_the_report(report_world, client_as, db):
    submitted(client_as, db, report_world)
    reviewer = client_as("ward_reviewer")
    assert post(reviewer, report_world, "/approve", {"reason": "Số liệu đầy đủ"}).status_code == 302
    assert stored(db, report_world).status == "approved"
    head_page = client_as("a1_head").get(page(report_world))
    text = text_of(head_page)
    assert "Đã duyệt" in text
    assert "Lưu nháp" not in text and "Ký gửi báo cáo" not in text
    assert "Số liệu đầy đủ" in text
    again = post(client_as("a1_head"), report_world, "", {"version": "99", "rpt.safety--staff": "1"})
    assert again.status_code == 409
    assert "Báo cáo đã gửi hoặc đã duyệt nên không thể sửa." in text_of(again)
    assert "vừa được người khác cập nhật" not in text_of(again)
    assert "20 người" in text_of(again)
    assert len(audit_actions(db, "report.approve")) == 1


def test_a_reporter_may_not_return_or_approve(report_world, client_as, db):
    submitted(client_as, db, report_world)
    reporter = client_as("a1_reporter")
    assert post(reporter, report_world, "/return", {"reason": REASON}).status_code == 403
    assert post(reporter, report_world, "/approve", {}).status_code == 403
    assert post(client_as("a2_head"), report_world, "/approve", {}).status_code == 404
    assert stored(db, report_world).status == "submitted"


def test_reviewer_scores_per_criterion_show_beside_the_criterion(report_world, client_as, db):
    submitted(client_as, db, report_world)
    reviewer = client_as("ward_reviewer")
    bad = post(reviewer, report_world, "/scores/rpt.safety", {"score-trained": "nhiều"})
    assert bad.status_code == 422
    assert 'id="error-score-rpt-safety-trained"' in bad.get_data(as_text=True)
    assert 'value="nhiều"' in bad.get_data(as_text=True)
    out_of_range = post(reviewer, report_world, "/scores/rpt.safety", {"score-trained": "150"})
    assert out_of_range.status_code == 422
    response = post(reviewer, report_world, "/scores/rpt.safety",
                    {"score-trained": "45,5", "note-trained": "Thiếu 2 người trong danh sách"})
    assert response.status_code == 302
    section = sections_of(db, stored(db, report_world))["rpt.safety"]
    assert section.review == {"trained": {"score": 45.5, "note": "Thiếu 2 người trong danh sách"}}
    text = text_of(client_as("a1_head").get(page(report_world)))
    assert "Điểm thẩm định: 45,5 · Thiếu 2 người trong danh sách" in text  # a decimal comma


def test_an_admin_above_reopens_an_approved_report_with_a_reason(report_world, client_as, db):
    submitted(client_as, db, report_world)
    assert post(client_as("ward_reviewer"), report_world, "/approve", {}).status_code == 302
    assert 'id="reopen-form"' not in client_as("ward_reviewer").get(page(report_world)).get_data(as_text=True)
    assert post(client_as("ward_reviewer"), report_world, "/reopen", {"reason": "x"}).status_code == 403
    admin = client_as("ward_admin")
    assert 'id="reopen-form"' in admin.get(page(report_world)).get_data(as_text=True)
    assert post(admin, report_world, "/reopen", {"reason": ""}).status_code == 422
    assert post(admin, report_world, "/reopen", {"reason": "Sai số liệu tập huấn"}).status_code == 302
    assert stored(db, report_world).status == "returned"
    assert "Sai số liệu tập huấn" in text_of(client_as("a1_head").get(page(report_world)))


def test_an_admin_above_decides_an_extension(report_world, client_as, db):
    head = client_as("a1_head")
    assert post(head, report_world, "/extensions",
                {"reason": "Nhân sự nghỉ ốm", "until": "2027-02-15T17:00"}).status_code == 302
    db.expire_all()
    extension = db.query(Extension).one()
    url = f"/extensions/{extension.id}/decision"
    assert post(client_as("ward_reviewer"), report_world, url, {"decision": "grant"}).status_code == 403
    admin = client_as("ward_admin")
    refused = post(admin, report_world, url, {"decision": "refuse", "note": ""})
    assert refused.status_code == 422
    assert f'id="error-note-{extension.id}"' in refused.get_data(as_text=True)
    assert post(admin, report_world, url, {"decision": "grant", "note": "Đồng ý"}).status_code == 302
    db.expire_all()
    assert db.query(Extension).one().status == "granted"
    assert "Được chấp thuận" in text_of(head.get(page(report_world)))


@pytest.mark.parametrize("username", ["ward_admin", "city_admin"])
def test_admins_above_review_too(report_world, client_as, db, username):
    submitted(client_as, db, report_world)
    assert post(client_as(username), report_world, "/return", {"reason": REASON}).status_code == 302
    assert stored(db, report_world).returned_reason == REASON
