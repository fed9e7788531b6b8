"""A user's notices through the API and the web page: only their own, newest first, the unread
count, marking read (even as a viewer, who may write nothing else); a job's status for its
starter only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db.types import utcnow
from core.jobs.backends import submit
from core.notifications.models import Notification
from core.testing import csrf_token_from


def _notice(db, world, username, slug, title, minutes_ago=0) -> Notification:
    notice = Notification(tenant_id=world.tenant(slug).id, user_id=world.user(username).id,
                          kind="report.returned", title=title, body="Lý do: thiếu số liệu",
                          link="/reports/x/y", created_at=utcnow() - timedelta(minutes=minutes_ago))
    db.add(notice)
    db.commit()
    return notice


def test_list_is_mine_newest_first_with_the_unread_count(api_as, db, world):
    _notice(db, world, "a1_head", "school-a1", "Cũ", minutes_ago=30)
    _notice(db, world, "a1_head", "school-a1", "Mới", minutes_ago=1)
    _notice(db, world, "a2_head", "school-a2", "Của trường A2")
    response = api_as("a1_head").get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.get_json()
    assert [n["title"] for n in body["items"]] == ["Mới", "Cũ"]
    assert body["unread"] == 2 and body["items"][0]["read"] is False


def test_mark_one_read_and_someone_elses_is_404(api_as, db, world):
    mine = _notice(db, world, "a1_head", "school-a1", "Của tôi")
    theirs = _notice(db, world, "a2_head", "school-a2", "Của người khác")
    client = api_as("a1_head")
    response = client.post(f"/api/v1/notifications/{mine.id}/read")
    assert response.status_code == 200 and response.get_json()["read"] is True
    assert client.post(f"/api/v1/notifications/{theirs.id}/read").status_code == 404
    db.expire_all()
    assert db.get(Notification, (theirs.tenant_id, theirs.id)).read_at is None
    assert client.get("/api/v1/notifications?unread=true").get_json() == {"items": [], "unread": 0}


def test_a_viewer_marks_all_their_notices_read(api_as, db, world):
    _notice(db, world, "city_viewer", "ha-noi", "Một")
    _notice(db, world, "city_viewer", "ha-noi", "Hai")
    other = _notice(db, world, "city_admin", "ha-noi", "Của quản trị")
    response = api_as("city_viewer").post("/api/v1/notifications/read-all")
    assert response.status_code == 200 and response.get_json() == {"marked": 2, "unread": 0}
    db.expire_all()
    assert db.get(Notification, (other.tenant_id, other.id)).read_at is None


def test_job_status_only_for_the_user_who_started_it(app, api_as, db, world):
    with app.app_context():
        job = submit(db, "notifications.send_outbox", {}, actor_id=world.user("ward_admin").id)
        db.commit()
    response = api_as("ward_admin").get(f"/api/v1/jobs/{job.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "queued" and body["name"] == "notifications.send_outbox"
    assert api_as("city_admin").get(f"/api/v1/jobs/{job.id}").status_code == 404


def test_the_page_lists_my_notices_and_marks_them_read(client_as, db, world):
    _notice(db, world, "a1_reporter", "school-a1", "Báo cáo bị trả lại")
    _notice(db, world, "a2_reporter", "school-a2", "Không phải của tôi")
    client = client_as("a1_reporter")
    page = client.get("/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Báo cáo bị trả lại" in html and "Lý do: thiếu số liệu" in html
    assert "Không phải của tôi" not in html
    assert "Thông báo (1)" in html  # the navigation shows the unread count
    response = client.post("/notifications/read-all", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert db.scalar(select(Notification.read_at).where(
        Notification.user_id == world.user("a1_reporter").id)) is not None
    assert "Bạn đã đọc hết thông báo." in client.get("/notifications").get_data(as_text=True)


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client_as, db, world):
    notice = _notice(db, world, "a1_reporter", "school-a1", "Mở tôi")
    client = client_as("a1_reporter")
    token = csrf_token_from(client.get("/notifications").get_data(as_text=True))
    response = client.post(f"/notifications/{notice.id}/read", data={"csrf_token": token, "open": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/x/y")
    other = _notice(db, world, "a2_reporter", "school-a2", "Của A2")
    assert client.post(f"/notifications/{other.id}/read", data={"csrf_token": token}).status_code == 404
