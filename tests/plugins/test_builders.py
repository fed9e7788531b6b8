"""The helpers plugins build criteria sets with: the fields they declare (type, range, required,
metadata) and the scoring arithmetic (shares, the integer 70% rule, weighted scores)."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from core.plugins import (
    CriteriaSet,
    at_least_share,
    choice_field,
    clamp_score,
    count_field,
    describe,
    met,
    met_if_none,
    number_field,
    share,
    text_field,
    weighted_score,
    yes_no_field,
)


class SampleSchema(Schema):
    sessions = count_field("Số buổi", "Sessions", "buổi", maximum=10, points=10, points_per_unit=2.5,
                           help="Mỗi buổi 2,5 điểm.")
    staff = count_field("Số cán bộ", "Staff", "người", minimum=1, maximum=500)
    trained = count_field("Số cán bộ được tập huấn", "Staff trained", "người", maximum=500, points=40,
                          points_rule="40 × trained / staff")
    guests = count_field("Số khách", "Guests", "người", maximum=50, required=False)
    plan = yes_no_field("Có kế hoạch", "A plan", points=10, evidence_required=True)
    rating = choice_field("Xếp loại", "Rating", ("Tốt", "Khá", "Yếu"), points={"Tốt": 20, "Khá": 10})
    budget = number_field("Kinh phí", "Budget", "triệu đồng", maximum=1_000.5, required=False)
    notes = text_field("Ghi chú", "Notes", max_length=20, min_length=2, required=False, multiline=True)


SAMPLE = CriteriaSet(key="sample.builders", version=1, title="Mẫu", title_en="Sample",
                     applies_to={"ward"}, schema=SampleSchema)
VALID = {"sessions": 2, "staff": 10, "trained": 7, "plan": True, "rating": "Khá"}


def field(name: str):
    return SampleSchema._declared_fields[name]


def errors_of(data: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        SampleSchema().load(data)
    return caught.value.messages


# -- Fields --------------------------------------------------------------------------------------


def test_a_count_field_carries_labels_unit_then_the_extra_metadata_in_order():
    assert list(field("sessions").metadata.items()) == [
        ("label", "Số buổi"), ("label_en", "Sessions"), ("unit", "buổi"), ("points", 10),
        ("points_per_unit", 2.5), ("help", "Mỗi buổi 2,5 điểm."),
    ]
    assert field("sessions").required is True
    assert field("guests").required is False


def test_yes_no_choice_and_text_fields_have_no_unit():
    assert field("plan").metadata == {"label": "Có kế hoạch", "label_en": "A plan", "points": 10,
                                      "evidence_required": True}
    assert "unit" not in field("rating").metadata
    assert field("notes").metadata == {"label": "Ghi chú", "label_en": "Notes", "multiline": True}


def test_describe_reads_what_the_builders_declare():
    info = {item.name: item for item in describe(SAMPLE)}
    assert (info["sessions"].type, info["sessions"].minimum, info["sessions"].maximum) == ("integer", 0, 10)
    assert (info["staff"].minimum, info["staff"].maximum) == (1, 500)
    assert info["plan"].type == "boolean" and info["plan"].evidence_required is True
    assert info["rating"].choices == ["Tốt", "Khá", "Yếu"]
    assert info["rating"].points == {"Tốt": 20, "Khá": 10}
    budget = info["budget"]
    assert (budget.type, budget.unit, budget.maximum) == ("number", "triệu đồng", 1_000.5)
    assert info["notes"].multiline is True and info["notes"].required is False


def test_count_ranges_include_both_ends():
    assert SampleSchema().load({**VALID, "sessions": 10, "staff": 1})["sessions"] == 10
    assert set(errors_of({**VALID, "sessions": 11, "staff": 0})) == {"sessions", "staff"}
    assert "sessions" in errors_of({**VALID, "sessions": -1})


def test_required_fields_must_be_given_and_optional_ones_may_be_left_out():
    loaded = SampleSchema().load(VALID)
    assert "guests" not in loaded and "budget" not in loaded and "notes" not in loaded
    missing = errors_of({name: value for name, value in VALID.items() if name not in ("plan", "rating")})
    assert set(missing) == {"plan", "rating"}


def test_a_choice_must_be_one_of_the_choices():
    assert SampleSchema().load({**VALID, "rating": "Tốt"})["rating"] == "Tốt"
    assert "rating" in errors_of({**VALID, "rating": "Xuất sắc"})


def test_text_length_and_number_range_are_checked():
    assert SampleSchema().load({**VALID, "notes": "ổn", "budget": 1_000.5})["budget"] == 1_000.5
    assert set(errors_of({**VALID, "notes": "x", "budget": 1_000.6})) == {"notes", "budget"}
    assert "notes" in errors_of({**VALID, "notes": "x" * 21})


# -- Scoring -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (7, 10, 0.7), (10, 10, 1.0), (12, 10, 1.0), (-1, 10, 0.0), (0, 10, 0.0),
    (5, 0, 0.0), (0, 0, 0.0), (5, None, 0.0), (None, 10, 0.0), (3, -2, 0.0),
])
def test_share_is_within_0_and_1_and_an_empty_whole_gives_0(part, whole, expected):
    assert share(part, whole) == expected


@pytest.mark.parametrize(("part", "whole", "passes"), [
    (7, 10, True), (6, 10, False), (70, 100, True), (69, 100, False), (21, 30, True), (20, 30, False),
    (7, 9, True), (6, 9, False), (0, 0, True),
])
def test_at_least_share_passes_at_exactly_70_percent(part, whole, passes):
    assert at_least_share(part, whole, (7, 10)) is passes


def test_at_least_share_is_exact_for_large_wholes():
    assert at_least_share(7, 10, (7, 10)) and at_least_share(700_007, 1_000_010, (7, 10))
    assert not at_least_share(700_006, 1_000_010, (7, 10))


def test_met_and_met_if_none():
    assert (met(True), met(1), met(False), met(0), met(None)) == (1.0, 1.0, 0.0, 0.0, 0.0)
    assert (met_if_none(0), met_if_none(None), met_if_none(False), met_if_none(2)) == (1.0, 1.0, 1.0, 0.0)


def test_clamp_score_keeps_0_to_100_with_2_decimals():
    assert (clamp_score(-3), clamp_score(101.5), clamp_score(33.3333)) == (0.0, 100.0, 33.33)


def test_weighted_score_gives_fractions_of_the_named_fields_and_the_default_rule_to_the_rest():
    # sessions 2 × 2.5 = 5, plan 10, rating Khá 10 by the default rule; trained 40 × 7/10 = 28.
    assert weighted_score(SAMPLE, VALID, {"trained": share(7, 10)}) == 53.0
    # the named field earns nothing by the default rule, even though 7 > 0 would earn all 40 there.
    assert weighted_score(SAMPLE, VALID, {"trained": 0.0}) == 25.0
    # fractions are clamped to 0–1 and the total to 0–100.
    assert weighted_score(SAMPLE, VALID, {"trained": 1.5}) == 65.0
    assert weighted_score(SAMPLE, VALID, {"trained": -1.0}) == 25.0
    rich = {**VALID, "sessions": 10, "rating": "Tốt"}
    assert weighted_score(SAMPLE, rich, {"trained": 1.0, "plan": 1.0}) == 80.0
    assert weighted_score(SAMPLE, rich, {"trained": 1 / 3}) == 53.33


def test_weighted_score_with_no_fraction_is_the_default_score():
    assert weighted_score(SAMPLE, VALID, {}) == 65.0
