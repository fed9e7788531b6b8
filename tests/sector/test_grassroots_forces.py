"""grassroots_forces: organising the grassroots security force (Luật 30/2023/QH15) and its yearly
rating in four levels with "xuất sắc" at most 20% of "tốt" (HD 01/HD-BCA-V05); demo values."""

from __future__ import annotations

import random

import pytest

from core.plugins import EvaluationContext
from core.plugins.manager import plugin_host
from plugins.grassroots_forces import demo

PLUGIN = "grassroots_forces"
KEYS = ("grassroots.organisation", "grassroots.rating")

ORGANISATION = {"areas_total": 40, "areas_with_team": 36, "teams": 38, "members": 160,
                "members_trained": 120, "members_regimes_paid": 144}
# 4 + 16 = 20 rated "xuất sắc" against 20 + 80 = 100 rated "tốt": exactly 20%
RATING = {
    "teams_assessed": 38, "teams_excellent": 4, "teams_good": 20, "teams_completed": 14, "teams_failed": 0,
    "members_assessed": 150, "members_excellent": 16, "members_good": 80, "members_completed": 52,
    "members_failed": 2, "members_disciplined": 0,
}


@pytest.fixture
def check(evaluate_set):
    """``check(key, data, ctx=None, **changes)`` → (errors, score) of the latest version of the set."""
    return evaluate_set


def outcomes(app, data, **changes):
    criteria_set = plugin_host(app).criteria_set("grassroots.rating")
    return criteria_set.outcomes({**data, **changes}, EvaluationContext())


def test_the_sets_are_registered_for_wards_and_communes(app):
    host = plugin_host(app)
    assert host.plugins["grassroots_forces"].state == "loaded", host.plugins["grassroots_forces"].cause
    for key in KEYS:
        criteria_set = host.criteria_set(key)
        assert criteria_set.applies_to == {"ward", "commune"}
        assert set(criteria_set.aggregates) <= set(criteria_set.schema._declared_fields)
        assert criteria_set.aggregates
        for name, declared in criteria_set.schema._declared_fields.items():
            assert declared.metadata.get("label") and declared.metadata.get("label_en"), name


def test_the_rating_labels_name_the_four_levels(app):
    fields = plugin_host(app).criteria_set("grassroots.rating").schema._declared_fields
    label = fields["members_excellent"].metadata["label"]
    assert label == "Số tổ viên xếp loại “hoàn thành xuất sắc nhiệm vụ”"
    assert fields["teams_failed"].metadata["label"] == "Số tổ xếp loại “không hoàn thành nhiệm vụ”"


def test_organisation_score_is_computed_by_hand(check):
    # 30 × 36/40 + 35 × 120/160 + 35 × 144/160
    assert check("grassroots.organisation", ORGANISATION) == ({}, 84.75)


def test_organisation_cross_field_checks(check):
    errors = check("grassroots.organisation", ORGANISATION, areas_with_team=41, teams=41)[0]
    assert list(errors) == ["areas_with_team"] and "(40)" in errors["areas_with_team"][0]
    errors = check("grassroots.organisation", ORGANISATION, teams=35)[0]
    assert errors == {"areas_with_team": [
        "Số thôn, tổ dân phố có Tổ bảo vệ an ninh, trật tự (36) không được nhiều hơn số tổ đã thành lập (35)."
    ]}
    few = {"members": 37, "members_trained": 0, "members_regimes_paid": 0}
    errors = check("grassroots.organisation", ORGANISATION, **few)[0]
    assert list(errors) == ["members"] and "ít nhất một thành viên" in errors["members"][0]
    errors = check("grassroots.organisation", ORGANISATION, members_trained=161, members_regimes_paid=161)[0]
    assert set(errors) == {"members_trained", "members_regimes_paid"}
    assert errors["members_trained"] == [
        "Số thành viên được huấn luyện, bồi dưỡng (161) không được nhiều hơn tổng số thành viên (160)."
    ]


def test_exactly_20_percent_excellent_passes(check):
    errors, score = check("grassroots.rating", RATING)
    assert errors == {}
    # 188 assessed: 50 × 120/188 + 30 × 186/188 + 20
    assert score == 81.6


def test_one_more_excellent_than_20_percent_fails_on_the_excellent_fields(check):
    errors, score = check("grassroots.rating", RATING, members_excellent=17, members_completed=51)
    assert score is None
    message = (
        "Số tổ và tổ viên xếp loại “hoàn thành xuất sắc nhiệm vụ” (21) không được vượt quá 20% số tổ "
        "và tổ viên xếp loại “hoàn thành tốt nhiệm vụ” (100), tức tối đa 20."
    )
    assert errors == {"teams_excellent": [message], "members_excellent": [message]}


def test_the_quota_counts_teams_and_members_together(check):
    # the teams alone exceed 20% of their own "tốt" (4 of 10) but not of everyone's (4 of 90)
    data = {**RATING, "teams_good": 10, "teams_completed": 24, "members_excellent": 0, "members_good": 80,
            "members_completed": 68}
    assert check("grassroots.rating", data)[0] == {}
    # no one rated "tốt": no one may be rated "xuất sắc"
    none_good = {**RATING, "teams_excellent": 1, "teams_good": 0, "teams_completed": 37,
                 "members_excellent": 0, "members_good": 0, "members_completed": 148}
    errors = check("grassroots.rating", none_good)[0]
    assert list(errors) == ["teams_excellent"] and "tối đa 0" in errors["teams_excellent"][0]


def test_the_levels_add_up_to_those_assessed(check):
    errors, _ = check("grassroots.rating", RATING, teams_assessed=39, members_assessed=149)
    assert errors == {
        "teams_assessed": ["Tổng số tổ được xếp loại ở bốn mức (38) phải bằng số tổ được đánh giá (39)."],
        "members_assessed": [
            "Tổng số tổ viên được xếp loại ở bốn mức (150) phải bằng số tổ viên được đánh giá (149)."
        ],
    }


def test_discipline_costs_20_points_and_nothing_assessed_keeps_only_that_part(check):
    assert check("grassroots.rating", RATING, members_disciplined=1) == ({}, 61.6)
    nothing = {name: 0 for name in RATING}
    assert check("grassroots.rating", nothing) == ({}, 20.0)


@pytest.mark.parametrize("changes, expected", [
    ({}, True),
    ({"teams_completed": 13, "teams_failed": 1}, False),   # a team did not complete its tasks
    ({"members_disciplined": 1}, False),                    # a member was disciplined
    ({"members_failed": 2}, True),                          # members' ratings do not rate the force
])
def test_the_tt124_force_criterion(app, changes, expected):
    assert outcomes(app, RATING, **changes) == {"force_atantt": expected}


def test_the_force_criterion_is_undecided_before_any_team_is_assessed(app):
    data = {**RATING, "teams_assessed": 0, "teams_excellent": 0, "teams_good": 0, "teams_completed": 0}
    assert outcomes(app, data) == {"force_atantt": None}


def test_demo_values_pass_validation_for_50_seeds(check, demo_values, world):
    tenants = [world.tenant("ward-a"), world.tenant("commune-b")]
    excellent_seen = False
    for seed in range(50):
        for tenant in tenants:
            for key in KEYS:
                values = demo_values(key, tenant, seed)
                errors, score = check(key, values, EvaluationContext(tenant=tenant, period=world.period))
                assert errors == {}, (seed, key, values)
                assert 0 <= score <= 100
                excellent_seen = excellent_seen or bool(values.get("members_excellent"))
    assert excellent_seen  # the demo uses the quota, not just zero


def test_demo_values_only_for_own_sets():
    assert demo.demo_values("mediation.cases", None, random.Random(1)) is None


def test_every_criterion_fully_met_scores_100(check):
    organised = {**ORGANISATION, "areas_with_team": 40, "teams": 40, "members_trained": 160,
                 "members_regimes_paid": 160}
    assert check("grassroots.organisation", organised) == ({}, 100.0)
    rated_well = {**RATING, "teams_good": 34, "teams_completed": 0, "members_good": 134,
                  "members_completed": 0, "members_failed": 0}
    assert check("grassroots.rating", rated_well) == ({}, 100.0)
