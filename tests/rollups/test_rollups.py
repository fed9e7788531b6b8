"""The rollups follow every move of a report, in the same transaction, at every level above the
unit; a unit's move shifts its subtree's figures; the rebuild command recomputes them."""

from __future__ import annotations

from sqlalchemy import func, select

from core.periods.models import ReportingPeriod
from core.reports import operations as report_ops
from core.reports import review
from core.rollups import figures, operations
from core.rollups.contribution import FINAL, PROVISIONAL
from core.rollups.models import Rollup
from core.tenants.models import Tenant
from core.tenants.operations import move, new_tenant, rehang
from core.users.access import SystemAccess

from .flow import report
from .helpers import differences, snapshot

KINDS = ["school", "enterprise", "ward", "commune"]


def seen(db, world, slug: str, kinds=KINDS) -> figures.Figures:
    tenant_id = world.tenant(slug).id
    return figures.read(db, world.period.id, [tenant_id], full=[tenant_id]).figures(tenant_id, kinds)


def _period(db, world) -> ReportingPeriod:
    return db.get(ReportingPeriod, world.period.id)


def test_expected_units_come_from_the_kinds_the_period_enables(report_world, db):
    city = seen(db, report_world, "ha-noi")
    # two schools, one enterprise, one ward, one commune; the department is not asked.
    assert city.expected == 5
    assert seen(db, report_world, "ward-a").expected == 3
    assert seen(db, report_world, "ward-a", ["school"]).expected == 2
    assert city.missing == 5 and city.completeness == 0


def test_each_move_of_a_report_updates_the_unit_and_every_ancestor(report_world, db, host):
    access = SystemAccess(db=db, user=None)
    report(db, host, report_world, "school-a1", until="draft")
    for slug in ("school-a1", "ward-a", "ha-noi"):
        assert seen(db, report_world, slug).counters.get("drafts") == 1, slug
    assert seen(db, report_world, "commune-b").count("started") == 0

    report(db, host, report_world, "school-a1", until="submitted", safety={"trained": 10})
    city = seen(db, report_world, "ha-noi")
    assert (city.reported, city.awaiting, city.approved, city.in_progress) == (1, 1, 0, 0)
    assert city.aggregate("rpt.safety", "trained", "sum", PROVISIONAL) == 10
    assert city.aggregate("rpt.safety", "trained", "sum", FINAL) == 0
    assert city.outcome("atantt", PROVISIONAL) == (1, 1)

    tenant = db.get(Tenant, report_world.tenant("school-a1").id)
    review.score_criteria(db, access, host, tenant, _period(db, report_world), "rpt.safety",
                          {"trained": {"score": 0, "note": "Chưa đủ"}})
    db.commit()
    assert seen(db, report_world, "ha-noi").score_mean(PROVISIONAL) == 0.0

    report_ops.return_report(db, access, host, tenant, _period(db, report_world), "Bổ sung số liệu")
    db.commit()
    ward = seen(db, report_world, "ward-a")
    assert (ward.reported, ward.count("returned"), ward.in_progress) == (0, 1, 1)
    assert ward.aggregate("rpt.safety", "trained", "sum", PROVISIONAL) == 0

    report(db, host, report_world, "school-a1", safety={"trained": 12})
    city = seen(db, report_world, "ha-noi")
    assert (city.reported, city.approved, city.awaiting) == (1, 1, 0)
    assert city.aggregate("rpt.safety", "trained", "sum", FINAL) == 12
    assert city.classes(FINAL) and sum(city.classes(FINAL).values()) == 1

    report_ops.reopen(db, access, host, tenant, _period(db, report_world), "Sửa lại")
    db.commit()
    city = seen(db, report_world, "ha-noi")
    assert (city.reported, city.approved) == (0, 0)
    assert city.classes(FINAL) == {} and city.aggregate("rpt.safety", "trained", "sum", FINAL) == 0
    assert differences(snapshot(db), _rebuilt(db, host)) == []


def _rebuilt(db, host):
    operations.rebuild(db, host)
    db.flush()
    rebuilt = snapshot(db)
    db.rollback()
    return rebuilt


def test_a_late_submission_counts_as_late_not_on_time(report_world, db, host):
    report(db, host, report_world, "school-a2", until="submitted", late=True)
    report(db, host, report_world, "school-a1", until="submitted")
    ward = seen(db, report_world, "ward-a")
    assert (ward.on_time, ward.late, ward.missing) == (1, 1, 1)
    assert ward.timeliness == 0.5


def test_refreshing_twice_adds_nothing_twice(report_world, db, host):
    submission = report(db, host, report_world, "school-a1")
    before = snapshot(db)
    operations.refresh(db, host, submission)
    operations.refresh(db, host, submission)
    db.commit()
    assert snapshot(db) == before


def test_a_rollup_update_touches_one_row_per_level_of_the_tree(report_world, db, host):
    report(db, host, report_world, "school-a1")
    rows = db.scalars(select(Rollup).where(Rollup.unit_kind == "school")).all()
    levels = {report_world.tenant(s).id for s in ("school-a1", "ward-a", "ha-noi")}
    assert {r.tenant_id for r in rows} == levels


def test_moving_a_unit_moves_its_figures_between_ancestors(report_world, db, host):
    report(db, host, report_world, "school-a1")
    school = db.get(Tenant, report_world.tenant("school-a1").id)
    move(db, SystemAccess(db=db, user=None), school, db.get(Tenant, report_world.tenant("commune-b").id))
    db.commit()
    assert seen(db, report_world, "ward-a").approved == 0
    assert seen(db, report_world, "ward-a").expected == 2
    commune = seen(db, report_world, "commune-b")
    assert (commune.approved, commune.expected) == (1, 3)
    city = seen(db, report_world, "ha-noi")
    assert (city.approved, city.expected) == (1, 5)
    assert differences(snapshot(db), _rebuilt(db, host)) == []


def test_moving_a_unit_with_units_below_takes_their_figures_along(report_world, db, host):
    """A ward re-hung under the department (any kind change of the tree) carries its schools."""
    report(db, host, report_world, "school-a2")
    ward = db.get(Tenant, report_world.tenant("ward-a").id)
    rehang(db, ward, db.get(Tenant, report_world.tenant("dept-edu").id))
    db.commit()
    department = seen(db, report_world, "dept-edu")
    assert (department.expected, department.approved) == (3, 1)
    assert seen(db, report_world, "ha-noi").approved == 1
    assert differences(snapshot(db), _rebuilt(db, host)) == []


def test_a_new_unit_is_expected_at_once(report_world, db):
    parent = db.get(Tenant, report_world.tenant("commune-b").id)
    new_tenant(db, name="Trường Tiểu học B2", kind="school", parent=parent)
    db.commit()
    assert seen(db, report_world, "commune-b").expected == 3
    assert seen(db, report_world, "ha-noi").expected == 6


def test_thidua_rollups_rebuild_recomputes_every_row(report_world, db, host, app):
    report(db, host, report_world, "school-a1")
    report(db, host, report_world, "ward-a", until="submitted")
    expected = snapshot(db)
    db.execute(Rollup.__table__.delete())
    db.commit()
    assert db.scalar(select(func.count()).select_from(Rollup)) == 0
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rollups", "rebuild", "--period", report_world.period.key])
    assert result.exit_code == 0, result.output
    assert "2 reports" in result.output
    db.expire_all()
    assert differences(snapshot(db), expected) == []
    assert runner.invoke(args=["rollups", "rebuild", "--period", "nope"]).exit_code != 0
