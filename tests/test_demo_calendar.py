"""The demo and the report flow on days around the edges of the movement's year.

The clock is injected (:func:`core.clock.frozen`) for the whole test: the demo, the API and the
report flow read it, never the wall clock, so each day below behaves the same whenever the
suite runs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock, demo
from core.dashboards.operations import dashboard
from core.periods.models import ReportingPeriod
from core.plugins import current_host
from core.plugins.operations import sets_for_tenant
from core.reports import evidence as evidence_ops
from core.reports import operations as report_ops
from core.reports.models import Submission
from core.tenants.models import Tenant
from core.users.access import Access, SystemAccess
from core.users.operations import find_user, issue_token

VN = clock.HANOI

DAYS = [
    pytest.param(datetime(2027, 1, 1, 0, 30, tzinfo=VN), 2027, id="1-january"),
    pytest.param(datetime(2028, 2, 29, 10, 0, tzinfo=VN), 2028, id="29-february-leap-year"),
    pytest.param(datetime(2026, 11, 10, 15, 0, tzinfo=VN), 2026, id="10-november"),
    # The closing day: this year's period is still open (until 23:59), the next one opened on
    # 1 December; the demo keeps this year's.
    pytest.param(datetime(2026, 12, 15, 10, 0, tzinfo=VN), 2026, id="15-december"),
    pytest.param(datetime(2026, 12, 16, 8, 0, tzinfo=VN), 2027, id="16-december"),
    pytest.param(datetime(2026, 12, 31, 23, 30, tzinfo=VN), 2027, id="31-december"),
]


def run_demo(app, *args: str):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "--sample", "0", *args], catch_exceptions=False)


def period(db, key: str) -> ReportingPeriod:
    return db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == key))


def submissions(db, of: ReportingPeriod) -> list[Submission]:
    return db.scalars(select(Submission).where(Submission.period_id == of.id)).all()


def api_as(app, db, username: str):
    with app.app_context():
        token = issue_token(db, SystemAccess(db=db, user=None), find_user(db, username),
                            lifetime=timedelta(days=1))
        db.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def expect(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def check_dated_inside_the_window(db, of: ReportingPeriod, now: datetime) -> tuple[int, int]:
    """Every submitted report of ``of`` lies between its opening and now, flagged late exactly
    when after ``due_at``; returns (on time, late)."""
    on_time = late = 0
    for submission in submissions(db, of):
        assert of.opens_at <= submission.created_at <= now, submission.created_at
        if submission.submitted_at is None:
            continue
        assert of.opens_at <= submission.submitted_at <= min(now, of.closes_at), submission.submitted_at
        assert submission.late == (submission.submitted_at > of.due_at)
        on_time += not submission.late
        late += submission.late
    return on_time, late


@pytest.mark.parametrize(("today", "year"), DAYS)
def test_the_demo_and_the_report_flow_work_on_every_day(app, db, today, year):
    with clock.frozen(today) as move_to:
        result = run_demo(app)
        assert result.exit_code == 0, result.output
        assert f"period {year}-annual is open" in result.output

        db.expire_all()
        current, previous = period(db, f"{year}-annual"), period(db, f"{year - 1}-annual")
        assert current.state == "open" and current.opens_at <= today <= current.closes_at
        assert previous.state == "closed"
        # The year before is complete: on time and late reports, most approved.
        on_time, late = check_dated_inside_the_window(db, previous, today)
        assert on_time and late
        reported_last_year = on_time + late
        assert sum(s.status == "approved" for s in submissions(db, previous)) >= reported_last_year // 2
        # This year up to today: submitted reports, and late ones only once the deadline passed.
        on_time, late = check_dated_inside_the_window(db, current, today)
        assert on_time >= 2
        if today <= current.due_at:
            assert late == 0
        # The city's dashboard compares the year with the one before.
        city = db.scalar(select(Tenant).where(Tenant.slug == demo.CITY_SLUG))
        with app.app_context():
            admin = Access.for_user(db, find_user(db, "demo.admin"))
            board = dashboard(db, admin, current_host(), current, city)
        assert board.previous.id == previous.id
        assert board.previous_total.reported >= reported_last_year
        statuses = {s.tenant_id: s.status for s in submissions(db, current)}
        school = db.scalar(select(Tenant).where(Tenant.slug == "truong-thcs-nguyen-tri-phuong"))
        assert statuses[school.id] == "draft"  # the form a demo reporter can fill

        # The report flow, an hour later: the reporter completes the form, the head submits,
        # the ward's reviewer approves.
        now = today + timedelta(hours=1)
        move_to(now)
        report = f"/api/v1/tenants/{school.id}/periods/{current.id}/report"
        reporter = api_as(app, db, demo.TRY_FILLING)
        view = expect(reporter.get(report), 200)
        assert view["status"] == "draft"
        with app.app_context():
            host = current_host()
            rng = random.Random(7)
            sections = {
                item.row.key: host.pm.hook.thidua_demo_values(criteria_set=item.criteria_set, tenant=school,
                                                              rng=rng)
                for item in sets_for_tenant(db, host, current, school)
                if item.criteria_set is not None
            }
        expect(reporter.put(report, json={"version": view["version"], "sections": sections}), 200)
        with app.app_context():
            submission = report_ops.find(db, school, current)
            demo._attach_demo_evidence(db, SystemAccess(db=db, user=None), host,
                                       evidence_ops.store_for(app), submission, school, current)
            db.commit()
        sent = expect(api_as(app, db, "demo.ntp.head").post(f"{report}/submit"), 200)
        assert sent["status"] == "submitted"
        approved = expect(api_as(app, db, "demo.badinh.reviewer").post(f"{report}/approve", json={}), 200)
        assert approved["status"] == "approved"

        db.expire_all()
        stored = db.scalar(select(Submission).where(Submission.tenant_id == school.id,
                                                    Submission.period_id == current.id))
        assert stored.submitted_at == now
        assert stored.late == (now > current.due_at)


def test_the_demo_run_again_after_the_close_moves_to_the_next_year(app, db):
    with clock.frozen(datetime(2026, 11, 30, 9, 0, tzinfo=VN)) as move_to:
        assert run_demo(app).exit_code == 0
        move_to(datetime(2026, 12, 20, 9, 0, tzinfo=VN))
        again = run_demo(app)
        assert again.exit_code == 0, again.output
        assert "period 2027-annual is open" in again.output
        db.expire_all()
        assert period(db, "2027-annual").state == "open"
        # The year run first is now the year before: closed since 15 December.
        assert period(db, "2026-annual").state == "closed"
        assert period(db, "2025-annual").state == "closed"
        assert period(db, "2026-annual").closes_at < clock.now()
