"""``thidua demo``: idempotent, fast, and its accounts can sign in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core import clock, demo
from core.audit.models import AuditEntry
from core.periods.models import ReportingPeriod
from core.tenants.models import Tenant
from core.testing import login
from core.users.access import Access
from core.users.models import Membership, User
from core.users.operations import find_user


def counts(db) -> tuple[int, ...]:
    return tuple(
        db.scalar(select(func.count()).select_from(model))
        for model in (Tenant, User, Membership, ReportingPeriod, AuditEntry)
    )


def run_demo(app):
    # An app context of its own, as ``thidua`` gives every command.
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo"], catch_exceptions=False)


def test_demo_loads_the_directory_and_creates_everything_once(app, db):
    first = run_demo(app)

    assert first.exit_code == 0, first.output
    db.expire_all()
    after_first = counts(db)
    communes = select(func.count()).select_from(Tenant).where(Tenant.kind.in_(["ward", "commune"]))
    assert db.scalar(communes) == 126
    assert after_first[1] == len(demo.USERS)

    second = run_demo(app)

    assert second.exit_code == 0, second.output
    db.expire_all()
    assert counts(db) == after_first
    assert "0 units, 0 users and 0 memberships created" in second.output


def test_demo_prints_the_logins(app):
    output = run_demo(app).output
    assert f"A report to fill: sign in as {demo.TRY_FILLING}" in output
    for username, password, role, _slug in demo.login_table():
        line = next(line for line in output.splitlines() if line.startswith(username + " "))
        assert password in line
        assert role in line
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố" in output


def test_demo_units_hang_under_their_wards(app, db):
    run_demo(app)
    school = db.scalar(select(Tenant).where(Tenant.slug == "truong-thcs-nguyen-tri-phuong"))
    ward = db.scalar(select(Tenant).where(Tenant.slug == "phuong-ba-dinh"))
    assert school.kind == "school"
    assert school.parent_id == ward.id
    assert school.path.startswith(ward.path)


def test_demo_roles_reach_what_they_should(app, db):
    run_demo(app)
    by_slug = {t.slug: t for t in db.scalars(select(Tenant))}
    viewer = Access.for_user(db, find_user(db, "demo.mttq"))
    assert viewer.can_see(by_slug["hoi-lien-hiep-phu-nu"])
    assert not viewer.can_see(by_slug["phuong-ba-dinh"])
    ward_admin = Access.for_user(db, find_user(db, "demo.badinh.admin"))
    assert ward_admin.is_admin_of(by_slug["truong-thcs-nguyen-tri-phuong"])
    assert not ward_admin.can_see(by_slug["truong-thcs-trung-vuong"])
    city_admin = Access.for_user(db, find_user(db, "demo.admin"))
    assert city_admin.is_admin_of(by_slug["cong-an-thanh-pho"])


def test_demo_period_follows_the_plans_calendar(app, db):
    run_demo(app)
    year = demo.demo_year(clock.now())
    period = db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == f"{year}-annual"))
    assert period.state == "open"
    # Hanoi is UTC+7: midnight on 1 December is 17:00 UTC on 30 November.
    assert period.opens_at == datetime(year - 1, 11, 30, 17, 0, tzinfo=UTC)
    assert period.due_at == datetime(year, 11, 10, 16, 59, tzinfo=UTC)
    assert period.city_due_at == datetime(year, 11, 30, 16, 59, tzinfo=UTC)
    assert period.closes_at.astimezone(demo.VN).date().isoformat() == f"{year}-12-15"
    previous = db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == f"{year - 1}-annual"))
    assert previous.state == "closed"


def test_demo_accounts_can_sign_in(app):
    run_demo(app)
    for username in ("demo.admin", "demo.badinh.reporter", "demo.mttq", demo.TRY_FILLING, "demo.sogddt"):
        response = login(app.test_client(), username, demo.DEMO_PASSWORD)
        assert response.status_code == 302, username
    refused = login(app.test_client(), "demo.admin", "wrong-password")
    assert refused.status_code != 302


def test_demo_fills_reports_that_pass_validation(app, db):
    from core.reports.models import Section, Submission

    result = run_demo(app)
    assert result.exit_code == 0, result.output
    assert "reports filled" in result.output
    submissions = db.scalars(select(Submission)).all()
    assert len(submissions) >= 10
    sections = db.scalars(select(Section)).all()
    assert sections and all(s.self_score is not None for s in sections if s.values)
    assert all(0 <= s.self_score <= 100 for s in sections if s.self_score is not None)
    assert {s.set_key.split(".")[0] for s in sections} >= {"school", "enterprise", "local", "mediation"}


def test_the_department_reviewer_has_schools_below_it(app, db):
    run_demo(app)
    reviewer = Access.for_user(db, find_user(db, "demo.sogddt"))
    department = db.scalar(select(Tenant).where(Tenant.slug == "so-giao-duc-va-dao-tao"))
    schools = db.scalars(select(Tenant).where(Tenant.parent_id == department.id)).all()
    assert {s.kind for s in schools} == {"school"} and len(schools) >= 3
    assert all(reviewer.can_see(school) for school in schools)


@pytest.mark.parametrize(("moment", "year"), [
    (datetime(2026, 3, 1, 12, 0, tzinfo=UTC), 2026),
    (datetime(2026, 12, 15, 16, 58, tzinfo=UTC), 2026),  # 23:58 on 15 December in Hanoi
    (datetime(2026, 12, 15, 17, 0, tzinfo=UTC), 2027),  # 00:00 on 16 December in Hanoi
    (datetime(2026, 12, 31, 17, 30, tzinfo=UTC), 2027),  # 00:30 on 1 January in Hanoi, still 2026 in UTC
])
def test_the_demo_year_is_the_one_whose_period_is_open(moment, year):
    assert demo.demo_year(moment) == year
    dates = demo.annual_period_dates(year)
    assert dates["opens_at"] <= moment <= dates["closes_at"]


def test_the_demo_proposes_a_dossier_for_the_police_to_vet(app, db):
    """Phường Ba Đình's dossier for the year before waits for demo.congan.khenthuong, dated
    inside its period; running the demo again adds no other."""
    from core.awards.models import Dossier, Nominee
    from core.notifications.models import Notification

    assert run_demo(app).exit_code == 0
    assert run_demo(app).exit_code == 0
    db.expire_all()
    dossiers = db.scalars(select(Dossier)).all()
    assert len(dossiers) == 1
    dossier = dossiers[0]
    period = db.get(ReportingPeriod, dossier.period_id)
    now = clock.now()
    year = demo.demo_year(now)
    assert period.key == f"{year - 1}-annual"
    assert dossier.status == "proposed"
    assert db.get(Tenant, dossier.tenant_id).slug == "phuong-ba-dinh"
    proposed = dossier.proposed_at.replace(tzinfo=dossier.proposed_at.tzinfo or UTC)
    opens = period.opens_at.replace(tzinfo=period.opens_at.tzinfo or UTC)
    closes = period.closes_at.replace(tzinfo=period.closes_at.tzinfo or UTC)
    assert opens <= proposed <= closes and proposed <= now
    assert {n.subject for n in db.scalars(select(Nominee).where(Nominee.dossier_id == dossier.id))} == {
        "collective", "individual"}
    police = find_user(db, "demo.congan.khenthuong")
    assert [n.kind for n in db.scalars(select(Notification).where(Notification.user_id == police.id,
                                                                   Notification.kind.like("award.%")))] == [
        "award.submit"]
