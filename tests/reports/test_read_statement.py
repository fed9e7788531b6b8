"""A report's read takes the period's criteria sets, the unit's granted extension and (a read of
the report itself) the report as stored along with the unit and the period, in one statement:
what it hands on is what reading them alone gives."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db.types import utcnow
from core.errors import NotFound
from core.plugins import operations as plugin_operations
from core.plugins.models import PeriodCriteriaSet
from core.reports import deadlines
from core.reports.models import EXTENSION_GRANTED, EXTENSION_REQUESTED, Extension, Section, StoredSection
from core.reports.operations import (
    find_with_sections,
    save_draft,
    visible_report,
    visible_unit_and_period,
)
from core.reports.schemas import ReportViewSchema
from core.reports.view import report_view


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


def test_a_set_changed_between_two_reads_is_read_as_it_is_now(acting, report_world, db):
    """The rows of a period's sets are built once per text read: a set changed since the last
    read comes back changed, and the list handed out is the caller's own."""
    reader, access = acting("a1_reporter")
    unit, period_id = report_world.tenant("school-a1").id, report_world.period.id
    before = plugin_operations.rows_of(reader, visible_unit_and_period(reader, access, unit, period_id)[1])
    reader.rollback()
    stored = db.scalars(select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period_id,
                                                        PeriodCriteriaSet.key == "rpt.units")).one()
    stored.weight = before[1].weight + 5
    db.commit()
    after = plugin_operations.rows_of(reader, visible_unit_and_period(reader, access, unit, period_id)[1])
    assert [row.key for row in after] == ["rpt.safety", "rpt.units"]
    assert after[1].weight == before[1].weight + 5 and after[0] == before[0]
    reader.rollback()
    after.clear()
    again = plugin_operations.rows_of(reader, visible_unit_and_period(reader, access, unit, period_id)[1])
    assert [row.key for row in again] == ["rpt.safety", "rpt.units"]


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


def _saved_report(acting, host, world):
    """school-a1's report saved once, its section given a review score and a note."""
    db, access = acting("a1_reporter")
    tenant, period = visible_unit_and_period(db, access, world.tenant("school-a1").id, world.period.id)
    submission = save_draft(db, access, host, tenant, period, 0, {"rpt.safety": {
        "plan_issued": True, "staff": 20, "trained": 15, "incidents": 0}})
    db.commit()
    return submission


def _as_read(sections):
    return {key: (s.id, s.set_version, s.values, s.self_score, s.review, s.review_score, s.outcomes)
            for key, s in sections.items()}


def test_the_report_read_along_is_the_report_read_alone(acting, host, report_world, db):
    saved = _saved_report(acting, host, report_world)
    section = db.scalars(select(Section).where(Section.submission_id == saved.id)).one()
    section.review, section.review_score = {"staff": {"score": 9, "note": "Đủ"}}, 90.0
    db.commit()
    reader, access = acting("a1_reporter")
    tenant, period, stored = visible_report(reader, access, report_world.tenant("school-a1").id,
                                            report_world.period.id)
    submission, sections, until = find_with_sections(reader, tenant, period)
    assert stored.submission is submission and stored.extended_until == until is None
    assert _as_read(stored.sections) == _as_read(sections)
    along = stored.sections["rpt.safety"]
    assert along.values["staff"] == 20 and along.review == {"staff": {"score": 9, "note": "Đủ"}}
    # JSON writes 90.0 as 90: the score is still a float, as the column reads it.
    assert isinstance(along.review_score, float) and isinstance(along.self_score, float)
    # Read-only stand-ins, not mapped sections: nothing of them can be written.
    assert isinstance(along, StoredSection) and not reader.new and not reader.dirty
    with pytest.raises(FrozenInstanceError):
        along.values = {}


def test_the_answer_made_from_the_read_along_is_the_answer_made_from_reading_again(
        acting, host, report_world):
    _saved_report(acting, host, report_world)
    now = utcnow()
    readers = (("school-a1", "a1_reporter"), ("school-a2", "a2_reporter"), ("school-a1", "ward_reviewer"))
    for unit, user in readers:
        reader, access = acting(user)
        tenant, period, stored = visible_report(reader, access, report_world.tenant(unit).id,
                                                report_world.period.id)
        along = ReportViewSchema().dump(report_view(reader, access, host, tenant, period, now=now,
                                                    stored_report=stored))
        again = ReportViewSchema().dump(report_view(reader, access, host, tenant, period, now=now))
        assert along == again, (unit, user)
        assert along["status"] == "draft" and len(along["sections"]) == 1


def test_a_report_never_saved_reads_as_none_and_a_sibling_is_not_found(acting, report_world):
    # The sibling's own reader first: the statement kept for its grants is not the next one's.
    own, own_access = acting("a1_reporter")
    assert visible_report(own, own_access, report_world.tenant("school-a1").id,
                          report_world.period.id)[0].slug == "school-a1"
    reader, access = acting("a2_reporter")
    tenant, _period, stored = visible_report(reader, access, report_world.tenant("school-a2").id,
                                             report_world.period.id)
    assert tenant.slug == "school-a2" and stored.submission is None and stored.sections == {}
    with pytest.raises(NotFound):
        visible_report(reader, access, report_world.tenant("school-a1").id, report_world.period.id)
