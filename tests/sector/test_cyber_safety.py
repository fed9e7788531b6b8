"""cyber_safety: training and online-fraud prevention, information systems and data leaks:
validation, scores on fixed inputs, the "no data leak" standard and the demo values."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import fields as ma_fields
from marshmallow import validate as ma_validate

from core.plugins import EvaluationContext

from .tenants import Tenant as Unit

PLUGIN = "cyber_safety"
KEYS = ("cyber.training", "cyber.systems")
KINDS = {"ward", "commune", "department", "front_org", "agency", "enterprise", "school"}


@pytest.fixture
def check(judge):
    """``check(key, data, unit=None)`` → (errors, score, outcomes)."""
    return judge


def training(**changes: Any) -> dict[str, Any]:
    data = {
        "sessions": 4, "participants": 130, "staff_total": 100, "staff_trained": 100,
        "phishing_drills": 2, "drill_recipients": 100, "drill_clicked": 0, "fraud_sessions": 4,
        "fraud_people_reached": 900, "fraud_alerts": True,
    }
    data.update(changes)
    return data


def systems(**changes: Any) -> dict[str, Any]:
    data = {
        "systems_total": 4, "systems_level_approved": 4, "systems_assessed": 4, "incidents": 2,
        "incidents_handled": 2, "data_leaks": 0, "response_plan": True,
    }
    data.update(changes)
    return data


def test_the_sets_apply_to_every_kind_but_the_city(host):
    assert host.plugins[PLUGIN].state == "loaded"
    assert sorted(key for key, _ in host.plugins[PLUGIN].criteria_sets) == sorted(KEYS)
    for key in KEYS:
        criteria_set = host.criteria_set(key)
        assert criteria_set.applies_to == KINDS
        declared = criteria_set.schema._declared_fields
        assert criteria_set.aggregates and set(criteria_set.aggregates) <= set(declared)
        assert sum(f.metadata.get("points") or 0 for f in declared.values()) == 100
        for name, declared_field in declared.items():
            meta = declared_field.metadata
            assert meta.get("label") and meta.get("label_en"), f"{key}.{name}"
            if isinstance(declared_field, ma_fields.Integer):
                ranges = [v for v in declared_field.validators if isinstance(v, ma_validate.Range)]
                assert ranges and ranges[0].min >= 0 and ranges[0].max is not None, f"{key}.{name}"
                assert meta.get("unit"), f"{key}.{name}"


def test_full_training_scores_100(check):
    assert check("cyber.training", training()) == ({}, 100, None)


def test_training_scores_the_share_trained_and_the_drill_resistance(check):
    data = training(sessions=1, participants=70, staff_total=200, staff_trained=70, phishing_drills=1,
                    drill_recipients=150, drill_clicked=30, fraud_sessions=0, fraud_people_reached=0,
                    fraud_alerts=False)
    errors, score, _ = check("cyber.training", data)
    assert errors == {}
    # 2.5 + 40 × 35% + 7.5 + 15 × (1 − 20%) + 0 + 0
    assert score == 36


def test_exactly_seventy_percent_trained_earns_seventy_percent_of_its_points(check):
    _, score, _ = check("cyber.training", training(staff_total=100, staff_trained=70))
    assert score == 88  # 100 − 40 × 30%


def test_without_a_drill_there_are_no_drill_points(check):
    data = training(phishing_drills=0, drill_recipients=0, drill_clicked=0)
    assert check("cyber.training", data)[1] == 70


def test_training_counts_must_be_consistent(check):
    errors, score, _ = check("cyber.training", training(staff_trained=101, drill_clicked=101))
    assert score is None
    assert errors["staff_trained"] == [
        "Số cán bộ, người lao động được tập huấn không được lớn hơn tổng số cán bộ."
    ]
    assert "không được lớn hơn số người nhận thư" in errors["drill_clicked"][0]
    errors, _, _ = check("cyber.training", training(participants=90))
    assert "số lượt người tham gia tập huấn" in errors["staff_trained"][0]
    errors, _, _ = check("cyber.training", training(sessions=0, phishing_drills=0))
    assert errors["participants"] == ["Đã nhập số lượt người tham gia nhưng chưa có buổi tập huấn nào."]
    assert "chưa có lần diễn tập nào" in errors["drill_recipients"][0]


def test_secure_systems_score_100_and_have_no_leak(check):
    assert check("cyber.systems", systems()) == ({}, 100, {"no_data_leak": True})


def test_any_data_leak_fails_the_no_leak_criterion(check):
    errors, score, outcomes = check("cyber.systems", systems(data_leaks=1))
    assert errors == {}
    assert score == 70
    assert outcomes == {"no_data_leak": False}


def test_systems_shares_on_fixed_inputs(check):
    data = systems(systems_total=5, systems_level_approved=4, systems_assessed=1, incidents=4,
                   incidents_handled=3, response_plan=False)
    errors, score, _ = check("cyber.systems", data)
    assert errors == {}
    assert score == 65  # 20 × 80% + 20 × 20% + 20 × 75% + 30 + 0


def test_a_unit_without_systems_or_incidents_has_nothing_outstanding(check):
    data = systems(systems_total=0, systems_level_approved=0, systems_assessed=0, incidents=0,
                   incidents_handled=0, response_plan=False)
    assert check("cyber.systems", data, Unit(kind="school")) == ({}, 90, {"no_data_leak": True})


def test_systems_counts_must_be_consistent(check):
    errors, _, _ = check("cyber.systems", systems(systems_level_approved=5, systems_assessed=6,
                                                  incidents_handled=3))
    assert errors == {
        "systems_level_approved": [
            "Số hệ thống được phê duyệt cấp độ không được lớn hơn số hệ thống thông tin đang vận hành."],
        "systems_assessed": [
            "Số hệ thống được kiểm tra, đánh giá không được lớn hơn số hệ thống thông tin đang vận hành."],
        "incidents_handled": ["Số sự cố được xử lý không được lớn hơn tổng số sự cố."],
    }


def test_negative_counts_are_refused_by_the_schema(check):
    errors, score, _ = check("cyber.systems", systems(data_leaks=-1))
    assert score is None and set(errors) == {"data_leaks"}


@pytest.mark.parametrize("key", KEYS)
def test_demo_values_pass_validation_for_50_seeds(host, evaluate_set, demo_values, key):
    criteria_set = host.criteria_set(key)
    units = [Unit(kind=kind) for kind in sorted(KINDS)]
    units += [Unit(kind="enterprise", attributes={"size": size}) for size in ("micro", "large")]
    for seed in range(50):
        unit = units[seed % len(units)]
        values = demo_values(criteria_set, unit, seed)
        errors, score = evaluate_set(criteria_set, values, EvaluationContext(tenant=unit))
        assert errors == {}, (seed, unit.kind, values, errors)
        assert 0 <= score <= 100
