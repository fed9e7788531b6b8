"""enterprise_security: TT 124 Điều 6 ("An toàn về ANTT" for agencies and enterprises), the
protection force and the models built with the local police: validation, scores, standards, demo."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from marshmallow import fields as ma_fields
from marshmallow import validate as ma_validate

from core.plugins import EvaluationContext

from .tenants import Tenant

PLUGIN = "enterprise_security"
KEYS = ("enterprise.atantt", "enterprise.protection_force", "enterprise.police_models")


Unit = partial(Tenant, kind="enterprise", name="Công ty TNHH Cơ khí Thăng Long", depth=3)


@pytest.fixture
def check(judge):
    """``check(key, data, unit)`` → (errors, score, outcomes); a medium enterprise by default,
    ``None`` for no tenant."""

    def run(key: str, data: dict[str, Any], unit: Any = "medium"):
        return judge(key, data, Unit(attributes={"size": "medium"}) if unit == "medium" else unit)

    return run


def atantt(**changes: Any) -> dict[str, Any]:
    """A unit meeting every criterion of TT 124 Điều 6."""
    data = {
        "has_party_organisation": True, "party_resolution": True, "security_plan": True,
        "registered": True, "internal_rules": True, "staff_total": 240, "staff_briefed": 240,
        "effective_models": 1, "policies_implemented": True, "listed_incidents": 0,
        "staff_sanctioned": 0, "protection_force_rating": "Tập thể lao động tiên tiến",
        "protection_force_disciplined": 0, "sub_units_total": 12, "sub_units_rated_well": 10,
        "sub_units_disciplined": 0,
    }
    data.update(changes)
    return data


def force(**changes: Any) -> dict[str, Any]:
    data = {"members": 8, "trained": 8, "certified": 8, "regimes_guaranteed": True,
            "rating": "Hoàn thành tốt nhiệm vụ", "disciplined": 0}
    data.update(changes)
    return data


def models(**changes: Any) -> dict[str, Any]:
    data = {"coordination_regulation": True, "models_active": 2, "models_new": 1, "joint_activities": 3,
            "tips_reported": 2, "propaganda_sessions": 4}
    data.update(changes)
    return data


def test_the_plugin_declares_three_sets_for_agencies_and_enterprises(host):
    assert host.plugins[PLUGIN].state == "loaded"
    assert sorted(key for key, _ in host.plugins[PLUGIN].criteria_sets) == sorted(KEYS)
    for key in KEYS:
        criteria_set = host.criteria_set(key)
        assert criteria_set.applies_to == {"agency", "enterprise"}
        declared = criteria_set.schema._declared_fields
        assert criteria_set.aggregates and set(criteria_set.aggregates) <= set(declared)
        for name, declared_field in declared.items():
            meta = declared_field.metadata
            assert meta.get("label") and meta.get("label_en"), f"{key}.{name}"
            if isinstance(declared_field, ma_fields.Integer):
                ranges = [v for v in declared_field.validators if isinstance(v, ma_validate.Range)]
                assert ranges and ranges[0].min >= 0 and ranges[0].max is not None, f"{key}.{name}"
                assert meta.get("unit"), f"{key}.{name}"


@pytest.mark.parametrize("key", ["enterprise.atantt", "enterprise.police_models"])
def test_the_points_of_each_set_add_up_to_100(host, key):
    declared = host.criteria_set(key).schema._declared_fields.values()
    assert sum(f.metadata.get("points") or 0 for f in declared) == 100


def test_a_unit_meeting_every_criterion_scores_100_and_is_atantt(check):
    assert check("enterprise.atantt", atantt()) == ({}, 100, {"atantt": True})
    agency = Unit(kind="agency", attributes={})
    assert check("enterprise.atantt", atantt(), agency) == ({}, 100, {"atantt": True})


def test_parts_may_not_exceed_their_whole(check):
    errors, score, _ = check("enterprise.atantt", atantt(staff_briefed=241, sub_units_rated_well=13))
    assert score is None
    assert errors["staff_briefed"] == [
        "Số cán bộ, người lao động được phổ biến, quán triệt không được lớn hơn tổng số cán bộ, "
        "người lao động."
    ]
    assert "không được lớn hơn tổng số đầu mối trực thuộc" in errors["sub_units_rated_well"][0]


def test_a_resolution_needs_a_party_organisation_and_discipline_needs_a_force(check):
    errors, _, _ = check("enterprise.atantt", atantt(
        has_party_organisation=False, protection_force_rating="Không có lực lượng bảo vệ",
        protection_force_disciplined=2,
    ))
    assert "chưa có tổ chức Đảng" in errors["party_resolution"][0]
    assert "không có lực lượng bảo vệ" in errors["protection_force_disciplined"][0]


@pytest.mark.parametrize(("total", "rated_well", "passes"), [
    (10, 7, True),    # exactly 70%
    (30, 21, True),   # exactly 70%
    (10, 6, False),
    (1000, 699, False),
    (0, 0, True),
])
def test_seventy_percent_of_sub_units_is_enough(check, total, rated_well, passes):
    errors, score, outcomes = check("enterprise.atantt",
                                    atantt(sub_units_total=total, sub_units_rated_well=rated_well))
    assert errors == {}
    assert (score, outcomes) == ((100, {"atantt": True}) if passes else (95, {"atantt": False}))


def test_a_mixed_year_scores_the_hand_computed_points(check):
    data = atantt(
        has_party_organisation=False, party_resolution=False,  # met: no Party organisation
        registered=False,                                      # −5
        staff_total=200, staff_briefed=150,                    # −2.5 (10 × 75% = 7.5)
        effective_models=0,                                    # −10
        listed_incidents=1,                                    # −15
        protection_force_rating="Chưa đủ điều kiện bình xét",  # met
    )
    errors, score, outcomes = check("enterprise.atantt", data)
    assert errors == {}
    assert score == 67.5
    assert outcomes == {"atantt": False}


@pytest.mark.parametrize(("rating", "score"), [
    ("Hoàn thành xuất sắc nhiệm vụ", 100), ("Hoàn thành tốt nhiệm vụ", 100), ("Hoàn thành nhiệm vụ", 90),
    ("Không hoàn thành nhiệm vụ", 90), ("Không có lực lượng bảo vệ", 90),
])
def test_an_agency_or_enterprise_needs_a_well_rated_protection_force(check, rating, score):
    _, got, outcomes = check("enterprise.atantt", atantt(protection_force_rating=rating))
    assert got == score
    assert outcomes == {"atantt": score == 100}


@pytest.mark.parametrize("unit", [
    Unit(attributes={"size": "small"}), Unit(attributes={"size": "micro"}),
    Unit(kind="agency", attributes={"armed_forces": True}),
])
def test_small_and_micro_enterprises_and_armed_forces_are_outside_tt124(check, unit):
    errors, score, outcomes = check("enterprise.atantt", atantt(staff_sanctioned=1), unit)
    assert errors == {}
    assert outcomes == {"atantt": None}
    assert score == 90


def test_large_enterprises_and_units_of_unknown_size_are_judged(check):
    assert check("enterprise.atantt", atantt(), Unit(attributes={"size": "large"}))[2] == {"atantt": True}
    assert check("enterprise.atantt", atantt(staff_sanctioned=1), Unit())[2] == {"atantt": False}
    # size is an enterprise attribute: an agency is judged whatever its size
    agency = Unit(kind="agency", attributes={"size": "small"})
    assert check("enterprise.atantt", atantt(), agency) == ({}, 100, {"atantt": True})
    assert check("enterprise.atantt", atantt(), None)[2] == {"atantt": True}


def test_a_fully_trained_well_rated_force_scores_100(check):
    assert check("enterprise.protection_force", force()) == ({}, 100, None)


def test_force_shares_and_rating_on_fixed_inputs(check):
    data = force(members=10, trained=8, certified=5, regimes_guaranteed=False, rating="Hoàn thành nhiệm vụ",
                 disciplined=1)
    errors, score, _ = check("enterprise.protection_force", data)
    assert errors == {}
    assert score == 40  # 25 × 80% + 20 × 50% + 0 + 10 + 0


def test_a_unit_without_a_force_scores_nothing_for_it(check):
    data = force(members=0, trained=0, certified=0, regimes_guaranteed=False,
                 rating="Không có lực lượng bảo vệ")
    assert check("enterprise.protection_force", data) == ({}, 0, None)


def test_force_counts_are_nested(check):
    errors, _, _ = check("enterprise.protection_force", force(trained=9, certified=10, disciplined=9))
    assert errors["trained"] == [
        "Số thành viên được huấn luyện không được lớn hơn số thành viên lực lượng bảo vệ."
    ]
    assert "không được lớn hơn số thành viên đã được huấn luyện" in errors["certified"][0]
    assert "bị kỷ luật không được lớn hơn" in errors["disciplined"][0]


def test_no_force_goes_with_no_members(check):
    errors, _, _ = check("enterprise.protection_force", force(rating="Không có lực lượng bảo vệ"))
    assert set(errors) == {"rating"}
    errors, _, _ = check("enterprise.protection_force", force(members=0, trained=0, certified=0))
    assert set(errors) == {"members"}
    assert "Không có lực lượng bảo vệ" in errors["members"][0]


def test_police_models_use_the_default_points(check):
    assert check("enterprise.police_models", models()) == ({}, 100, None)
    data = models(coordination_regulation=False, models_active=1, models_new=0, joint_activities=1,
                  tips_reported=0, propaganda_sessions=1)
    assert check("enterprise.police_models", data)[:2] == ({}, 22.5)  # 0 + 15 + 0 + 5 + 0 + 2.5


def test_new_models_are_among_the_models_maintained(check):
    errors, _, _ = check("enterprise.police_models", models(models_active=1, models_new=2))
    assert errors == {"models_new": [
        "Số mô hình xây dựng mới, nhân rộng trong năm không được lớn hơn số mô hình đang duy trì."
    ]}


@pytest.mark.parametrize("key", KEYS)
def test_demo_values_pass_validation_for_50_seeds(host, evaluate_set, demo_values, key):
    criteria_set = host.criteria_set(key)
    units = [Unit(attributes={"size": size}) for size in ("micro", "small", "medium", "large")]
    units += [Unit(kind="agency"), Unit()]
    for seed in range(50):
        unit = units[seed % len(units)]
        values = demo_values(criteria_set, unit, seed)
        errors, score = evaluate_set(criteria_set, values, EvaluationContext(tenant=unit))
        assert errors == {}, (seed, values, errors)
        assert 0 <= score <= 100
