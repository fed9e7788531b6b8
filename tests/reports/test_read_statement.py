"""A report's read takes the period's criteria sets and the unit's granted extension along with
the unit and the period, in one statement: what it hands on is what reading them alone gives."""

from __future__ import annotations

from datetime import timedelta

from core.db.types import utcnow
from core.plugins import operations as plugin_operations
from core.reports import deadlines
from core.reports.models import EXTENSION_GRANTED, EXTENSION_REQUESTED, Extension
from core.reports.operations import find_with_sections, visible_unit_and_period


def test_the_sets_read_along_are_the_sets_read_alone(acting, report_world):
    db, access = acting("a1_reporter")
    tenant, period = visible_unit_and_period(db, access, report_world.tenant("school-a1").id,
                                             report_world.period.id)
    along = plugin_operations.rows_of(db, period)
    plugin_operations.forget_rows(db)
    alone = plugin_operations.rows_of(db, period)
    assert along == alone
    assert [row.key for row in along] == ["rpt.safety", "rpt.units"]
    assert [row.position for row in along] == [0, 1]
    assert all(isinstance(row.tenant_kinds, list) and row.tenant_kinds for row in along)
    assert along[0].applies_to_kind(tenant.kind)


def test_the_extension_read_along_is_the_latest_granted(acting, report_world, db):
    school, period = report_world.tenant("school-a1"), report_world.period
    later = utcnow() + timedelta(days=30)
    db.add_all([
        Extension(tenant_id=school.id, period_id=period.id, reason="a", until=later - timedelta(days=10),
                  status=EXTENSION_GRANTED),
        Extension(tenant_id=school.id, period_id=period.id, reason="b", until=later,
                  status=EXTENSION_GRANTED),
        Extension(tenant_id=school.id, period_id=period.id, reason="c", until=later + timedelta(days=9),
                  status=EXTENSION_REQUESTED),
    ])
    db.commit()
    reader, access = acting("a1_reporter")
    tenant, period = visible_unit_and_period(reader, access, school.id, period.id)
    known, until = deadlines.remembered_granted_until(reader, tenant, period)
    assert known and until == later
    assert find_with_sections(reader, tenant, period)[2] == later
    # A new transaction reads it again, with the report (the statement that also names the unit).
    reader.commit()
    assert deadlines.remembered_granted_until(reader, tenant, period) == (False, None)
    assert find_with_sections(reader, tenant, period)[2] == later


def test_a_unit_without_an_extension_reads_none(acting, report_world):
    db, access = acting("a1_reporter")
    tenant, period = visible_unit_and_period(db, access, report_world.tenant("school-a1").id,
                                             report_world.period.id)
    assert deadlines.remembered_granted_until(db, tenant, period) == (True, None)
    assert find_with_sections(db, tenant, period)[2] is None
