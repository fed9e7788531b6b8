"""Periods: date order, lifecycle, admin-only changes, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.errors import Conflict, Forbidden, Invalid
from core.periods import operations
from core.periods.schemas import PeriodInputSchema
from core.users.access import Access, SystemAccess

BASE = {
    "key": "2027-annual", "kind": "annual", "title": "Năm 2027",
    "opens_at": "2026-12-01T00:00:00", "due_at": "2027-11-10T23:59:00",
    "city_due_at": "2027-11-30T23:59:00", "closes_at": "2027-12-15T00:00:00",
}


def test_naive_times_are_hanoi_time(app):
    with app.test_request_context():
        data = PeriodInputSchema().load(BASE)
    assert data["due_at"].utcoffset() == timedelta(hours=7)
    assert data["due_at"].isoformat() == "2027-11-10T23:59:00+07:00"


@pytest.mark.parametrize(
    ("field", "value", "after"),
    [
        ("due_at", "2026-11-30T00:00:00", "opens_at"),
        ("city_due_at", "2027-11-10T23:00:00", "due_at"),
        ("closes_at", "2027-11-30T23:58:59", "city_due_at"),
    ],
)
def test_dates_out_of_order_name_the_field(app, field, value, after):
    with app.test_request_context(), pytest.raises(ValidationError) as error:
        PeriodInputSchema().load({**BASE, field: value})
    assert list(error.value.messages) == [field]
    assert "sớm hơn" in error.value.messages[field][0]


def test_equal_dates_are_allowed(app):
    same = "2027-11-10T23:59:00+07:00"
    with app.test_request_context():
        data = PeriodInputSchema().load(
            {**BASE, "opens_at": same, "due_at": same, "city_due_at": same, "closes_at": same}
        )
    assert data["opens_at"] == data["closes_at"]


def test_lifecycle_and_audit(app, db, world):
    access = SystemAccess(db=db, user=None)
    period = world.period
    with app.test_request_context():
        with pytest.raises(Conflict):
            operations.transition(db, access, period, "draft")
        operations.transition(db, access, period, "closed", reason="hết hạn")
        operations.transition(db, access, period, "open", reason="gia hạn chung")
        operations.transition(db, access, period, "closed")
        operations.transition(db, access, period, "archived")
        with pytest.raises(Conflict):
            operations.transition(db, access, period, "open")
        with pytest.raises(Conflict):
            operations.update(db, access, period, {"title": "x"})
    db.commit()
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(period.id)).order_by(AuditEntry.seq)
    ).all()
    assert actions == [
        "period.create", "period.open", "period.closed", "period.open", "period.closed",
        "period.archived",
    ]


def test_only_admins_of_the_owner_change_periods(app, db, world):
    with app.test_request_context():
        for username in ("ward_admin", "city_reviewer", "city_viewer", "a1_head"):
            access = Access.for_user(db, world.user(username))
            with pytest.raises(Forbidden):
                operations.transition(db, access, world.period, "closed")
        admin = Access.for_user(db, world.user("city_admin"))
        operations.transition(db, admin, world.period, "closed")
    assert world.period.state == "closed"


def test_update_checks_merged_dates(app, db, world):
    access = SystemAccess(db=db, user=None)
    old_title = world.period.title
    with app.test_request_context():
        with pytest.raises(Invalid) as error:
            operations.update(db, access, world.period, {"due_at": world.period.closes_at + timedelta(1)})
        assert "city_due_at" in error.value.errors
        operations.update(db, access, world.period, {"title": "Tiêu đề mới"})
    db.commit()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "period.update"))
    assert entry.changes == {"title": [old_title, "Tiêu đề mới"]}


def test_everyone_below_sees_the_city_period(app, db, world):
    for username in ("a1_reporter", "b1_reporter", "edu_reviewer", "city_viewer"):
        access = Access.for_user(db, world.user(username))
        assert [p.id for p in operations.visible(db, access)] == [world.period.id]
