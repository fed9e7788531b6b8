"""``/periods``: who sees and runs which period, date validation and the lifecycle."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.periods import operations as period_ops
from core.periods.models import ARCHIVED, CLOSED, ReportingPeriod
from core.users.access import SystemAccess

from .helpers import error_of, ids_of


def _stored(db, period_id) -> ReportingPeriod | None:
    db.rollback()
    db.expire_all()
    return db.scalar(select(ReportingPeriod).where(ReportingPeriod.id == uuid.UUID(str(period_id))))


def _create(client, body, status=201) -> dict:
    response = client.post("/api/v1/periods", json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


# Reading


@pytest.mark.parametrize("username", ["city_viewer", "ward_admin", "a1_reporter", "b1_reporter",
                                      "edu_reviewer"])
def test_everyone_sees_the_city_period(api_as, world, username):
    client = api_as(username)
    assert ids_of(client.get("/api/v1/periods")) == {str(world.period.id)}
    body = client.get(f"/api/v1/periods/{world.period.id}").get_json()
    assert body["key"] == world.period.key
    assert body["state"] == "open"
    assert body["owner_tenant_id"] == str(world.tenant("ha-noi").id)


def test_a_ward_period_is_seen_below_the_ward_and_above_it_only(api_as, world, period_body):
    created = _create(api_as("ward_admin"), period_body())
    assert created["owner_tenant_id"] == str(world.tenant("ward-a").id)
    for username in ("ward_reviewer", "a1_reporter", "a2_head", "city_viewer"):
        response = api_as(username).get(f"/api/v1/periods/{created['id']}")
        assert response.status_code == 200, username
        assert created["id"] in ids_of(api_as(username).get("/api/v1/periods"))
    for username in ("commune_admin", "b1_reporter", "edu_reviewer"):
        response = api_as(username).get(f"/api/v1/periods/{created['id']}")
        assert response.status_code == 404, username
        assert created["id"] not in ids_of(api_as(username).get("/api/v1/periods"))


def test_a_random_period_id_answers_404(api_as, world):
    response = api_as("city_admin").get(f"/api/v1/periods/{uuid.uuid4()}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# Creating


def test_city_admin_creates_a_draft_owned_by_the_city(api_as, world, db, period_body):
    response = api_as("city_admin").post("/api/v1/periods", json=period_body(description="Mô tả"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "draft"
    assert body["owner_tenant_id"] == str(world.tenant("ha-noi").id)
    assert body["description"] == "Mô tả"
    assert body["opens_at"] == "2027-03-01T01:00:00+00:00"  # 08:00 in Hanoi
    assert response.headers["Location"].endswith(f"/api/v1/periods/{body['id']}")
    stored = _stored(db, body["id"])
    assert stored is not None and stored.key == "2027-thematic"
    assert db.scalar(select(AuditEntry).where(
        AuditEntry.action == "period.create", AuditEntry.object_id == body["id"])) is not None


def test_a_datetime_without_offset_is_read_as_hanoi_time(api_as, world, period_body):
    body = _create(api_as("city_admin"), period_body(
        opens_at="2027-03-01T08:00:00", due_at="2027-03-20T17:00:00",
        city_due_at="2027-03-31T17:00:00", closes_at="2027-04-15T17:00:00",
    ))
    assert body["opens_at"] == "2027-03-01T01:00:00+00:00"


def test_an_admin_may_name_a_unit_below_as_owner(api_as, world, period_body):
    body = _create(api_as("ward_admin"), period_body(owner=str(world.tenant("school-a1").id)))
    assert body["owner_tenant_id"] == str(world.tenant("school-a1").id)


@pytest.mark.parametrize("owner", ["commune-b", "ha-noi", None])
def test_an_owner_the_caller_cannot_see_answers_404(api_as, world, db, period_body, owner):
    owner_id = str(world.tenant(owner).id) if owner else str(uuid.uuid4())
    response = api_as("ward_admin").post("/api/v1/periods", json=period_body(owner=owner_id))
    assert response.status_code == 404
    assert db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == "2027-thematic")) is None


@pytest.mark.parametrize(("username", "owner"), [
    ("ward_reporter", None), ("a1_head", None), ("city_viewer", None), ("ward_reviewer", "ward-a"),
    ("city_reviewer", "ha-noi"),
])
def test_non_admins_may_not_create(api_as, world, db, period_body, username, owner):
    body = period_body(owner=str(world.tenant(owner).id) if owner else ...)
    response = api_as(username).post("/api/v1/periods", json=body)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert _stored(db, uuid.uuid4()) is None
    assert db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == "2027-thematic")) is None


@pytest.mark.parametrize(("change", "field"), [
    ({"due_at": "2027-02-01T08:00:00+07:00"}, "due_at"),
    ({"city_due_at": "2027-03-10T08:00:00+07:00"}, "city_due_at"),
    ({"closes_at": "2027-03-20T08:00:00+07:00"}, "closes_at"),
    ({"window_start": "2026-12-31", "window_end": "2026-01-01"}, "window_end"),
    ({"opens_at": "1 tháng 3"}, "opens_at"),
    ({"window_start": "2026-13-01"}, "window_start"),
    ({"kind": "monthly"}, "kind"),
    ({"key": "A"}, "key"),
    ({"title": ""}, "title"),
    ({"title": ...}, "title"),
    ({"owner": "city"}, "owner"),
    ({"state": "open"}, "state"),
    ({"owner_tenant_id": "00000000-0000-0000-0000-000000000000"}, "owner_tenant_id"),
])
def test_invalid_input_answers_422_naming_the_field(api_as, world, db, period_body, change, field):
    response = api_as("city_admin").post("/api/v1/periods", json=period_body(**change))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == "2027-thematic")) is None


def test_a_key_in_use_answers_422_key(api_as, world, period_body):
    response = api_as("city_admin").post("/api/v1/periods", json=period_body(key=world.period.key))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["key"]


# Changing


def test_admin_of_the_owner_patches_some_fields(api_as, world, db):
    response = api_as("city_admin").patch(
        f"/api/v1/periods/{world.period.id}", json={"title": "Báo cáo năm (sửa)", "description": "Mới"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["title"] == "Báo cáo năm (sửa)"
    stored = _stored(db, world.period.id)
    assert (stored.title, stored.description, stored.key) == ("Báo cáo năm (sửa)", "Mới", world.period.key)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "period.update"))
    assert entry.changes["title"][1] == "Báo cáo năm (sửa)"


def test_put_is_an_alias_of_patch(api_as, world, db):
    response = api_as("city_admin").put(f"/api/v1/periods/{world.period.id}", json={"title": "Tên mới"})
    assert response.status_code == 200
    assert _stored(db, world.period.id).title == "Tên mới"


def test_a_patch_is_checked_against_the_stored_dates(api_as, world, db):
    before = _stored(db, world.period.id).closes_at
    # A year back by days: replace(year=…) has no 29 February to land on in most years.
    too_early = (world.period.city_due_at - timedelta(days=365)).isoformat()
    response = api_as("city_admin").patch(
        f"/api/v1/periods/{world.period.id}", json={"closes_at": too_early})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["closes_at"]
    assert _stored(db, world.period.id).closes_at == before


@pytest.mark.parametrize(("change", "field"), [
    ({"key": "khac-di"}, "key"),
    ({"state": "archived"}, "state"),
    ({"owner": None}, "owner"),
    ({"due_at": "mai"}, "due_at"),
])
def test_a_patch_may_not_touch_the_key_state_or_owner(api_as, world, db, change, field):
    response = api_as("city_admin").patch(f"/api/v1/periods/{world.period.id}", json=change)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]
    stored = _stored(db, world.period.id)
    assert (stored.key, stored.state) == (world.period.key, "open")


@pytest.mark.parametrize("username", ["ward_admin", "city_reviewer", "city_viewer", "a1_reporter"])
def test_callers_who_see_but_do_not_run_the_period_get_403(api_as, world, db, username):
    client = api_as(username)
    for method, url in (("PATCH", ""), ("PUT", ""), ("POST", "/close"), ("POST", "/open")):
        response = client.open(f"/api/v1/periods/{world.period.id}{url}", method=method,
                               json={"title": "Bị sửa"} if method != "POST" else {})
        assert response.status_code == 403, (username, method, url)
        assert error_of(response)["code"] == "forbidden"
    stored = _stored(db, world.period.id)
    assert (stored.title, stored.state) == (world.period.title, "open")


def test_callers_who_do_not_see_the_period_get_404(api_as, world, period_body):
    created = _create(api_as("ward_admin"), period_body())
    client = api_as("commune_admin")
    for method, url in (("PATCH", ""), ("POST", "/open")):
        response = client.open(f"/api/v1/periods/{created['id']}{url}", method=method, json={})
        assert response.status_code == 404


# Lifecycle


def test_draft_open_closed_and_open_again(api_as, world, db, period_body):
    client = api_as("ward_admin")
    period = _create(client, period_body())
    base = f"/api/v1/periods/{period['id']}"

    response = client.post(f"{base}/close")
    assert response.status_code == 409  # a draft cannot be closed
    assert error_of(response)["code"] == "conflict"

    response = client.post(f"{base}/open")
    assert response.status_code == 200
    assert response.get_json()["state"] == "open"
    again = client.post(f"{base}/open")
    assert again.status_code == 409
    # The states are named as people read them, never by their codes.
    assert error_of(again)["message"] == "Kỳ báo cáo đang ở trạng thái đang mở không thể chuyển sang đang mở."

    response = client.post(f"{base}/close", json={"reason": "Hết hạn nộp"})
    assert response.status_code == 200
    assert response.get_json()["state"] == "closed"
    assert _stored(db, period["id"]).state == CLOSED
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "period.closed",
                                               AuditEntry.object_id == period["id"]))
    assert entry.reason == "Hết hạn nộp"
    assert entry.actor_label == "ward_admin"

    # A closed period reopens only with a reason (the next snapshot version carries it).
    for body in (None, {"reason": "  "}):
        refused = client.post(f"{base}/open", json=body)
        assert refused.status_code == 422 and "reason" in error_of(refused)["fields"]
        assert _stored(db, period["id"]).state == CLOSED
    response = client.post(f"{base}/open", json={"reason": "Gia hạn cho các trường"})
    assert response.status_code == 200
    assert response.get_json()["state"] == "open"
    assert _stored(db, period["id"]).state == "open"


def test_archiving_is_not_offered_and_an_archived_period_is_frozen(api_as, world, db):
    client = api_as("city_admin")
    base = f"/api/v1/periods/{world.period.id}"
    assert client.post(f"{base}/archive").status_code == 404

    period = _stored(db, world.period.id)
    system = SystemAccess(db=db, user=None)
    period_ops.transition(db, system, period, CLOSED)
    period_ops.transition(db, system, period, ARCHIVED)
    db.commit()

    for method, url in (("POST", "/open"), ("POST", "/close"), ("PATCH", "")):
        response = client.open(f"{base}{url}", method=method, json={})
        assert response.status_code == 409, (method, url)
        assert error_of(response)["code"] == "conflict"
    assert _stored(db, world.period.id).state == ARCHIVED


def test_a_transition_reason_is_validated(api_as, world):
    response = api_as("city_admin").post(
        f"/api/v1/periods/{world.period.id}/close", json={"reason": "x" * 2001})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["reason"]
