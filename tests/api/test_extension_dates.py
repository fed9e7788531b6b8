"""Extensions that can actually be used: a grant whose date has passed is refused and the unit
is not told it was approved, and a reviewer who returns a report after closing gives the unit a
new deadline in the same step, so that it can send the report again."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core import clock
from core.db.types import utcnow
from core.notifications.models import Notification
from core.reports.models import Extension

from .helpers import error_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    REASON,
    at_stage,
    expect,
    extensions_url,
    move_period,
    report_world_fixture,
    request_extension,
    save,
    stored_submission,
    thidua_config_fixture,
    url,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _closed_an_hour_ago(db, world) -> None:
    now = utcnow()
    move_period(db, world, due_at=now - timedelta(days=2), city_due_at=now - timedelta(days=2),
                closes_at=now - timedelta(hours=1))


def _notices(db, kind: str) -> list[Notification]:
    db.rollback()
    return list(db.scalars(select(Notification).where(Notification.kind == kind)))


def test_a_grant_whose_date_has_passed_is_refused_and_the_unit_is_not_told(
        api_as, report_world, db):
    at_stage(api_as, db, report_world, "complete")
    _closed_an_hour_ago(db, report_world)
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=3))
    decision = extensions_url(report_world, f"/{extension['id']}/decision")
    with clock.frozen(utcnow() + timedelta(days=4)) as move_to:
        refused = api_as("ward_admin").post(decision, json={"grant": True, "note": "Đồng ý"})
        assert refused.status_code == 422
        error = error_of(refused)
        assert list(error["fields"]) == ["until"]
        assert "đã qua" in error["fields"]["until"][0]
        assert _notices(db, "extension.granted") == []
        db.rollback()
        assert db.scalar(select(Extension.status)) == "requested"
        assert api_as("a1_head").post(url(report_world, "/submit")).status_code == 409

        # Granted with a date ahead instead: the unit is told once, with that date, and can submit.
        until = clock.now_in_hanoi() + timedelta(days=6)
        granted = expect(api_as("ward_admin").post(decision, json={
            "grant": True, "until": until.isoformat(), "note": "Gia hạn thêm"}), 200)
        assert granted["status"] == "granted"
        assert abs(datetime.fromisoformat(granted["until"]) - until) < timedelta(seconds=1)
        told = _notices(db, "extension.granted")
        assert len(told) == 2  # the unit's reporter and head
        assert until.strftime("%d/%m/%Y %H:%M") in told[0].body
        move_to(utcnow() + timedelta(hours=1))
        view = expect(api_as("a1_head").post(url(report_world, "/submit")), 200)
        assert view["status"] == "submitted" and view["late"] is True


def test_a_grant_in_the_past_is_refused_even_for_another_date(api_as, report_world, db):
    at_stage(api_as, db, report_world, "complete")
    _closed_an_hour_ago(db, report_world)
    extension = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=3))
    response = api_as("ward_admin").post(extensions_url(report_world, f"/{extension['id']}/decision"),
                                         json={"grant": True, "until": "2020-01-01T17:00:00"})
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["until"]
    assert "01/01/2020 17:00" in error_of(response)["fields"]["until"][0]


def test_a_return_after_closing_grants_a_new_deadline_in_the_same_step(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    _closed_an_hour_ago(db, report_world)
    reviewer = api_as("ward_reviewer")
    assert expect(reviewer.get(url(report_world)), 200)["deadline"]["open"] is False

    past = reviewer.post(url(report_world, "/return"), json={
        "reason": REASON, "extension_until": (clock.now_in_hanoi() - timedelta(hours=2)).isoformat()})
    assert past.status_code == 422 and list(error_of(past)["fields"]) == ["extension_until"]
    assert stored_submission(db, report_world).status == "submitted"

    until = clock.now_in_hanoi() + timedelta(days=5)
    view = expect(reviewer.post(url(report_world, "/return"), json={
        "reason": REASON, "extension_until": until.isoformat()}), 200)
    assert view["status"] == "returned" and view["deadline"]["open"] is True
    told = _notices(db, "report.returned")
    assert len(told) == 2 and all(REASON in n.body and until.strftime("%d/%m/%Y %H:%M") in n.body
                                  for n in told)
    assert _notices(db, "extension.granted") == []  # told once, in the return's notice
    listing = expect(reviewer.get(extensions_url(report_world)), 200)
    assert [(e["status"], e["decided_by_id"]) for e in listing["items"]] == [
        ("granted", str(report_world.user("ward_reviewer").id))]

    head = api_as("a1_head")
    save(head, report_world, values={"plan_issued": True, "staff": 20, "trained": 18, "incidents": 0})
    assert expect(head.post(url(report_world, "/submit")), 200)["status"] == "submitted"


def test_a_return_after_closing_grants_the_request_waiting(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    _closed_an_hour_ago(db, report_world)
    waiting = request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=2))
    until = clock.now_in_hanoi() + timedelta(days=4)
    expect(api_as("ward_reviewer").post(url(report_world, "/return"), json={
        "reason": REASON, "extension_until": until.isoformat()}), 200)
    items = expect(api_as("a1_head").get(extensions_url(report_world)), 200)["items"]
    assert [(e["id"], e["status"]) for e in items] == [(waiting["id"], "granted")]
    assert abs(datetime.fromisoformat(items[0]["until"]) - until) < timedelta(seconds=1)


def test_without_an_extension_a_return_after_closing_leaves_the_unit_unable_to_resubmit(
        api_as, report_world, db):
    """What the offer prevents: the returned report could never be sent again."""
    at_stage(api_as, db, report_world, "submitted")
    _closed_an_hour_ago(db, report_world)
    view = expect(api_as("ward_reviewer").post(url(report_world, "/return"), json={"reason": REASON}), 200)
    assert view["deadline"]["open"] is False
    assert api_as("a1_head").post(url(report_world, "/submit")).status_code == 409


def test_an_extension_until_a_date_runs_to_the_end_of_that_day_in_hanoi(api_as, report_world, db):
    at_stage(api_as, db, report_world, "complete")
    _closed_an_hour_ago(db, report_world)
    day = (clock.now_in_hanoi() + timedelta(days=3)).date()
    request_extension(api_as, report_world, day)  # "until": "YYYY-MM-DD"
    db.rollback()
    until = db.scalar(select(Extension.until))
    assert until.astimezone(VN) == datetime.combine(day, time(23, 59, 59, 999999), tzinfo=VN)
