"""The reviewer's queue: filters, bulk approval with one reason and results per unit."""

from __future__ import annotations

import uuid

from core.testing.fixtures import csrf_token_from

from .helpers import audit_actions, text_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    report_world_fixture,
    stored,
    submitted,
    thidua_config_fixture,
)


def queue(world, query: str = "") -> str:
    return f"/periods/{world.period.id}/queue" + (f"?{query}" if query else "")


def test_the_queue_lists_the_units_below_with_their_status(report_world, client_as, db):
    submitted(client_as, db, report_world)
    response = client_as("ward_reviewer").get(queue(report_world))
    assert response.status_code == 200
    text = text_of(response)
    assert report_world.tenant("school-a1").name in text
    assert report_world.tenant("school-a2").name in text
    assert report_world.tenant("enterprise-b1").name not in text
    assert "Đã gửi" in text and "Chưa bắt đầu" in text
    html = response.get_data(as_text=True)
    assert f'value="{report_world.tenant("school-a1").id}"' in html
    assert f'value="{report_world.tenant("school-a2").id}" id="pick-' not in html


def test_filters_kind_under_status_and_late(report_world, client_as, db):
    submitted(client_as, db, report_world)
    admin = client_as("city_admin")
    a1, a2 = report_world.tenant("school-a1").name, report_world.tenant("school-a2").name
    b1 = report_world.tenant("enterprise-b1").name
    everything = text_of(admin.get(queue(report_world)))
    assert a1 in everything and b1 in everything
    schools = text_of(admin.get(queue(report_world, "kind=school")))
    assert a1 in schools and a2 in schools and b1 not in schools
    under = text_of(admin.get(queue(report_world, f"under={report_world.tenant('commune-b').id}")))
    assert b1 in under and a1 not in under
    sent = text_of(admin.get(queue(report_world, "status=submitted")))
    assert a1 in sent and a2 not in sent
    not_started = text_of(admin.get(queue(report_world, "status=missing&kind=school")))
    assert a2 in not_started and a1 not in not_started
    on_time = text_of(admin.get(queue(report_world, "late=false")))
    assert a1 in on_time and a2 not in on_time
    late = text_of(admin.get(queue(report_world, "late=true")))
    assert a1 not in late
    assert admin.get(queue(report_world, "status=lost")).status_code == 422


def test_bulk_approve_with_one_reason_shows_results_per_unit(report_world, client_as, db):
    submitted(client_as, db, report_world)
    submitted(client_as, db, report_world, "school-a2")
    reviewer = client_as("ward_reviewer")
    html = reviewer.get(queue(report_world)).get_data(as_text=True)
    ids = [str(report_world.tenant(s).id) for s in ("school-a1", "school-a2")]
    token = csrf_token_from(html)
    # Nothing chosen is refused; a comment is optional, as in a single approval.
    refused = reviewer.post(queue(report_world), data={"csrf_token": token, "reason": "Đồng ý"})
    assert refused.status_code == 422
    assert 'id="error-bulk-reason"' in refused.get_data(as_text=True)
    assert stored(db, report_world).status == "submitted"
    stranger = str(uuid.uuid4())
    response = reviewer.post(queue(report_world), data={
        "csrf_token": token, "tenants": [*ids, stranger], "reason": "Đạt yêu cầu đợt 1"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Kết quả duyệt" in text
    assert f"{report_world.tenant('school-a1').name}: Đã duyệt" in text
    assert f"{stranger}: Không tìm thấy đơn vị." in text
    assert stored(db, report_world).status == "approved"
    assert stored(db, report_world, "school-a2").status == "approved"
    entries = audit_actions(db, "report.approve")
    assert len(entries) == 2 and {e.reason for e in entries} == {"Đạt yêu cầu đợt 1"}


def test_the_queue_refuses_units_staff_and_unknown_periods(report_world, client_as):
    assert client_as("a1_reporter").get(queue(report_world)).status_code == 403
    assert client_as("ward_reviewer").get(f"/periods/{uuid.uuid4()}/queue").status_code == 404
    commune = report_world.tenant("commune-b").id
    hidden = client_as("ward_reviewer").get(queue(report_world, f"under={commune}"))
    assert hidden.status_code == 404


def test_a_viewer_reads_the_list_of_the_units_below_but_approves_nothing(report_world, client_as, db):
    submitted(client_as, db, report_world)
    viewer = client_as("city_viewer")
    response = viewer.get(queue(report_world))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "Báo cáo của các đơn vị trực thuộc" in text
    school = report_world.tenant("school-a1").id
    assert f'href="/tenants/{school}/periods/{report_world.period.id}/report"' in html
    assert 'id="bulk-form"' not in html and 'name="tenants"' not in html
    token = csrf_token_from(html)
    refused = viewer.post(queue(report_world), data={
        "csrf_token": token, "tenants": [str(report_world.tenant("school-a1").id)]})
    assert refused.status_code == 403
    assert stored(db, report_world).status == "submitted"


def test_the_queue_writes_a_score_the_readers_way(report_world, client_as, db):
    # "81,48" in Vietnamese and "81.48" in English, never Python's "81.48" on a Vietnamese page.
    from sqlalchemy import update

    from core.reports.models import Submission

    submitted(client_as, db, report_world)
    db.execute(update(Submission).where(Submission.tenant_id == report_world.tenant("school-a1").id)
               .values(self_score=81.48))
    db.commit()
    reviewer = client_as("ward_reviewer")
    for lang, written, not_written in (("vi", "81,48", "81.48"), ("en", "81.48", "81,48")):
        page = text_of(reviewer.get(queue(report_world, f"status=submitted&lang={lang}")))
        row = page.split("Trường THCS A1", 1)[1]
        assert written in row and not_written not in row, lang
