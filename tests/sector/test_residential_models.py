"""residential_models: "Camera an ninh", Tổ tự phòng tự quản / Tổ liên gia, khu dân cư "An toàn
về an ninh, trật tự" — validation, scores on fixed inputs, the 70% standard and demo values."""

from __future__ import annotations

import random

import pytest

from core.plugins import EvaluationContext
from core.plugins.manager import plugin_host
from plugins.residential_models import demo

PLUGIN = "residential_models"
KEYS = ("residential.security_camera", "residential.self_management", "residential.atantt_areas")

CAMERAS = {"has_regulation": True, "cameras_installed": 200, "cameras_connected": 150, "locations": 80,
           "cases_supported": 4}
TEAMS = {"households_total": 10_000, "self_managed_teams": 20, "self_managed_households": 2_500,
         "liaison_teams": 300, "liaison_households": 4_000, "effective_teams": 240}
AREAS = {"areas_total": 40, "areas_registered": 40, "areas_all_households": 38, "areas_recognised": 30}


@pytest.fixture
def check(evaluate_set):
    """``check(key, data, ctx=None, **changes)`` → (errors, score) of the latest version of the set."""
    return evaluate_set


def outcomes(app, key, data, **changes):
    criteria_set = plugin_host(app).criteria_set(key)
    return criteria_set.outcomes({**data, **changes}, EvaluationContext())


def test_the_sets_are_registered_for_wards_and_communes(app):
    host = plugin_host(app)
    assert host.plugins["residential_models"].state == "loaded", host.plugins["residential_models"].cause
    for key in KEYS:
        criteria_set = host.criteria_set(key)
        assert criteria_set is not None, key
        assert criteria_set.applies_to == {"ward", "commune"}
        assert criteria_set.aggregates, key
        for name in criteria_set.aggregates:
            assert name in criteria_set.schema._declared_fields
        for name, declared in criteria_set.schema._declared_fields.items():
            assert declared.metadata.get("label") and declared.metadata.get("label_en"), name


@pytest.mark.parametrize("key, data, expected", [
    # 10 + 20 + 40 × 150/200 + min(30, 4 × 5)
    ("residential.security_camera", CAMERAS, 80.0),
    # 15 + 25 × 0.25 + 15 + 25 × 0.4 + 20 × 240/320
    ("residential.self_management", TEAMS, 61.25),
    # 20 × 1 + 20 × 38/40 + 60 × 30/40
    ("residential.atantt_areas", AREAS, 84.0),
])
def test_valid_values_score_as_computed_by_hand(check, key, data, expected):
    assert check(key, data) == ({}, expected)


def test_camera_score_caps_cases_and_handles_no_camera(check):
    # 10 + 20 + 40 × 0.75 + 30 (capped)
    assert check("residential.security_camera", CAMERAS, cases_supported=50)[1] == 90.0
    full = check("residential.security_camera", CAMERAS, cases_supported=50, cameras_connected=200)
    assert full == ({}, 100.0)
    nothing = {"has_regulation": False, "cameras_installed": 0, "cameras_connected": 0, "locations": 0,
               "cases_supported": 0}
    assert check("residential.security_camera", nothing) == ({}, 0.0)


def test_connected_cameras_cannot_outnumber_installed_ones(check):
    errors, score = check("residential.security_camera", CAMERAS, cameras_connected=201)
    assert score is None
    assert errors == {"cameras_connected": [
        "Số camera kết nối với Công an (201) không được nhiều hơn số camera đã lắp đặt (200)."
    ]}
    assert check("residential.security_camera", CAMERAS, cameras_connected=200)[0] == {}


def test_camera_locations_must_fit_the_cameras(check):
    too_many = check("residential.security_camera", CAMERAS, locations=201)[0]
    assert list(too_many) == ["locations"] and "không được nhiều hơn" in too_many["locations"][0]
    none = check("residential.security_camera", CAMERAS, locations=0)[0]
    assert none == {"locations": ["Đã lắp đặt camera thì phải có ít nhất một điểm lắp đặt."]}


def test_schema_ranges_and_required_fields_answer_in_vietnamese(check):
    errors, _ = check("residential.security_camera", CAMERAS, cameras_installed=-1)
    assert errors == {"cameras_installed": ["Giá trị phải từ 0 đến 100000."]}
    missing = {k: v for k, v in CAMERAS.items() if k != "has_regulation"}
    errors, _ = check("residential.security_camera", missing)
    assert errors == {"has_regulation": ["Vui lòng nhập trường này."]}


def test_team_households_cannot_exceed_the_area(check):
    errors, score = check("residential.self_management", TEAMS, liaison_households=10_001)
    assert score is None and list(errors) == ["liaison_households"]
    assert "Tổ liên gia" in errors["liaison_households"][0] and "10000" in errors["liaison_households"][0]


def test_every_team_has_a_household_and_households_need_a_team(check):
    errors = check("residential.self_management", TEAMS, self_managed_households=19)[0]
    assert list(errors) == ["self_managed_households"]
    assert errors["self_managed_households"][0].startswith("Mỗi Tổ tự phòng, tự quản phải có ít nhất một hộ")
    errors = check("residential.self_management", TEAMS, liaison_teams=0, effective_teams=0)[0]
    assert errors == {
        "liaison_teams": ["Đã có hộ tham gia thì phải có ít nhất một Tổ liên gia về an ninh, trật tự."]
    }


def test_effective_teams_are_among_all_teams(check):
    assert list(check("residential.self_management", TEAMS, effective_teams=321)[0]) == ["effective_teams"]
    assert check("residential.self_management", TEAMS, effective_teams=320) == ({}, 66.25)


def test_recognised_areas_need_registration_and_all_households(check):
    errors, score = check("residential.atantt_areas", AREAS, areas_recognised=39)
    assert score is None and list(errors) == ["areas_recognised"]
    message = errors["areas_recognised"][0]
    assert "(38)" in message and "Thông tư 124/2021/TT-BCA" in message
    errors = check("residential.atantt_areas", AREAS, areas_registered=41)[0]
    assert "areas_registered" in errors
    assert check("residential.atantt_areas", AREAS, areas_total=0)[0] == {
        "areas_total": ["Giá trị phải từ 1 đến 2000."]
    }


@pytest.mark.parametrize("registered, recognised, expected", [
    (10, 7, True),    # exactly 70% passes
    (10, 6, False),   # 60%
    (10, 10, True),
    (9, 7, False),    # one area did not register: TT 124 Điều 5 khoản 4 needs 100%
])
def test_the_70_percent_standard_for_residential_areas(app, check, registered, recognised, expected):
    data = {"areas_total": 10, "areas_registered": registered, "areas_all_households": 10,
            "areas_recognised": recognised}
    assert check("residential.atantt_areas", data)[0] == {}
    assert outcomes(app, "residential.atantt_areas", data) == {"areas_atantt_70": expected}


def test_outcome_of_a_large_ward_at_the_boundary(app):
    data = {"areas_total": 73, "areas_registered": 73, "areas_all_households": 73}
    # 51/73 = 69.9%, 52/73 = 71.2%
    assert outcomes(app, "residential.atantt_areas", data, areas_recognised=51) == {"areas_atantt_70": False}
    assert outcomes(app, "residential.atantt_areas", data, areas_recognised=52) == {"areas_atantt_70": True}


def test_demo_values_pass_validation_for_50_seeds(check, demo_values, world, db):
    tenants = [world.tenant("ward-a"), world.tenant("commune-b")]
    for seed in range(50):
        for tenant in tenants:
            for key in KEYS:
                values = demo_values(key, tenant, seed)
                errors, score = check(key, values, EvaluationContext(tenant=tenant, period=world.period))
                assert errors == {}, (seed, tenant.kind, key, values)
                assert 0 <= score <= 100


def test_demo_values_are_reproducible_and_only_for_own_sets(demo_values, world):
    ward = world.tenant("ward-a")
    first = demo_values("residential.security_camera", ward, 7)
    again = demo_values("residential.security_camera", ward, 7)
    assert first == again
    assert demo.demo_values("school.safe_gate", ward, random.Random(1)) is None


@pytest.mark.parametrize("key, data", [
    ("residential.self_management", {**TEAMS, "self_managed_households": 10_000, "liaison_households": 10_000,
                                     "effective_teams": 320}),
    ("residential.atantt_areas", {**AREAS, "areas_all_households": 40, "areas_recognised": 40}),
])
def test_every_criterion_fully_met_scores_100(check, key, data):
    assert check(key, data) == ({}, 100.0)
