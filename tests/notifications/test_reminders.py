"""Deadline reminders at 14, 7 and 1 Hanoi calendar days before due_at, to units that have not
submitted, once per threshold, through the job layer (rq with REDIS_URL, in-process otherwise)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.db.types import utcnow
from core.jobs.backends import submit
from core.jobs.testing import drain
from core.notifications.models import Notification, OutboxMessage
from core.notifications.reminders import days_left, threshold, units_to_remind
from core.periods import models as period_models
from core.reports.models import Submission

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def due_day(db, drill_world):
    """Moves the world's period to be due at 17:00 (Hanoi) twenty days from now; returns that day."""
    day = (utcnow().astimezone(VN) + timedelta(days=20)).date()
    period = drill_world.period
    period.due_at = datetime.combine(day, time(17, 0), tzinfo=VN)
    db.commit()
    return day


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


def test_days_are_hanoi_calendar_days(drill_world, due_day):
    period = drill_world.period
    assert days_left(period, at(due_day - timedelta(days=1), 23, 59)) == 1
    assert days_left(period, at(due_day - timedelta(days=2), 23, 59)) == 2
    # 00:30 in Hanoi is still the previous day in UTC: the Hanoi date counts.
    assert days_left(period, at(due_day - timedelta(days=1), 0, 30)) == 1
    assert threshold(period, at(due_day - timedelta(days=1), 0, 30)) == 1
    assert threshold(period, at(due_day - timedelta(days=2), 23, 59)) == 7
    assert threshold(period, at(due_day - timedelta(days=14), 0, 0)) == 14
    assert threshold(period, at(due_day - timedelta(days=15), 23, 59)) is None
    assert threshold(period, at(due_day, 16, 0)) == 1  # due today, before the hour
    assert threshold(period, at(due_day, 17, 1)) is None  # past due: no more reminders


def test_no_reminder_outside_an_open_period(db, drill_world, due_day):
    period = drill_world.period
    period.state = period_models.CLOSED
    assert threshold(period, at(due_day - timedelta(days=1), 9)) is None


def _submission(db, world, slug, status):
    db.add(Submission(tenant_id=world.tenant(slug).id, period_id=world.period.id, status=status))
    db.commit()


def test_units_reminded_are_those_not_submitted_of_enabled_kinds(db, drill_world, due_day):
    _submission(db, drill_world, "school-a2", "submitted")
    _submission(db, drill_world, "enterprise-b1", "returned")
    units = [t.slug for t in units_to_remind(db, drill_world.period)]
    # Wards, communes and the department report nothing in this period; a2 has submitted.
    assert units == sorted(["school-a1", "enterprise-b1"], key=lambda s: drill_world.tenant(s).path)


def _remind(app, db, now: datetime) -> None:
    with app.app_context():
        submit(db, "notifications.remind", {"now": now.isoformat()}, now=now)
        db.commit()
    drain(app, now)


def _notices(db, world):
    rows = db.scalars(select(Notification).where(Notification.kind == "report.reminder")).all()
    return sorted((world_user(world, n.user_id), n.dedupe_key) for n in rows)


def world_user(world, user_id):
    return next(name for name, user in world.users.items() if user.id == user_id)


def test_reminders_are_sent_once_per_threshold_and_audited(app, db, drill_world, due_day):
    world = drill_world
    _submission(db, world, "school-a2", "approved")
    _submission(db, world, "enterprise-b1", "draft")
    world.user("a1_head").email = "a1.head@truong-a1.edu.vn"
    db.commit()
    seven = at(due_day - timedelta(days=5), 9)  # 5 days left: the 7-day reminder applies

    _remind(app, db, seven)

    key = f"reminder:{world.period.id}:7"
    assert _notices(db, world) == [("a1_head", key), ("a1_reporter", key), ("b1_reporter", key)]
    notice = db.scalar(select(Notification).where(Notification.user_id == world.user("a1_head").id))
    assert "7 ngày" in notice.title and world.period.title in notice.title
    assert notice.link == f"/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report"
    # The link is a page that exists: the report's own route.
    assert app.url_map.bind("localhost").match(notice.link)[0] == "web.report"
    assert due_day.strftime("%d/%m/%Y") + " 17:00" in notice.body
    mail = db.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in mail] == ["a1.head@truong-a1.edu.vn"]
    audits = db.scalars(select(AuditEntry).where(AuditEntry.action == "jobs.remind")).all()
    assert len(audits) == 1
    assert audits[0].changes["notices"] == [None, 3] and audits[0].changes["units"] == [None, 2]
    assert audits[0].actor_label == "system" and audits[0].tenant_id == world.tenant("ha-noi").id

    _remind(app, db, seven + timedelta(hours=3))  # the hourly job again: nothing new
    assert len(_notices(db, world)) == 3
    assert len(db.scalars(select(OutboxMessage)).all()) == 1
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "jobs.remind")).all()) == 1

    _remind(app, db, at(due_day - timedelta(days=1), 8))  # the day before: the 1-day reminder
    keys = [k for _, k in _notices(db, world)]
    assert keys.count(f"reminder:{world.period.id}:1") == 3


def test_a_unit_that_submitted_meanwhile_is_not_reminded_again(app, db, drill_world, due_day):
    world = drill_world
    _remind(app, db, at(due_day - timedelta(days=10), 9))
    first = {u for u, _ in _notices(db, world)}
    assert {"a1_head", "a1_reporter", "a2_head", "a2_reporter", "b1_reporter"} == first
    _submission(db, world, "school-a1", "submitted")
    _remind(app, db, at(due_day - timedelta(days=1), 9))
    latest = {u for u, k in _notices(db, world) if k.endswith(":1")}
    assert latest == {"a2_head", "a2_reporter", "b1_reporter"}


def test_cli_remind_runs_the_reminders_now(app, db, drill_world, due_day):
    moment = at(due_day - timedelta(days=1), 9).isoformat()
    result = app.test_cli_runner().invoke(args=["jobs", "remind", "--now", moment])
    assert result.exit_code == 0, result.output
    assert "notifications.remind_period" in result.output and "'notices': 5" in result.output
    assert len(_notices(db, drill_world)) == 5
