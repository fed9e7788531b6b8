"""school_safety: TT 124 Điều 7 ("An toàn về ANTT"), "Cổng trường an toàn", "Trường học không ma
túy, không bạo lực" and legal education: validation, scores on fixed inputs, standards and demo."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from marshmallow import fields as ma_fields
from marshmallow import validate as ma_validate

from core.plugins import EvaluationContext

from .tenants import Tenant

PLUGIN = "school_safety"
KEYS = ("school.atantt", "school.safe_gate", "school.drug_violence_free", "school.legal_education")


Unit = partial(Tenant, kind="school", name="Trường THCS Thành Công", depth=3)


@pytest.fixture
def check(judge):
    """``check(key, data, level="thcs")`` → (errors, score, outcomes)."""

    def run(key: str, data: dict[str, Any], level: str | None = "thcs", tenant: Any = "default"):
        unit = Unit(attributes={"level": level} if level else {}) if tenant == "default" else tenant
        return judge(key, data, unit)

    return run


def atantt(**changes: Any) -> dict[str, Any]:
    """A school meeting every criterion of TT 124 Điều 7."""
    data = {
        "has_party_organisation": True, "party_resolution": True, "security_plan": True,
        "registered": True, "internal_rules": True, "people_total": 1250, "people_briefed": 1250,
        "effective_models": 2, "policies_implemented": True, "parents_coordination": True,
        "listed_incidents": 0, "school_violence_cases": 0, "crime_or_evil_disciplined": 0,
        "protection_force_rating": "Hoàn thành tốt nhiệm vụ", "protection_force_disciplined": 0,
        "sub_units_total": 10, "sub_units_rated_well": 9, "sub_units_disciplined": 0,
    }
    data.update(changes)
    return data


def gate(**changes: Any) -> dict[str, Any]:
    data = {
        "signage_complete": True, "pickup_parking": True, "traffic_accidents": 0,
        "congestion_incidents": 0, "helmet_violations": 0, "commitments_signed": True,
        "self_management_team": True,
    }
    data.update(changes)
    return data


def test_the_plugin_declares_four_school_sets_with_complete_fields(host):
    assert host.plugins[PLUGIN].state == "loaded"
    assert sorted(key for key, _ in host.plugins[PLUGIN].criteria_sets) == sorted(KEYS)
    for key in KEYS:
        criteria_set = host.criteria_set(key)
        assert criteria_set.applies_to == {"school"}
        declared = criteria_set.schema._declared_fields
        assert set(criteria_set.aggregates) <= set(declared)
        assert criteria_set.aggregates, key
        for name, declared_field in declared.items():
            meta = declared_field.metadata
            assert meta.get("label") and meta.get("label_en"), f"{key}.{name}"
            if isinstance(declared_field, ma_fields.Integer):
                ranges = [v for v in declared_field.validators if isinstance(v, ma_validate.Range)]
                assert ranges and ranges[0].min is not None and ranges[0].min >= 0, f"{key}.{name}"
                assert ranges[0].max is not None, f"{key}.{name}"
                assert meta.get("unit"), f"{key}.{name}"


@pytest.mark.parametrize("key", KEYS)
def test_the_points_of_each_set_add_up_to_100(host, key):
    declared = host.criteria_set(key).schema._declared_fields.values()
    assert sum(f.metadata.get("points") or 0 for f in declared) == 100


def test_a_school_meeting_every_criterion_scores_100_and_is_atantt(check):
    errors, score, outcomes = check("school.atantt", atantt())
    assert errors == {}
    assert score == 100
    assert outcomes == {"atantt": True}


def test_parts_may_not_exceed_their_whole(check):
    errors, score, _ = check("school.atantt", atantt(people_briefed=1300, sub_units_rated_well=11))
    assert score is None
    assert errors["people_briefed"] == [
        "Số người được phổ biến, quán triệt không được lớn hơn tổng số cán bộ, người dạy và người học."
    ]
    assert "không được lớn hơn tổng số đầu mối trực thuộc" in errors["sub_units_rated_well"][0]


def test_a_resolution_needs_a_party_organisation_and_discipline_needs_a_force(check):
    errors, _, _ = check("school.atantt", atantt(
        has_party_organisation=False, protection_force_rating="Không có lực lượng bảo vệ",
        protection_force_disciplined=1,
    ))
    assert "chưa có tổ chức Đảng" in errors["party_resolution"][0]
    assert "không có lực lượng bảo vệ" in errors["protection_force_disciplined"][0]


def test_the_schema_refuses_negative_counts_unknown_ratings_and_missing_answers(check):
    data = atantt(school_violence_cases=-1, protection_force_rating="Tốt")
    del data["registered"]
    errors, score, _ = check("school.atantt", data)
    assert score is None
    assert set(errors) == {"school_violence_cases", "protection_force_rating", "registered"}


@pytest.mark.parametrize(("total", "rated_well", "passes"), [
    (10, 7, True),     # exactly 70%
    (20, 14, True),    # exactly 70%
    (10, 6, False),
    (100, 69, False),  # just under 70%
    (0, 0, True),      # no sub-unit to rate
])
def test_seventy_percent_of_sub_units_is_enough(check, total, rated_well, passes):
    data = atantt(sub_units_total=total, sub_units_rated_well=rated_well)
    errors, score, outcomes = check("school.atantt", data)
    assert errors == {}
    assert outcomes == {"atantt": passes}
    assert score == (100 if passes else 95)


def test_every_person_must_be_briefed(check):
    _, score, outcomes = check("school.atantt", atantt(people_total=1000, people_briefed=990))
    assert score == 99.9  # 10 × 99%
    assert outcomes == {"atantt": False}


def test_a_mixed_year_scores_the_hand_computed_points(check):
    data = atantt(
        has_party_organisation=False, party_resolution=False,  # met: no Party organisation
        security_plan=False,                                   # −5
        people_total=500, people_briefed=450,                  # −1 (10 × 90% = 9)
        school_violence_cases=1,                               # −10
        protection_force_rating="Hoàn thành nhiệm vụ",         # −10
        sub_units_disciplined=2,                               # −5
    )
    errors, score, outcomes = check("school.atantt", data)
    assert errors == {}
    assert score == 69
    assert outcomes == {"atantt": False}


@pytest.mark.parametrize("rating", ["Tập thể lao động tiên tiến", "Hoàn thành xuất sắc nhiệm vụ",
                                    "Chưa đủ điều kiện bình xét", "Không có lực lượng bảo vệ"])
def test_force_ratings_that_meet_the_standard(check, rating):
    assert check("school.atantt", atantt(protection_force_rating=rating))[1:] == (100, {"atantt": True})


@pytest.mark.parametrize("level", ["tieu_hoc", "mam_non", "nha_tre"])
def test_primary_schools_and_kindergartens_are_outside_tt124(check, level):
    errors, score, outcomes = check("school.atantt", atantt(listed_incidents=3), level=level)
    assert errors == {}
    assert outcomes == {"atantt": None}
    assert score == 90  # still scored for the movement


def test_the_parents_board_counts_only_in_general_education(check):
    data = atantt(parents_coordination=False)
    assert check("school.atantt", data, level="thpt")[1:] == (95, {"atantt": False})
    assert check("school.atantt", data, level="dai_hoc")[1:] == (100, {"atantt": True})
    # without a tenant (or a level) the school is judged as general education
    assert check("school.atantt", data, tenant=None)[1:] == (95, {"atantt": False})
    assert check("school.atantt", data, level=None)[1:] == (95, {"atantt": False})


def test_a_safe_gate_meets_every_condition(check):
    assert check("school.safe_gate", gate()) == ({}, 100, {"safe_gate": True})


def test_gate_incidents_cost_their_points_whatever_their_number(check):
    errors, score, outcomes = check("school.safe_gate", gate(helmet_violations=12, congestion_incidents=1))
    assert errors == {}
    assert score == 75  # −15 helmets, −10 congestion
    assert outcomes == {"safe_gate": False}
    _, score, _ = check("school.safe_gate", gate(traffic_accidents=1, self_management_team=False,
                                                 pickup_parking=False))
    assert score == 55  # −20 −10 −15


def test_drug_and_violence_free_school(check):
    data = {"propaganda_sessions": 3, "students_total": 400, "students_committed": 300,
            "drug_cases": 0, "violence_cases": 1}
    errors, score, outcomes = check("school.drug_violence_free", data)
    assert errors == {}
    assert score == 60  # 3 × 5 + 20 × 75% + 30 + 0
    assert outcomes == {"drug_violence_free": False}
    data.update(violence_cases=0, propaganda_sessions=9, students_committed=400)
    assert check("school.drug_violence_free", data)[1:] == (100, {"drug_violence_free": True})


def test_more_commitments_than_pupils_is_refused(check):
    data = {"propaganda_sessions": 1, "students_total": 400, "students_committed": 401,
            "drug_cases": 0, "violence_cases": 0}
    errors, _, _ = check("school.drug_violence_free", data)
    assert errors == {"students_committed": ["Số học sinh ký cam kết không được lớn hơn tổng số học sinh."]}


def test_legal_education_scores_lessons_per_unit_and_the_share_reached(check):
    data = {"legal_lessons": 4, "fraud_lessons": 5, "traffic_lessons": 1, "police_talks": 0,
            "students_total": 1000, "students_reached": 500, "family_coordination": True}
    errors, score, outcomes = check("school.legal_education", data)
    assert errors == {}
    assert score == 57.5  # 10 + 20 (capped) + 2.5 + 0 + 15 + 10
    assert outcomes is None


def test_pupils_are_reached_only_through_lessons(check):
    data = {"legal_lessons": 0, "fraud_lessons": 0, "traffic_lessons": 2, "police_talks": 1,
            "students_total": 1000, "students_reached": 10, "family_coordination": False}
    errors, _, _ = check("school.legal_education", data)
    assert "chưa có tiết, buổi giáo dục pháp luật" in errors["students_reached"][0]
    errors, _, _ = check("school.legal_education", {**data, "legal_lessons": 1, "students_reached": 1001})
    assert errors["students_reached"] == ["Số học sinh được giáo dục không được lớn hơn tổng số học sinh."]


@pytest.mark.parametrize("key", KEYS)
def test_demo_values_pass_validation_for_50_seeds(host, evaluate_set, demo_values, key):
    criteria_set = host.criteria_set(key)
    levels = ["thcs", "tieu_hoc", "mam_non", "thpt", "dai_hoc", None]
    for seed in range(50):
        unit = Unit(attributes={"level": levels[seed % len(levels)]})
        values = demo_values(criteria_set, unit, seed)
        errors, score = evaluate_set(criteria_set, values, EvaluationContext(tenant=unit))
        assert errors == {}, (seed, values, errors)
        assert 0 <= score <= 100


def test_the_same_seed_gives_the_same_demo_values(demo_values):
    made = [demo_values("school.atantt", Unit(), 7) for _ in range(2)]
    assert made[0] == made[1]
