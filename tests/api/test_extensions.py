"""Deadlines and extensions through the API: late and closed submissions, asking for more time
and the admin's decision."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.db.types import utcnow
from core.notifications.models import Notification
from core.periods.models import ReportingPeriod
from core.reports import operations
from core.reports.models import Extension
from core.tenants.models import Tenant
from core.users.access import Access

from .helpers import error_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    HIDDEN,
    USERS,
    at_stage,
    expect,
    extensions_url,
    move_period,
    random_id,
    report_world_fixture,
    request_extension,
    stored_submission,
    thidua_config_fixture,
    url,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _closed_an_hour_ago(db, world) -> None:
    now = utcnow()
    move_period(db, world, due_at=now - timedelta(days=2), city_due_at=now - timedelta(days=2),
                closes_at=now - timedelta(hours=1))


# Deadline edges, to the second, in Hanoi time (the operation's clock is given)


def _submit_at(app, db, plugin_host, world, slug, head, now):
    with app.app_context():
        db.rollback()
        access = Access.for_user(db, world.user(head))
        period = db.get(ReportingPeriod, world.period.id)
        tenant = db.get(Tenant, world.tenant(slug).id)
        submission = operations.submit(db, access, plugin_host, tenant, period, now=now)
        db.commit()
        return submission


def test_exactly_at_due_at_is_on_time_and_a_second_later_is_late(app, api_as, report_world, db, plugin_host):
    due = datetime.combine((clock.now_in_hanoi() + timedelta(days=7)).date(), datetime.min.time(),
                           tzinfo=VN).replace(hour=17)
    move_period(db, report_world, due_at=due)
    at_stage(api_as, db, report_world, "complete")
    at_stage(api_as, db, report_world, "complete", slug="school-a2")
    on_time = _submit_at(app, db, plugin_host, report_world, "school-a1", "a1_head", due)
    late = _submit_at(app, db, plugin_host, report_world, "school-a2", "a2_head", due + timedelta(seconds=1))
    assert on_time.late is False and late.late is True
    assert expect(api_as("ward_reviewer").get(url(report_world)), 200)["late"] is False
    view = expect(api_as("ward_reviewer").get(url(report_world, slug="school-a2")), 200)
    assert view["late"] is True and view["status"] == "submitted"


def test_exactly_at_closes_at_is_accepted_and_a_second_later_refused(app, api_as, report_world, db,
                                                                       plugin_host):
    period = db.get(ReportingPeriod, report_world.period.id)
    closes = period.closes_at
    at_stage(api_as, db, report_world, "complete")
    at_stage(api_as, db, report_world, "complete", slug="school-a2")
    from core.errors import Conflict

    with pytest.raises(Conflict):
        _submit_at(app, db, plugin_host, report_world, "school-a2", "a2_head", closes + timedelta(seconds=1))
    db.rollback()
    accepted = _submit_at(app, db, plugin_host, report_world, "school-a1", "a1_head", closes)
    assert accepted.status == "submitted" and accepted.late is True


# The same edges through the API, with the period's dates moved


def test_after_due_at_the_api_accepts_and_flags_late(api_as, report_world, db):
    move_period(db, report_world, due_at=utcnow() - timedelta(minutes=1))
    at_stage(api_as, db, report_world, "complete")
    view = expect(api_as("a1_head").get(url(report_world)), 200)
    assert view["deadline"]["late"] is True and view["can"]["submit"] is True
    view = expect(api_as("a1_head").post(url(report_world, "/submit")), 200)
    assert view["late"] is True and view["status"] == "submitted"


def test_after_closes_at_saving_and_submitting_are_refused(api_as, report_world, db):
    at_stage(api_as, db, report_world, "complete")
    _closed_an_hour_ago(db, report_world)
    head = api_as("a1_head")
    view = expect(head.get(url(report_world)), 200)
    assert view["deadline"]["open"] is False
    assert view["can"]["fill"] is False and view["can"]["submit"] is False
    refused = head.post(url(report_world, "/submit"))
    assert refused.status_code == 409 and error_of(refused)["code"] == "conflict"
    saved = head.put(url(report_world), json={"version": view["version"], "sections": {"rpt.safety": {}}})
    assert saved.status_code == 409
    assert stored_submission(db, report_world).status == "draft"


def test_a_granted_extension_lets_the_unit_submit_late(api_as, report_world, db):
    at_stage(api_as, db, report_world, "complete")
    _closed_an_hour_ago(db, report_world)
    until = clock.now_in_hanoi() + timedelta(days=3)
    extension = request_extension(api_as, report_world, until)
    assert extension["status"] == "requested"
    head = api_as("a1_head")
    assert head.post(url(report_world, "/submit")).status_code == 409  # asked is not granted
    decision = expect(api_as("ward_admin").post(
        extensions_url(report_world, f"/{extension['id']}/decision"),
        json={"grant": True, "note": "Đồng ý gia hạn 3 ngày"}), 200)
    assert decision["status"] == "granted" and decision["decided_by_id"] == str(
        report_world.user("ward_admin").id)
    view = expect(head.get(url(report_world)), 200)
    assert view["deadline"]["open"] is True and view["deadline"]["extended_until"]
    view = expect(head.post(url(report_world, "/submit")), 200)
    assert view["status"] == "submitted" and view["late"] is True


def test_an_extension_past_its_date_no_longer_helps(api_as, report_world, db):
    at_stage(api_as, db, report_world, "complete")
    _closed_an_hour_ago(db, report_world)
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=3))
    expect(api_as("ward_admin").post(extensions_url(report_world, f"/{extension['id']}/decision"),
                                     json={"grant": True}), 200)
    db.rollback()
    stored = db.scalar(select(Extension).where(Extension.id == uuid.UUID(extension["id"])))
    stored.until = utcnow() - timedelta(seconds=1)  # the granted date has passed too
    db.commit()
    assert api_as("a1_head").post(url(report_world, "/submit")).status_code == 409


# Who asks and who decides


@pytest.mark.parametrize("username", USERS)
def test_who_asks_for_an_extension(api_as, report_world, db, username):
    until = (clock.now_in_hanoi() + timedelta(days=90)).isoformat()
    response = api_as(username).post(extensions_url(report_world), json={
        "reason": "Chờ số liệu của công an phường", "until": until})
    expected = 201 if username == "a1_head" else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    listing = expect(api_as("ward_admin").get(extensions_url(report_world)), 200)
    assert listing["total"] == (1 if expected == 201 else 0)
    if expected == 201:
        body = response.get_json()
        assert body["reason"] == "Chờ số liệu của công an phường"
        assert body["requested_by_id"] == str(report_world.user("a1_head").id)
        assert response.headers["Location"].endswith("/extensions")


@pytest.mark.parametrize("username", USERS)
def test_who_decides_an_extension(api_as, report_world, db, username):
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90))
    response = api_as(username).post(extensions_url(report_world, f"/{extension['id']}/decision"),
                                     json={"grant": False, "note": "Không có lý do chính đáng"})
    expected = 200 if username in ("ward_admin", "city_admin") else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    status = expect(api_as("a1_head").get(extensions_url(report_world)), 200)["items"][0]["status"]
    assert status == ("refused" if expected == 200 else "requested")


@pytest.mark.parametrize("username", USERS)
def test_who_reads_extensions(api_as, report_world, username):
    request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90))
    response = api_as(username).get(extensions_url(report_world))
    if username in HIDDEN:
        assert response.status_code == 404
    else:
        assert expect(response, 200)["total"] == 1


def test_the_decision_is_audited_and_told_to_the_unit(api_as, report_world, db):
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90))
    expect(api_as("city_admin").post(extensions_url(report_world, f"/{extension['id']}/decision"),
                                     json={"grant": False, "note": "Đã quá nhiều lần gia hạn"}), 200)
    db.rollback()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.object_id == extension["id"])
                         .order_by(AuditEntry.seq)).all()
    assert [(e.action, e.actor_label) for e in entries] == [
        ("extension.request", "a1_head"), ("extension.refuse", "city_admin")]
    assert entries[1].reason == "Đã quá nhiều lần gia hạn"
    notices = db.scalars(select(Notification).where(Notification.kind == "extension.refused")).all()
    assert {n.user_id for n in notices} == {report_world.user("a1_reporter").id,
                                            report_world.user("a1_head").id}
    assert all(n.body == "Đã quá nhiều lần gia hạn" for n in notices)


def test_one_request_waits_at_a_time_and_is_decided_once(api_as, report_world):
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90))
    again = api_as("a1_head").post(extensions_url(report_world), json={
        "reason": "Lần hai", "until": (clock.now_in_hanoi() + timedelta(days=95)).isoformat()})
    assert again.status_code == 409
    decide = extensions_url(report_world, f"/{extension['id']}/decision")
    expect(api_as("ward_admin").post(decide, json={"grant": True}), 200)
    assert api_as("ward_admin").post(decide, json={"grant": False, "note": "Đổi ý"}).status_code == 409


def test_a_decision_names_an_extension_of_this_unit(api_as, report_world):
    other = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90),
                              slug="school-a2")
    wrong_unit = api_as("ward_admin").post(extensions_url(report_world, f"/{other['id']}/decision"),
                                           json={"grant": True})
    assert wrong_unit.status_code == 404
    unknown = api_as("ward_admin").post(extensions_url(report_world, f"/{random_id()}/decision"),
                                        json={"grant": True})
    assert unknown.status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"until": "2099-01-01T00:00:00+07:00"}, "reason"),
    ({"reason": "  ", "until": "2099-01-01T00:00:00+07:00"}, "reason"),
    ({"reason": "Cần thêm thời gian"}, "until"),
    ({"reason": "Cần thêm thời gian", "until": "ngày mai"}, "until"),
    ({"reason": "Cần thêm thời gian", "until": "2000-01-01T00:00:00+07:00"}, "until"),
])
def test_a_bad_request_names_the_field(api_as, report_world, body, field):
    response = api_as("a1_head").post(extensions_url(report_world), json=body)
    assert response.status_code == 422 and list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "grant"), ({"grant": "có"}, "grant"), ({"grant": False}, "note"),
    ({"grant": False, "note": " "}, "note"),
])
def test_a_bad_decision_names_the_field(api_as, report_world, body, field):
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90))
    response = api_as("ward_admin").post(extensions_url(report_world, f"/{extension['id']}/decision"),
                                         json=body)
    assert response.status_code == 422 and list(error_of(response)["fields"]) == [field]


def test_until_without_an_offset_is_hanoi_time(api_as, report_world, db):
    period = db.get(ReportingPeriod, report_world.period.id)
    local = (period.closes_at.astimezone(VN) + timedelta(days=5)).replace(microsecond=0, tzinfo=None)
    response = api_as("a1_head").post(extensions_url(report_world), json={
        "reason": "Cần thêm thời gian", "until": local.isoformat()})
    body = expect(response, 201)
    assert datetime.fromisoformat(body["until"]) == local.replace(tzinfo=VN)
