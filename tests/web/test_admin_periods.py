"""/admin/periods: create, edit, open and close through the forms."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.periods.models import ReportingPeriod
from tests.web.helpers import audit_actions, post_form, text_of

VN = ZoneInfo("Asia/Ho_Chi_Minh")

NEW = {
    "key": "2027-chuyen-de", "kind": "thematic", "title": "Chuyên đề an ninh mạng 2027",
    "description": "", "window_start": "2027-01-01", "window_end": "2027-06-30",
    "opens_at": "2027-01-05T08:00", "due_at": "2027-07-10T17:00",
    "city_due_at": "2027-07-20T17:00", "closes_at": "2027-07-31T23:59",
}


def find(db, key: str) -> ReportingPeriod | None:
    db.expire_all()
    return db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == key))


@pytest.mark.parametrize("username", ["a1_reporter", "city_reviewer", "ward_head"])
def test_non_admins_are_refused(client_as, username):
    assert client_as(username).get("/admin/periods").status_code == 403


def test_creating_a_period_reads_times_as_hanoi_time_and_is_audited(client_as, world, db):
    client = client_as("city_admin")
    response = post_form(client, "/admin/periods", "/admin/periods", NEW)
    assert response.status_code == 302, text_of(response)
    period = find(db, "2027-chuyen-de")
    assert period is not None
    assert period.state == "draft"
    assert period.owner_tenant_id == world.tenant("ha-noi").id
    # A deadline typed to the minute covers that whole minute.
    assert period.due_at == datetime(2027, 7, 10, 17, 0, 59, 999999, tzinfo=VN)
    assert period.window_end.isoformat() == "2027-06-30"
    assert [e.object_id for e in audit_actions(db, "period.create")][-1] == str(period.id)
    listing = text_of(client.get("/admin/periods"))
    assert "Chuyên đề an ninh mạng 2027" in listing
    assert "Hạn nộp của đơn vị 10/07/2027 17:00" in listing


def test_dates_out_of_order_are_inline_errors_with_422(client_as, db):
    data = {**NEW, "due_at": "2027-01-01T08:00"}
    response = post_form(client_as("city_admin"), "/admin/periods", "/admin/periods", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="due_at-error"' in html
    assert "Không được sớm hơn thời điểm mở." in text_of(response)
    assert find(db, NEW["key"]) is None


def test_missing_and_malformed_fields_are_inline(client_as, db):
    data = {**NEW, "title": "", "key": "Có Dấu", "closes_at": "ngày mai"}
    response = post_form(client_as("city_admin"), "/admin/periods", "/admin/periods", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html and "Vui lòng điền mục này." in html
    assert 'id="closes_at-error"' in html and "Ngày giờ không hợp lệ." in html
    assert find(db, "Có Dấu") is None


def test_a_second_period_with_the_same_key_is_refused(client_as, world):
    data = {**NEW, "key": world.period.key}
    response = post_form(client_as("city_admin"), "/admin/periods", "/admin/periods", data)
    assert response.status_code == 422
    assert "Đã có kỳ báo cáo với mã này." in text_of(response)


def test_editing_a_period(client_as, world, db):
    client = client_as("city_admin")
    url = f"/admin/periods/{world.period.id}/edit"
    form = client.get(url)
    assert form.status_code == 200
    assert world.period.key in text_of(form)
    data = {**NEW, "title": "Báo cáo năm (đã sửa)", "key": "khong-doi-duoc"}
    response = post_form(client, url, url, data)
    assert response.status_code == 302, text_of(response)
    period = find(db, world.period.key)
    assert period.title == "Báo cáo năm (đã sửa)"
    assert period.city_due_at == datetime(2027, 7, 20, 17, 0, 59, 999999, tzinfo=VN)
    assert find(db, "khong-doi-duoc") is None
    assert audit_actions(db, "period.update")


def test_edit_errors_are_inline(client_as, world):
    url = f"/admin/periods/{world.period.id}/edit"
    data = {**NEW, "closes_at": "2027-01-01T00:00"}
    response = post_form(client_as("city_admin"), url, url, data)
    assert response.status_code == 422
    assert 'id="closes_at-error"' in response.get_data(as_text=True)


def test_closing_and_reopening(client_as, world, db):
    client = client_as("city_admin")
    action = f"/admin/periods/{world.period.id}/state"
    assert post_form(client, "/admin/periods", action, {"state": "closed"}).status_code == 302
    assert find(db, world.period.key).state == "closed"
    # Reopening needs a reason: without one the period stays closed.
    assert post_form(client, "/admin/periods", action, {"state": "open"}).status_code == 302
    assert find(db, world.period.key).state == "closed"
    reopened = post_form(client, "/admin/periods", action, {"state": "open", "reason": "Gia hạn"})
    assert reopened.status_code == 302
    assert find(db, world.period.key).state == "open"
    assert audit_actions(db, "period.closed") and len(audit_actions(db, "period.open")) == 2


def test_a_move_the_lifecycle_forbids_is_reported(client_as, world, db):
    client = client_as("city_admin")
    response = post_form(client, "/admin/periods", f"/admin/periods/{world.period.id}/state",
                         {"state": "archived"})
    assert response.status_code == 302
    assert find(db, world.period.key).state == "open"
    assert 'class="flash flash-error"' in client.get("/admin/periods").get_data(as_text=True)


def test_a_ward_admin_sees_the_city_period_but_may_not_change_it(client_as, world, db):
    client = client_as("ward_admin")
    listing = client.get("/admin/periods")
    assert listing.status_code == 200
    assert world.period.title in text_of(listing)
    assert f"/admin/periods/{world.period.id}/edit" not in listing.get_data(as_text=True)
    assert client.get(f"/admin/periods/{world.period.id}/edit").status_code == 403
    response = post_form(client, "/admin/periods", f"/admin/periods/{world.period.id}/state",
                         {"state": "closed"})
    assert response.status_code == 403
    assert find(db, world.period.key).state == "open"


def test_a_period_of_a_sibling_is_not_found(client_as, world, db):
    client = client_as("commune_admin")
    created = post_form(client, "/admin/periods", "/admin/periods", {**NEW, "key": "xa-b-2027"})
    assert created.status_code == 302
    period = find(db, "xa-b-2027")
    ward = client_as("ward_admin")
    assert ward.get(f"/admin/periods/{period.id}/edit").status_code == 404
    assert "xa-b-2027" not in ward.get("/admin/periods").get_data(as_text=True)
    assert ward.get("/admin/periods/not-a-uuid/edit").status_code == 404
