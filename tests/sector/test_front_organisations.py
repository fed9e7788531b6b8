"""front_organisations: criteria group a) of the plan for the Front and socio-political
organisations — validation, scoring on fixed inputs, demo values and rollups."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from core.plugins import EvaluationContext, describe
from plugins import front_organisations

PLUGIN = "front_organisations"
KEY = "front.movement"


@pytest.fixture
def movement(host):
    return host.criteria_set(KEY)


@pytest.fixture
def run(evaluate_set):
    """``run(criteria_set, data, ctx=None)`` → (errors, score)."""
    return evaluate_set


def values(**changes):
    data = {
        "coordination_regulation": True,
        "programmes_signed": 4,
        "programmes_done": 3,
        "info_exchanges": 2,
        "propaganda_sessions": 3,
        "members_total": 1000,
        "members_reached": 800,
        "grassroots_support": 5,
        "supervisions": 1,
        "social_criticisms": 1,
        "issues_raised": 3,
        "dan_van_kheo_models": 2,
        "dan_van_kheo_recognised": 1,
        "festival_held": True,
        "festival_participants": 350,
        "notes": "Phối hợp tuần tra đêm với Công an phường.",
    }
    data.update(changes)
    return data


FULL = values(programmes_done=4, info_exchanges=4, propaganda_sessions=4, members_reached=1000,
              supervisions=2, social_criticisms=2, dan_van_kheo_recognised=2)
NOTHING = values(coordination_regulation=False, programmes_signed=0, programmes_done=0, info_exchanges=0,
                 propaganda_sessions=0, members_total=0, members_reached=0, grassroots_support=0,
                 supervisions=0, social_criticisms=0, issues_raised=0, dan_van_kheo_models=0,
                 dan_van_kheo_recognised=0, festival_held=False, festival_participants=0)


def test_the_set_is_registered_for_front_organisations_only(host, movement):
    assert host.plugins["front_organisations"].state == "loaded"
    assert host.versions(KEY) == [1]
    assert movement.applies_to == frozenset({"front_org"})
    assert movement.sector == "front"


def test_every_field_is_labelled_in_vietnamese_and_english_and_every_number_has_a_range(movement):
    declared = movement.schema._declared_fields
    for info in describe(movement):
        assert info.label != info.name, info.name
        assert declared[info.name].metadata.get("label_en"), info.name
        if info.type == "integer":
            assert info.minimum == 0 and info.maximum is not None, info.name
            assert info.unit, info.name


def test_valid_values_score_the_hand_computed_total(run, movement):
    errors, score = run(movement, values())
    assert errors == {}
    # 10 (regulation) + 10×3/4 (programmes) + 2×1.25 (exchanges) + 3×2.5 (propaganda)
    # + 20×800/1000 (members) + 10 (support, capped) + 5 (supervision) + 2.5 (criticism)
    # + 5 (one recognised model) + 10 (festival)
    assert score == 10 + 7.5 + 2.5 + 7.5 + 16 + 10 + 5 + 2.5 + 5 + 10 == 76.0


def test_every_criterion_fully_met_scores_100_and_none_scores_0(run, movement):
    assert run(movement, FULL) == ({}, 100.0)
    assert run(movement, NOTHING) == ({}, 0.0)


def test_a_share_equal_to_its_whole_is_valid_and_earns_every_point(run, movement):
    errors, score = run(movement, values(programmes_done=4, members_reached=1000))
    assert errors == {}
    assert score == 76.0 + 2.5 + 4


def test_no_programme_signed_earns_nothing_for_programmes_carried_out(run, movement):
    errors, score = run(movement, values(programmes_signed=0, programmes_done=0))
    assert errors == {}
    assert score == 76.0 - 7.5


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"programmes_done": 5}, "programmes_done", "tổng số chương trình phối hợp"),
    ({"members_reached": 1001}, "members_reached", "tổng số thành viên"),
    ({"dan_van_kheo_recognised": 3}, "dan_van_kheo_recognised", "“Dân vận khéo”"),
    ({"festival_held": False}, "festival_participants", "chưa đánh dấu"),
])
def test_cross_field_errors_name_the_field_in_vietnamese(run, movement, changes, field, words):
    errors, score = run(movement, values(**changes))
    assert score is None
    assert list(errors) == [field]
    assert words in errors[field][0]


def test_schema_errors_are_vietnamese_and_name_the_field(run, movement):
    data = values(propaganda_sessions=-1)
    del data["members_total"]
    errors, score = run(movement, data)
    assert score is None
    assert errors["members_total"] == ["Vui lòng nhập trường này."]
    assert "propaganda_sessions" in errors


def test_the_festival_may_be_held_without_a_head_count(run, movement):
    data = values()
    del data["festival_participants"]
    assert run(movement, data) == ({}, 76.0)


def test_demo_values_pass_validation_for_50_seeds(run, demo_values, movement):
    units = [SimpleNamespace(kind="front_org", depth=1, attributes={}, name="Hội Liên hiệp Phụ nữ Thành phố"),
             SimpleNamespace(kind="front_org", depth=3, attributes={}, name="Chi hội Phụ nữ tổ dân phố 5")]
    scores = set()
    for seed in range(50):
        for unit in units:
            data = demo_values(movement, unit, seed)
            errors, score = run(movement, data, EvaluationContext(tenant=unit))
            assert errors == {}, (seed, data)
            assert 0 <= score <= 100
            scores.add(score)
    assert len(scores) > 10  # the demo varies


def test_demo_values_are_reproducible_and_sized_by_level(movement):
    city = SimpleNamespace(kind="front_org", depth=1, attributes={})
    branch = SimpleNamespace(kind="front_org", depth=3, attributes={})
    first = front_organisations.thidua_demo_values(movement, city, random.Random(7))
    assert first == front_organisations.thidua_demo_values(movement, city, random.Random(7))
    assert first["members_total"] >= 50_000
    second = front_organisations.thidua_demo_values(movement, branch, random.Random(7))
    assert second["members_total"] <= 6_000


def test_demo_values_leave_other_sets_alone():
    other = SimpleNamespace(key="school.safe_gate")
    assert front_organisations.thidua_demo_values(other, None, random.Random(1)) is None


def test_aggregates_name_existing_fields_for_the_city_rollup(movement):
    fields = movement.schema._declared_fields
    assert set(movement.aggregates) <= set(fields)
    assert movement.aggregates["members_reached"] == "sum"
    assert movement.aggregates["festival_held"] == "count_true"
    assert movement.aggregates["dan_van_kheo_recognised"] == "sum"
