"""Snapshots: closing a period freezes its results as version 1; reopening with a reason and
closing again adds version 2 and leaves version 1 as it was; reports read the latest snapshot
once the period is closed (the live results otherwise) and say which."""

from __future__ import annotations

from sqlalchemy import select, update

from core.exports import content as report_content
from core.periods.models import ReportingPeriod
from core.rollups.models import Rollup
from core.snapshots import operations as snapshots
from core.snapshots.models import PeriodSnapshot, SnapshotRollup, SnapshotUnit
from core.tenants.models import Tenant

from .flow import close, reopen, report, reported_world


def unit_row(db, snapshot_id, tenant_id):
    return db.scalar(select(SnapshotUnit).where(SnapshotUnit.snapshot_id == snapshot_id,
                                                SnapshotUnit.tenant_id == tenant_id))


def frozen_rows(db, snapshot_id):
    units = {(r.tenant_id, r.status, r.score, r.classification, r.late, str(r.values))
             for r in db.scalars(select(SnapshotUnit).where(SnapshotUnit.snapshot_id == snapshot_id))}
    rollups = {(r.tenant_id, r.unit_kind, r.units, str(sorted(r.counters.items())))
               for r in db.scalars(select(SnapshotRollup).where(SnapshotRollup.snapshot_id == snapshot_id))}
    return units, rollups


def test_closing_freezes_version_one_and_a_reopening_adds_version_two(app, report_world, db, host):
    reported_world(db, host, report_world)
    close(db, report_world)
    first = snapshots.latest(db, report_world.period.id)
    assert first.version == 1 and first.units == 5  # two schools, the enterprise, the ward, the commune
    a1 = report_world.tenant("school-a1").id
    row = unit_row(db, first.id, a1)
    assert row.status == "approved" and row.values["rpt.safety"]["trained"] == 15
    missing = unit_row(db, first.id, report_world.tenant("commune-b").id)
    assert missing.status is None
    before = frozen_rows(db, first.id)

    reopen(db, report_world, "Bổ sung số liệu của Xã B")
    report(db, host, report_world, "commune-b")
    close(db, report_world)
    versions = snapshots.versions(db, report_world.period.id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].reason == "Bổ sung số liệu của Xã B" and versions[0].reason == ""
    # Version 1 is exactly as it was; version 2 has the commune's report.
    assert frozen_rows(db, first.id) == before
    commune = unit_row(db, versions[1].id, report_world.tenant("commune-b").id)
    assert commune.status == "approved"


def test_a_closed_period_is_reported_from_its_snapshot_not_the_live_rows(app, report_world, db, host):
    reported_world(db, host, report_world)
    with app.app_context():
        city = db.get(Tenant, report_world.tenant("ha-noi").id)
        period = db.get(ReportingPeriod, report_world.period.id)
        live = report_content.build(db, host, snapshots.results_for(db, period), city, "city")
        assert not live.results.frozen and "chưa khóa sổ" in live.source_line
        close(db, report_world)
        # Spoil the live rollups: a report made from the snapshot must not notice.
        db.execute(update(Rollup).where(Rollup.period_id == report_world.period.id)
                   .values(approved=0, submitted=0))
        db.commit()
        period = db.get(ReportingPeriod, report_world.period.id)
        frozen = report_content.build(db, host, snapshots.results_for(db, period), city, "city")
    assert frozen.results.snapshot.version == 1 and "bản số 1" in frozen.source_line
    assert (frozen.total.expected, frozen.total.reported, frozen.total.approved) == (5, 3, 2)
    assert (live.total.expected, live.total.reported, live.total.approved) == (5, 3, 2)
    # Final figures once closed: the late school's submitted report is not classified yet.
    assert sum(frozen.total.classes.values()) == 2


def test_two_closings_never_share_a_version(app, report_world, db, host):
    close(db, report_world)
    for n in range(3):
        reopen(db, report_world, f"lần {n}")
        close(db, report_world)
    numbers = db.scalars(select(PeriodSnapshot.version)
                         .where(PeriodSnapshot.period_id == report_world.period.id)
                         .order_by(PeriodSnapshot.version)).all()
    assert numbers == [1, 2, 3, 4]


def test_the_admin_page_reopens_a_closed_period_only_with_a_reason(app, report_world, db, client_as):
    from core.testing.fixtures import csrf_token_from

    close(db, report_world)
    web = client_as("city_admin")
    page = web.get("/admin/periods").get_data(as_text=True)
    assert 'name="reason"' in page and "Lý do mở lại" in page
    url = f"/admin/periods/{report_world.period.id}/state"
    token = csrf_token_from(page)
    refused = web.post(url, data={"csrf_token": token, "state": "open"}, follow_redirects=True)
    assert "Hãy ghi lý do mở lại kỳ báo cáo đã khóa sổ." in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(ReportingPeriod, report_world.period.id).state == "closed"
    assert web.post(url, data={"csrf_token": token, "state": "open", "reason": "Bổ sung số liệu của Xã B"}
                    ).status_code == 302
    db.expire_all()
    assert db.get(ReportingPeriod, report_world.period.id).state == "open"
    close(db, report_world)
    assert [(v.version, v.reason) for v in snapshots.versions(db, report_world.period.id)] == \
        [(1, ""), (2, "Bổ sung số liệu của Xã B")]
