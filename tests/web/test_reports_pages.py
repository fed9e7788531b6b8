"""The report page of a unit: who sees it, saving a draft (inline errors, a concurrent change),
submitting with what is missing, comments, explanation and extension requests."""

from __future__ import annotations

import pytest

from core.reports.models import Comment, Extension
from core.reports.sections import sections_of

from .helpers import free_of_inline_code, text_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    attach_evidence,
    form_fields,
    page,
    post,
    report_world_fixture,
    save,
    stored,
    submitted,
    thidua_config_fixture,
    version_of,
)

READERS = ("a1_reporter", "a1_head", "ward_reviewer", "ward_admin", "city_admin", "city_viewer")
HIDDEN = ("a2_head", "commune_admin", "b1_reporter")


@pytest.mark.parametrize("username", READERS)
def test_the_report_page_renders_for_everyone_who_sees_the_unit(report_world, client_as, username):
    response = client_as(username).get(page(report_world))
    assert response.status_code == 200
    text = text_of(response)
    assert report_world.tenant("school-a1").name in text
    assert "An toàn về an ninh, trật tự" in text
    assert "Số cán bộ được tập huấn" in text
    html = response.get_data(as_text=True)
    may_fill = username in ("a1_reporter", "a1_head")
    assert ('name="rpt.safety--staff"' in html) is may_fill
    assert ("Ký gửi báo cáo" in text) is (username == "a1_head")


@pytest.mark.parametrize("username", HIDDEN)
def test_units_the_user_cannot_see_answer_404(report_world, client_as, username):
    client = client_as(username)
    assert client.get(page(report_world)).status_code == 404
    assert client.get(page(report_world, "/audit")).status_code == 404


def test_the_page_is_vietnamese_first_with_dates_in_hanoi_time_and_no_inline_code(report_world, client_as):
    response = client_as("a1_reporter").get(page(report_world))
    html = response.get_data(as_text=True)
    due = report_world.period.due_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert due.strftime("%d/%m/%Y %H:%M") in text_of(response)
    assert free_of_inline_code(html)
    assert "reports.css" in html and "report-draft.js" in html
    assert 'name="viewport"' in html
    english = client_as("a1_reporter").get(page(report_world) + "?lang=en")
    assert "Save draft" in text_of(english)


def test_the_nav_links_to_the_users_reports(report_world, client_as):
    client = client_as("a1_reporter")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/reports"' in home
    listing = client.get("/reports")
    assert listing.status_code == 200
    text = text_of(listing)
    assert report_world.tenant("school-a1").name in text
    assert report_world.tenant("school-a2").name not in text
    assert report_world.period.title in text
    assert page(report_world) in listing.get_data(as_text=True)


def test_saving_a_draft_persists_and_recomputes_the_score(report_world, client_as, db):
    client = client_as("a1_reporter")
    response = save(client, report_world, {"staff": 20, "trained": 5, "plan_issued": True})
    assert response.status_code == 302
    submission = stored(db, report_world)
    assert submission.version == 1
    page_text = text_of(client.get(page(report_world)))
    assert "Đã lưu bản nháp." in page_text
    html = client.get(page(report_world)).get_data(as_text=True)
    assert 'name="rpt.safety--trained" id="input-rpt-safety-trained" type="text" inputmode="numeric"' \
        ' value="5"' in " ".join(html.split())
    assert 'name="version" value="1"' in html


def test_invalid_values_answer_422_with_the_error_beside_the_field_and_nothing_saved(
    report_world, client_as, db,
):
    client = client_as("a1_reporter")
    response = save(client, report_world, {"staff": "mười", "trained": 5})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-rpt-safety-staff"' in html
    assert 'value="mười"' in html
    assert "Vui lòng sửa các mục được đánh dấu bên dưới." in text_of(response)
    assert stored(db, report_world) is None


def test_a_stale_version_answers_409_keeps_what_was_typed_and_explains(report_world, client_as, db):
    reporter, head = client_as("a1_reporter"), client_as("a1_head")
    read = version_of(reporter, report_world)
    assert save(head, report_world, {"staff": 30}).status_code == 302
    response = save(reporter, report_world, {"staff": 44, "trained": 7}, version=read)
    assert response.status_code == 409
    text = text_of(response)
    assert "Báo cáo vừa được người khác cập nhật" in text
    html = response.get_data(as_text=True)
    assert 'value="44"' in html and 'value="7"' in html
    # Nothing of the stale form was stored; saving again from the page now succeeds.
    kept = sections_of(db, stored(db, report_world))["rpt.safety"].values
    assert kept == {"plan_issued": False, "staff": 30}
    assert 'name="version" value="1"' in html
    assert save(reporter, report_world, {"staff": 44, "trained": 7}, version=1).status_code == 302


def test_submit_is_refused_with_the_missing_list_linking_to_fields(report_world, client_as, db):
    head = client_as("a1_head")
    assert save(head, report_world, {"staff": 20}).status_code == 302
    response = post(head, report_world, "/submit", {"confirm": "yes"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Còn thiếu để gửi báo cáo" in text
    assert "Chưa nhập: Số cán bộ được tập huấn." in text
    assert 'href="#field-rpt-safety-trained"' in response.get_data(as_text=True)
    assert stored(db, report_world).status == "draft"


def test_submit_needs_the_confirmation_box(report_world, client_as, db):
    head = client_as("a1_head")
    assert save(head, report_world).status_code == 302
    attach_evidence(db, report_world)
    response = post(head, report_world, "/submit", {})
    assert response.status_code == 422
    assert "Hãy đánh dấu xác nhận trước khi gửi báo cáo." in text_of(response)
    assert stored(db, report_world).status == "draft"
    assert post(head, report_world, "/submit", {"confirm": "yes"}).status_code == 302
    assert stored(db, report_world).status == "submitted"


def test_a_reporter_may_not_submit_and_a_viewer_may_not_save(report_world, client_as, db):
    reporter = client_as("a1_reporter")
    assert save(reporter, report_world).status_code == 302
    refused = post(reporter, report_world, "/submit", {"confirm": "yes"})
    assert refused.status_code == 403
    viewer = client_as("city_viewer")
    html = viewer.get(page(report_world)).get_data(as_text=True)
    assert "Lưu nháp" not in html
    token_page = viewer.get(page(report_world))
    assert token_page.status_code == 200
    response = post(viewer, report_world, "", {"version": "1", **form_fields({"staff": 1})})
    assert response.status_code == 403
    assert stored(db, report_world).version == 1


def test_a_submitted_report_shows_no_save_button(report_world, client_as, db):
    head = submitted(client_as, db, report_world)
    response = head.get(page(report_world))
    text = text_of(response)
    assert "Đã gửi" in text
    assert "Lưu nháp" not in text
    assert "20 người" in text


def test_comments_on_the_report_and_on_a_criterion(report_world, client_as, db):
    client = client_as("a1_reporter")
    assert save(client, report_world).status_code == 302
    empty = post(client, report_world, "/comments", {"body": "  "})
    assert empty.status_code == 422
    assert 'id="error-comment-body"' in empty.get_data(as_text=True)
    response = post(client, report_world, "/comments",
                    {"body": "Đã bổ sung danh sách tập huấn", "criterion": "rpt.safety.trained"})
    assert response.status_code == 302
    text = text_of(client.get(page(report_world)))
    assert "Đã bổ sung danh sách tập huấn" in text
    assert "An toàn về an ninh, trật tự — Số cán bộ được tập huấn" in text
    db.expire_all()
    assert db.query(Comment).filter_by(criterion="rpt.safety.trained").count() == 1


def test_the_head_asks_for_an_extension(report_world, client_as, db):
    head = client_as("a1_head")
    missing = post(head, report_world, "/extensions", {"reason": "", "until": ""})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert 'id="error-extension-until"' in html and 'id="error-extension-reason"' in html
    response = post(head, report_world, "/extensions",
                    {"reason": "Nhân sự phụ trách nghỉ ốm", "until": "2027-02-15T17:00"})
    assert response.status_code == 302, response.get_data(as_text=True)
    text = text_of(head.get(page(report_world)))
    assert "Nhân sự phụ trách nghỉ ốm" in text
    assert "15/02/2027 17:00" in text
    assert "Chờ quyết định" in text
    db.expire_all()
    assert db.query(Extension).count() == 1
    reporter_html = client_as("a1_reporter").get(page(report_world)).get_data(as_text=True)
    assert 'id="extension-form"' not in reporter_html


def test_targets_of_the_plan_period_show_beside_each_field(report_world, client_as, db):
    from core.periods.models import ReportingPeriod
    from core.reports.models import Section, Submission

    period = db.get(ReportingPeriod, report_world.period.id)
    plan = ReportingPeriod(
        owner_tenant_id=period.owner_tenant_id, key="2026-ke-hoach", kind="plan", title="Kế hoạch 2026",
        opens_at=period.opens_at, due_at=period.due_at, city_due_at=period.city_due_at,
        closes_at=period.closes_at, state="closed",
    )
    db.add(plan)
    db.flush()
    tenant = report_world.tenant("school-a1")
    submission = Submission(tenant_id=tenant.id, period_id=plan.id, status="approved", version=1)
    db.add(submission)
    db.flush()
    db.add(Section(tenant_id=tenant.id, submission_id=submission.id, set_key="rpt.safety", set_version=1,
                   values={"trained": 25}))
    period.plan_period_id = plan.id
    db.commit()
    text = text_of(client_as("a1_reporter").get(page(report_world)))
    assert "Chỉ tiêu: 25 người" in text


@pytest.mark.parametrize("username", ["a1_head", "ward_admin"])
def test_every_report_page_is_free_of_inline_code_and_forms_carry_a_csrf_token(
    report_world, client_as, db, username,
):
    submitted(client_as, db, report_world)
    client = client_as(username)
    urls = ["/reports", page(report_world), page(report_world, "/audit")]
    if username == "ward_admin":
        urls.append(f"/periods/{report_world.period.id}/queue")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert free_of_inline_code(html), url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        posts = html.count('method="post"')
        assert posts >= 1 and html.count('name="csrf_token"') >= posts, url


def test_the_list_shows_only_units_asked_for_a_report(report_world, client_as):
    # The city sets the period up but fills no criteria set itself; the ward fills rpt.safety.
    city_text = text_of(client_as("city_admin").get("/reports"))
    assert "Đơn vị của bạn chưa có báo cáo nào trong các kỳ đang mở." in city_text
    assert report_world.period.title in city_text  # the queue link of the period
    ward = client_as("ward_reviewer").get("/reports").get_data(as_text=True)
    assert page(report_world, slug="ward-a") in ward
    assert f"/periods/{report_world.period.id}/queue" in ward


def test_a_form_posted_without_its_csrf_token_is_refused(report_world, client_as, db):
    client = client_as("a1_reporter")
    response = client.post(page(report_world), data={"version": "0", **form_fields({"staff": 3})})
    assert response.status_code == 400
    assert "mã bảo vệ" in text_of(response)
    assert stored(db, report_world) is None
