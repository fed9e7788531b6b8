"""mediation: mediation teams (≥3 mediators including a woman, Luật Hòa giải ở cơ sở 2013 Điều 12)
and cases (successful + unsuccessful + pending ≤ received → success rate); demo values."""

from __future__ import annotations

import random

import pytest

from core.plugins import EvaluationContext
from core.plugins.manager import plugin_host
from plugins.mediation import demo, rules

PLUGIN = "mediation"
KEYS = ("mediation.teams", "mediation.cases")

TEAMS = {"teams": 20, "teams_compliant": 18, "mediators": 90, "women_mediators": 30, "mediators_trained": 60}
CASES = {"cases_received": 50, "cases_successful": 36, "cases_unsuccessful": 4, "cases_pending": 5}


@pytest.fixture
def check(evaluate_set):
    """``check(key, data, ctx=None, **changes)`` → (errors, score) of the latest version of the set."""
    return evaluate_set


def test_the_sets_are_registered_for_wards_and_communes(app):
    host = plugin_host(app)
    assert host.plugins["mediation"].state == "loaded", host.plugins["mediation"].cause
    for key in KEYS:
        criteria_set = host.criteria_set(key)
        assert criteria_set.applies_to == {"ward", "commune"}
        assert criteria_set.aggregates
        for name in criteria_set.aggregates:
            assert name in criteria_set.schema._declared_fields
        for name, declared in criteria_set.schema._declared_fields.items():
            assert declared.metadata.get("label") and declared.metadata.get("label_en"), name
            assert declared.required, name


def test_team_score_is_computed_by_hand(check):
    # 60 × 18/20 + 40 × 60/90
    assert check("mediation.teams", TEAMS) == ({}, 80.67)
    assert check("mediation.teams", TEAMS, teams_compliant=20, mediators=100, mediators_trained=100) == (
        {}, 100.0,
    )


def test_a_unit_without_team_scores_nothing_and_fails_the_standard(app, check):
    nothing = {"teams": 0, "teams_compliant": 0, "mediators": 0, "women_mediators": 0, "mediators_trained": 0}
    assert check("mediation.teams", nothing) == ({}, 0.0)
    criteria_set = plugin_host(app).criteria_set("mediation.teams")
    assert criteria_set.outcomes(nothing, EvaluationContext()) == {"teams_compliant": False}


@pytest.mark.parametrize("compliant, expected", [(20, True), (19, False)])
def test_every_team_must_meet_the_rule_for_the_standard(app, compliant, expected):
    criteria_set = plugin_host(app).criteria_set("mediation.teams")
    outcome = criteria_set.outcomes({**TEAMS, "teams_compliant": compliant}, EvaluationContext())
    assert outcome == {"teams_compliant": expected}


def test_compliant_teams_are_among_all_teams(check):
    errors, score = check("mediation.teams", TEAMS, teams_compliant=21)
    assert score is None
    assert errors["teams_compliant"] == [
        "Số tổ hòa giải đạt quy định (21) không được nhiều hơn tổng số tổ hòa giải (20)."
    ]


def test_three_mediators_per_compliant_team(check):
    # 18 compliant teams need 54 mediators; exactly 54 passes
    assert check("mediation.teams", TEAMS, mediators=54, mediators_trained=54)[0] == {}
    errors = check("mediation.teams", TEAMS, mediators=53, mediators_trained=53)[0]
    assert list(errors) == ["mediators"]
    assert "cần ít nhất 54 người" in errors["mediators"][0]


def test_every_team_has_a_mediator(check):
    data = {"teams": 10, "teams_compliant": 0, "mediators": 9, "women_mediators": 0, "mediators_trained": 0}
    errors = check("mediation.teams", data)[0]
    assert list(errors) == ["mediators"] and "cần ít nhất 10 người" in errors["mediators"][0]


def test_a_woman_in_every_compliant_team(check):
    errors = check("mediation.teams", TEAMS, women_mediators=17)[0]
    assert errors == {"women_mediators": [
        "Mỗi tổ đạt quy định phải có hòa giải viên nữ: số hòa giải viên nữ (17) không được ít hơn "
        "số tổ đạt quy định (18)."
    ]}
    assert check("mediation.teams", TEAMS, women_mediators=18)[0] == {}
    assert list(check("mediation.teams", TEAMS, women_mediators=91)[0]) == ["women_mediators"]


def test_trained_mediators_are_among_all_mediators(check):
    errors = check("mediation.teams", TEAMS, mediators_trained=91)[0]
    assert list(errors) == ["mediators_trained"] and "(90)" in errors["mediators_trained"][0]


def test_case_score_and_success_rate_are_computed_by_hand(check):
    assert rules.success_rate(CASES) == 0.9
    # 80 × 36/40 + 20 × 40/50
    assert check("mediation.cases", CASES) == ({}, 88.0)


def test_no_case_received_scores_100_and_all_pending_scores_0(check):
    empty = {"cases_received": 0, "cases_successful": 0, "cases_unsuccessful": 0, "cases_pending": 0}
    assert check("mediation.cases", empty) == ({}, 100.0)
    assert rules.success_rate(empty) is None
    pending = {**empty, "cases_received": 3, "cases_pending": 3}
    assert check("mediation.cases", pending) == ({}, 0.0)


def test_outcomes_cannot_exceed_the_cases_received(check):
    # 36 + 4 + 10 = 50: exactly the cases received passes
    assert check("mediation.cases", CASES, cases_pending=10)[0] == {}
    errors, score = check("mediation.cases", CASES, cases_pending=11)
    assert score is None
    assert errors == {"cases_received": [
        "Tổng số vụ việc hòa giải thành, không thành và đang hòa giải (51) không được nhiều hơn "
        "số vụ việc đã tiếp nhận (50)."
    ]}


def test_schema_errors_are_vietnamese(check):
    assert check("mediation.cases", CASES, cases_received="nhiều")[0] == {
        "cases_received": ["Vui lòng nhập một số nguyên."]
    }
    errors, _ = check("mediation.cases", CASES, cases_pending=-2)
    assert errors == {"cases_pending": ["Giá trị phải từ 0 đến 100000."]}


def test_demo_values_pass_validation_for_50_seeds(check, demo_values, world):
    tenants = [world.tenant("ward-a"), world.tenant("commune-b")]
    for seed in range(50):
        for tenant in tenants:
            for key in KEYS:
                values = demo_values(key, tenant, seed)
                errors, score = check(key, values, EvaluationContext(tenant=tenant, period=world.period))
                assert errors == {}, (seed, key, values)
                assert 0 <= score <= 100


def test_demo_values_only_for_own_sets():
    assert demo.demo_values("residential.security_camera", None, random.Random(1)) is None
    assert demo.demo_values("mediation.cases", None, random.Random(3)) == demo.demo_values(
        "mediation.cases", None, random.Random(3)
    )


def test_every_case_settled_scores_100(check):
    settled = {"cases_received": 12, "cases_successful": 12, "cases_unsuccessful": 0, "cases_pending": 0}
    assert check("mediation.cases", settled) == ({}, 100.0)
