"""local_government: criteria group b) of the plan and the commune's "An toàn về ANTT" under
TT 124/2021/TT-BCA Điều 5, whose ≥70% rule reads the results of the units under the commune."""

from __future__ import annotations

import random
import uuid
from types import SimpleNamespace

import pytest

from core.plugins import ChildrenView, ChildResult, EvaluationContext, describe
from core.plugins.manager import plugin_host
from plugins import local_government
from plugins.local_government import rules

PLUGIN = "local_government"
COMMUNE = SimpleNamespace(kind="commune", name="Xã Bát Tràng", attributes={})
WARD = SimpleNamespace(kind="ward", name="Phường Ba Đình", attributes={})
DEPARTMENT = SimpleNamespace(kind="department", name="Sở Giáo dục và Đào tạo", attributes={})


@pytest.fixture
def movement(host):
    return host.criteria_set("local.movement")


@pytest.fixture
def atantt(host):
    return host.criteria_set("local.atantt")


@pytest.fixture
def run(evaluate_set):
    """``run(criteria_set, data, ctx=None)`` → (errors, score)."""
    return evaluate_set


def movement_values(**changes):
    data = {
        "plan_issued": True,
        "policies_issued": 1,
        "steering_committee": True,
        "steering_meetings": 2,
        "models_active": 6,
        "models_new": 1,
        "models_replicated": 3,
        "staff_total": 80,
        "staff_briefed": 60,
        "it_applications": 1,
        "data_leaks": 0,
        "propaganda_items": 12,
        "bravery_examples": 1,
        "grassroots_regimes": True,
        "grassroots_conditions": False,
        "grassroots_budget": 850.5,
    }
    data.update(changes)
    return data


def atantt_values(**changes):
    data = {
        "q1_resolution": True,
        "q1_plan_registered": True,
        "effective_models": 3,
        "policies_implemented": True,
        "prohibited_events": 0,
        "offences": 41,
        "offences_previous_year": 47,
        "serious_crimes": 1,
        "serious_crimes_handled": 1,
        "new_hotspots": 0,
        "new_social_evil_persons": 0,
        "serious_incidents": 0,
        "police_effective": True,
        "police_disciplined": 0,
        "units_total": 24,
        "units_registered": 24,
        "areas_total": 10,
        "areas_recognised": 8,
    }
    data.update(changes)
    return data


def child(kind, outcome, status="approved", **attributes):
    return ChildResult(tenant_id=uuid.uuid4(), kind=kind, name=f"{kind} {uuid.uuid4().hex[:4]}",
                       status=status, outcomes={"atantt": outcome}, attributes=attributes)


def children(passed, failed, kind="residential_area"):
    results = [child(kind, True) for _ in range(passed)] + [child(kind, False) for _ in range(failed)]
    return ChildrenView.of(results)


# The residential areas the commune counts itself left out, to judge the units' results alone.
NO_AREAS = {"areas_total": 0, "areas_recognised": 0}


def ctx(tenant=COMMUNE, view=None, **extra):
    if view is not None:
        extra["children"] = view
    return EvaluationContext(tenant=tenant, extra=extra)


# ------------------------------------------------------------------------------------ the sets

def test_the_sets_are_registered_for_the_right_kinds(host, movement, atantt):
    assert host.plugins["local_government"].state == "loaded"
    assert movement.applies_to == frozenset({"ward", "commune", "department"})
    assert atantt.applies_to == frozenset({"ward", "commune"})
    assert {movement.sector, atantt.sector} == {"local"}


@pytest.mark.parametrize("key", ["local.movement", "local.atantt"])
def test_every_field_is_labelled_and_every_number_has_a_range(host, key):
    criteria_set = host.criteria_set(key)
    declared = criteria_set.schema._declared_fields
    for info in describe(criteria_set):
        assert info.label != info.name and declared[info.name].metadata.get("label_en"), info.name
        if info.type in ("integer", "number"):
            assert info.minimum is not None and info.maximum is not None, info.name
            assert info.unit, info.name


# ---------------------------------------------------------------------------- local.movement

def test_movement_scores_the_hand_computed_total(run, movement):
    errors, score = run(movement, movement_values())
    assert errors == {}
    # plan 10 + policies 2.5 + committee 5 + meetings 2.5 + models 5 + new 2.5 + replicated 3
    # + briefed 15×60/80 + IT 2.5 + no leak 10 + propaganda 6 + bravery 2.5 + regimes 10
    assert score == 10 + 2.5 + 5 + 2.5 + 5 + 2.5 + 3 + 11.25 + 2.5 + 10 + 6 + 2.5 + 10 == 72.75


def test_movement_every_criterion_fully_met_scores_100(run, movement):
    full = movement_values(policies_issued=2, steering_meetings=4, models_new=2, models_replicated=5,
                           staff_briefed=80, it_applications=2, propaganda_items=20, bravery_examples=2,
                           grassroots_conditions=True)
    assert run(movement, full) == ({}, 100.0)


def test_a_single_data_leak_loses_the_no_leak_points_and_fails_the_criterion(run, movement):
    assert run(movement, movement_values(data_leaks=1)) == ({}, 62.75)
    assert movement.outcomes(movement_values(data_leaks=1), ctx()) == {"no_data_leak": False}
    assert movement.outcomes(movement_values(), ctx()) == {"no_data_leak": True}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"staff_briefed": 81}, "staff_briefed", "không được lớn hơn tổng số cán bộ"),
    ({"models_new": 7}, "models_new", "số mô hình đang duy trì"),
])
def test_movement_cross_field_errors_name_the_field(run, movement, changes, field, words):
    errors, score = run(movement, movement_values(**changes))
    assert score is None and list(errors) == [field]
    assert words in errors[field][0]


def test_movement_needs_at_least_one_member_of_staff(run, movement):
    errors, _ = run(movement, movement_values(staff_total=0, staff_briefed=0))
    assert "staff_total" in errors


# ------------------------------------------------------------------------------ local.atantt

def test_atantt_all_own_conditions_met_scores_100(run, atantt):
    assert run(atantt, atantt_values(), ctx()) == ({}, 100.0)


@pytest.mark.parametrize(("changes", "lost"), [
    ({"q1_resolution": False}, 10),
    ({"q1_plan_registered": False}, 10),
    ({"effective_models": 0}, 10),
    ({"policies_implemented": False}, 10),
    ({"prohibited_events": 1}, 10),
    ({"offences": 48}, 10),
    ({"serious_crimes": 2}, 10),
    ({"new_hotspots": 1}, 5),
    ({"new_social_evil_persons": 2}, 5),
    ({"serious_incidents": 1}, 5),
    ({"police_effective": False}, 5),
    ({"police_disciplined": 1}, 5),
    ({"units_registered": 23}, 5),
])
def test_each_unmet_condition_loses_its_points_and_fails_the_standard(run, atantt, changes, lost):
    data = atantt_values(**changes)
    errors, score = run(atantt, data, ctx())
    assert errors == {}
    assert score == 100 - lost
    # An own condition decides on its own: the units below cannot change it.
    assert atantt.outcomes(data, ctx(view=children(10, 0))) == {"atantt": False}
    assert atantt.outcomes(data, ctx()) == {"atantt": False}


def test_offences_equal_to_last_year_are_kept_down(run, atantt):
    assert run(atantt, atantt_values(offences=47), ctx()) == ({}, 100.0)


def test_no_serious_crime_at_all_meets_the_serious_crime_condition(run, atantt):
    assert run(atantt, atantt_values(serious_crimes=0, serious_crimes_handled=0), ctx()) == ({}, 100.0)


@pytest.mark.parametrize(("passed", "failed", "expected"), [
    (7, 3, True),     # exactly 70% passes
    (14, 6, True),    # exactly 70% again
    (6, 4, False),
    (13, 6, False),   # 68.4%
    (2, 1, False),    # 66.7%
    (10, 0, True),
    (0, 5, False),
])
def test_seventy_percent_of_the_units_must_be_safe(atantt, passed, failed, expected):
    view = children(passed, failed, kind="school")
    assert atantt.outcomes(atantt_values(**NO_AREAS), ctx(view=view)) == {"atantt": expected}
    # The same share among residential areas the commune counts itself, with no unit reported.
    areas = atantt_values(areas_total=passed + failed, areas_recognised=passed)
    assert atantt.outcomes(areas, ctx(view=ChildrenView())) == {"atantt": expected}


def test_the_share_counts_residential_areas_agencies_enterprises_and_schools_together(atantt):
    view = ChildrenView.of([
        child("residential_area", True), child("residential_area", True), child("agency", True),
        child("enterprise", True), child("school", True), child("school", True), child("enterprise", True),
        child("residential_area", False), child("school", False), child("agency", False),
    ])
    assert atantt.outcomes(atantt_values(), ctx(view=view)) == {"atantt": True}  # 7 of 10


def test_counted_residential_areas_join_the_units_results(atantt):
    # 5 of 10 areas and 9 of 10 schools and enterprises: 14 of 20, exactly 70%.
    view = children(9, 1, kind="school")
    half, less = atantt_values(areas_recognised=5), atantt_values(areas_recognised=4)
    assert rules.units_share(half, view) == (14, 20)
    assert atantt.outcomes(half, ctx(view=view)) == {"atantt": True}
    assert atantt.outcomes(less, ctx(view=view)) == {"atantt": False}


def test_residential_areas_that_are_units_count_by_their_own_results_not_twice(atantt):
    view = children(7, 3)  # ten residential_area units
    counted = atantt_values(areas_total=10, areas_recognised=0)
    assert rules.units_share(counted, view) == (7, 10)
    assert atantt.outcomes(counted, ctx(view=view)) == {"atantt": True}


def test_units_outside_the_standard_or_not_reported_are_not_counted(atantt):
    view = ChildrenView.of([
        *[child("residential_area", True) for _ in range(7)],
        *[child("residential_area", False) for _ in range(3)],
        # TT 124 leaves out primary schools and small enterprises: no decided outcome.
        *[child("school", None, level="tieu_hoc") for _ in range(5)],
        child("enterprise", None, size="small"),
        # Reports still in draft or returned do not count.
        *[child("residential_area", False, status="draft") for _ in range(4)],
        child("school", False, status=None),
        # A kind Điều 5 does not name.
        *[child("front_org", False) for _ in range(3)],
    ])
    assert view.outcome_share("atantt", kinds=rules.CHILD_KINDS) == (7, 10)
    assert atantt.outcomes(atantt_values(**NO_AREAS), ctx(view=view)) == {"atantt": True}


def test_without_the_units_results_the_standard_cannot_be_judged(atantt):
    assert atantt.outcomes(atantt_values(), ctx()) == {"atantt": None}
    assert atantt.outcomes(atantt_values(), EvaluationContext()) == {"atantt": None}
    undecided = ChildrenView.of([child("school", None, level="mam_non"), child("enterprise", True,
                                                                                status="draft")])
    assert atantt.outcomes(atantt_values(**NO_AREAS), ctx(view=undecided)) == {"atantt": None}
    assert atantt.outcomes(atantt_values(**NO_AREAS), ctx(view=ChildrenView())) == {"atantt": None}


def test_wards_are_judged_like_communes_and_departments_not_at_all(atantt):
    assert atantt.outcomes(atantt_values(), ctx(tenant=WARD, view=children(7, 3))) == {"atantt": True}
    assert atantt.outcomes(atantt_values(), ctx(tenant=WARD, view=children(6, 4))) == {"atantt": False}
    assert atantt.outcomes(atantt_values(), ctx(tenant=DEPARTMENT, view=children(7, 3))) == {"atantt": None}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"serious_crimes_handled": 2}, "serious_crimes_handled", "số vụ tội phạm nghiêm trọng"),
    ({"units_registered": 25}, "units_registered", "không được lớn hơn tổng số khu dân cư"),
    ({"areas_recognised": 11}, "areas_recognised", "không được lớn hơn tổng số khu dân cư"),
    ({"areas_total": 25, "areas_recognised": 0}, "areas_total", "thuộc thẩm quyền quản lý"),
])
def test_atantt_cross_field_errors_name_the_field(run, atantt, changes, field, words):
    errors, score = run(atantt, atantt_values(**changes), ctx())
    assert score is None and list(errors) == [field]
    assert words in errors[field][0]


def test_last_years_count_must_match_last_years_report(run, atantt):
    previous = EvaluationContext(tenant=COMMUNE, previous=atantt_values(offences=50))
    errors, score = run(atantt, atantt_values(), previous)
    assert score is None
    assert errors == {"offences_previous_year": ["Số vụ năm trước phải khớp với báo cáo năm trước (50 vụ)."]}
    matching = EvaluationContext(tenant=COMMUNE, previous=atantt_values(offences=47))
    assert run(atantt, atantt_values(), matching) == ({}, 100.0)


def test_a_commune_has_at_least_one_unit_under_it(run, atantt):
    errors, _ = run(atantt, atantt_values(units_total=0, units_registered=0, **NO_AREAS), ctx())
    assert "units_total" in errors


# ------------------------------------------------------------------------- demo and rollups

@pytest.mark.parametrize("key", ["local.movement", "local.atantt"])
def test_demo_values_pass_validation_for_50_seeds(run, host, demo_values, key):
    criteria_set = host.criteria_set(key)
    kinds = sorted(criteria_set.applies_to)
    outcomes = set()
    for seed in range(50):
        tenant = SimpleNamespace(kind=kinds[seed % len(kinds)], name="Đơn vị", attributes={})
        data = demo_values(criteria_set, tenant, seed)
        errors, score = run(criteria_set, data, ctx(tenant=tenant))
        assert errors == {}, (seed, data)
        assert 0 <= score <= 100
        if criteria_set.outcomes:
            outcomes.add(tuple(criteria_set.outcomes(data, ctx(tenant=tenant, view=children(8, 2))).values()))
    if key == "local.atantt":
        assert outcomes == {(True,), (False,)}  # most communes pass, a few slip


def test_demo_values_leave_other_sets_alone():
    assert local_government.thidua_demo_values(SimpleNamespace(key="mediation.teams"), None,
                                               random.Random(1)) is None


@pytest.mark.parametrize("key", ["local.movement", "local.atantt"])
def test_aggregates_name_existing_fields(host, key):
    criteria_set = host.criteria_set(key)
    assert criteria_set.aggregates
    assert set(criteria_set.aggregates) <= set(criteria_set.schema._declared_fields)


def test_the_city_rolls_up_models_staff_and_units(movement, atantt):
    assert movement.aggregates["models_replicated"] == "sum"
    assert movement.aggregates["plan_issued"] == "count_true"
    assert atantt.aggregates["units_registered"] == "sum"


# ------------------------------------------------------- the platform's own view of the units

@pytest.fixture
def enabled_local_sets(app, db, world):
    from core.plugins.operations import configure_period
    from core.users.access import SystemAccess

    items = [{"key": "local.movement", "tenant_kinds": ["ward", "commune", "department"], "weight": 1},
             {"key": "local.atantt", "tenant_kinds": ["ward", "commune"], "weight": 1}]
    with app.app_context():
        enabled = configure_period(db, SystemAccess(db=db, user=None), plugin_host(app), world.period, items)
    db.commit()
    return enabled


def test_a_period_enables_both_sets_for_communes_and_wards(app, db, world, enabled_local_sets):
    from core.plugins.operations import sets_for_tenant

    host = plugin_host(app)
    assert [e.row.key for e in enabled_local_sets] == ["local.movement", "local.atantt"]
    assert {e.row.key for e in sets_for_tenant(db, host, world.period, world.tenant("commune-b"))} == {
        "local.movement", "local.atantt"}
    assert {e.row.key for e in sets_for_tenant(db, host, world.period, world.tenant("dept-edu"))} == {
        "local.movement"}


def test_the_commune_standard_reads_its_schools_results_from_the_platform(app, db, world, atantt):
    from core.reports.models import APPROVED, DRAFT, SUBMITTED
    from core.reports.operations import get_or_start
    from core.reports.sections import context_for

    ward = world.tenant("ward-a")
    for slug, status, passed in (("school-a1", APPROVED, True), ("school-a2", SUBMITTED, False)):
        submission = get_or_start(db, world.tenant(slug), world.period)
        submission.status, submission.outcomes = status, {"atantt": passed}
    db.commit()
    context = context_for(db, ward, world.period)
    assert context.extra["children"].outcome_share("atantt", kinds=rules.CHILD_KINDS) == (1, 2)
    # One school of two (50%) fails the ward; its 10 recognised residential areas lift it to 11 of 12.
    assert atantt.outcomes(atantt_values(**NO_AREAS), context) == {"atantt": False}
    assert atantt.outcomes(atantt_values(areas_recognised=10), context) == {"atantt": True}
    # A report sent back to draft no longer counts.
    get_or_start(db, world.tenant("school-a2"), world.period).status = DRAFT
    db.commit()
    assert atantt.outcomes(atantt_values(**NO_AREAS), context_for(db, ward, world.period)) == {"atantt": True}
