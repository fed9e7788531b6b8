"""CriteriaSet is checked when it is declared; the default scorer follows its documented rule."""

from __future__ import annotations

import dataclasses

import pytest
from marshmallow import Schema, fields, validate

from core.plugins import CriteriaSet, CriteriaSetError, default_score, describe
from core.plugins.criteria import aggregate


class Simple(Schema):
    done = fields.Boolean(metadata={"label": "Đã làm", "points": 4})
    count = fields.Integer(metadata={"label": "Số lượng", "points": 6})
    per = fields.Float(metadata={"points": 10, "points_per_unit": 2.5})
    penalty = fields.Integer(metadata={"points": -3, "points_per_unit": -1})
    level = fields.String(validate=validate.OneOf(["A", "B"]), metadata={"points": {"A": 2, "B": 1}})
    note = fields.String(metadata={"label": "Ghi chú", "points": 1, "multiline": True})
    day = fields.Date(metadata={"label": "Ngày"})


def make(**changes):
    values = dict(key="demo.simple", version=1, title="Đơn giản", title_en="Simple",
                  applies_to={"school"}, schema=Simple)
    values.update(changes)
    return CriteriaSet(**values)


def test_a_valid_declaration_is_frozen_and_normalised():
    criteria_set = make(applies_to=["school", "school", "enterprise"], aggregates={"count": "sum"})
    assert criteria_set.applies_to == frozenset({"school", "enterprise"})
    assert criteria_set.sector == "demo"
    assert criteria_set.ref == ("demo.simple", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        criteria_set.version = 2
    with pytest.raises(TypeError):
        criteria_set.aggregates["done"] = "sum"  # read-only mapping
    assert {criteria_set: 1}[make()] == 1  # hashable by (key, version)


@pytest.mark.parametrize(("changes", "message"), [
    ({"key": "simple"}, "must look like '<sector>.<name>'"),
    ({"key": "Demo.Simple"}, "must look like"),
    ({"version": 0}, "version must be a positive integer"),
    ({"version": "1"}, "version must be a positive integer"),
    ({"title": " "}, "title must not be empty"),
    ({"applies_to": "school"}, "applies_to must be a set of tenant kinds"),
    ({"applies_to": set()}, "at least one tenant kind"),
    ({"schema": dict}, "marshmallow Schema class"),
    ({"score": 5}, "score must be a callable"),
    ({"aggregates": {"missing": "sum"}}, "'missing', which is not a schema field"),
    ({"aggregates": {"count": "median"}}, "must be one of sum, mean, rate, count_true"),
    ({"aggregates": {"done": "sum"}}, "sum of 'done' needs a number field"),
    ({"aggregates": {"level": "mean"}}, "mean of 'level' needs a number field"),
    ({"aggregates": {"count": "rate"}}, "rate of 'count' needs a yes/no"),
    ({"aggregates": {"note": "count_true"}}, "count_true of 'note' needs a yes/no"),
])
def test_an_invalid_declaration_is_refused_with_its_reason(changes, message):
    with pytest.raises(CriteriaSetError, match=message):
        make(**changes)


def test_points_metadata_must_be_a_number_or_a_choice_map():
    class Bad(Schema):
        x = fields.Boolean(metadata={"points": "ten"})

    with pytest.raises(CriteriaSetError, match="metadata 'points'"):
        make(schema=Bad)


@pytest.mark.parametrize(("data", "expected"), [
    ({}, 0.0),
    ({"done": True}, 4.0),
    ({"done": False}, 0.0),
    ({"count": 3}, 6.0),  # a number earns its points when above zero
    ({"count": 0}, 0.0),
    ({"per": 3}, 7.5),  # points_per_unit × value …
    ({"per": 9}, 10.0),  # … capped at points
    ({"penalty": 2}, -2.0),  # a deduction, capped at -3
    ({"penalty": 9}, -3.0),
    ({"level": "A"}, 2.0),
    ({"level": "C"}, 0.0),
    ({"note": "  "}, 0.0),
    ({"note": "có"}, 1.0),
    ({"done": True, "count": 1, "per": 1, "level": "B"}, 13.5),
])
def test_the_default_scorer_sums_field_points(data, expected):
    assert default_score(make(), data) == expected


def test_describe_reads_the_schema_in_declaration_order():
    described = {f.name: f for f in describe(make())}
    assert list(described) == ["done", "count", "per", "penalty", "level", "note", "day"]
    assert described["done"].type == "boolean" and described["done"].label == "Đã làm"
    assert described["per"].type == "number"
    assert described["level"].choices == ["A", "B"]
    assert described["note"].multiline is True
    assert described["day"].type == "date" and described["day"].label == "Ngày"
    assert described["penalty"].label == "penalty"  # the name when no label is given


def test_outcomes_must_be_callable():
    from marshmallow import Schema, fields

    from core.plugins import CriteriaSet, CriteriaSetError

    class Values(Schema):
        done = fields.Boolean(metadata={"points": 100})

    def judged(data, ctx):
        return {"atantt": bool(data.get("done"))}

    kept = CriteriaSet(key="x.y", version=1, title="T", title_en="T", applies_to={"school"},
                       schema=Values, outcomes=judged)
    assert kept.outcomes({"done": True}, None) == {"atantt": True}
    with pytest.raises(CriteriaSetError, match="outcomes must be a callable"):
        CriteriaSet(key="x.y", version=1, title="T", title_en="T", applies_to={"school"},
                    schema=Values, outcomes="yes")


def test_every_aggregate_kind_is_accepted_on_its_field_type():
    criteria_set = make(aggregates={"count": "sum", "per": "mean", "done": "rate"})
    assert dict(criteria_set.aggregates) == {"count": "sum", "per": "mean", "done": "rate"}
    assert dict(make(aggregates={"done": "count_true"}).aggregates) == {"done": "count_true"}


@pytest.mark.parametrize(("how", "values", "expected"), [
    ("sum", [3, None, 4.5], 7.5),
    ("sum", [None, None], 0),  # nothing given: nothing counted
    ("mean", [3, None, 6], 4.5),  # a missing value is not a zero
    ("mean", [None], None),
    ("count_true", [True, False, None, True], 2),
    ("rate", [True, False, None, True], 2 / 3),  # of those who answered
    ("rate", [None, None], None),
    ("rate", [False, False], 0.0),
])
def test_each_aggregate_computes_what_the_docs_say(how, values, expected):
    assert aggregate(how, values) == expected


def test_an_aggregate_of_all_reports_combines_from_the_parts_of_each_group():
    """A rollup is computed from the reports, and its three partial counts add up across groups:
    the mean of two wards is not the mean of their means."""
    ward_a, ward_b = [10, 20, None, 30], [100]
    assert aggregate("mean", ward_a + ward_b) == 40.0
    assert (aggregate("mean", ward_a) + aggregate("mean", ward_b)) / 2 == 60.0
    total = aggregate("sum", ward_a) + aggregate("sum", ward_b)
    given = sum(v is not None for v in ward_a + ward_b)
    assert total / given == aggregate("mean", ward_a + ward_b)


def test_an_unknown_aggregate_is_refused():
    with pytest.raises(ValueError, match="unknown aggregate 'median'"):
        aggregate("median", [1])


def test_the_sets_callables_receive_the_set_being_judged_as_ctx_criteria_set():
    from core.plugins import EvaluationContext, evaluate
    from core.plugins.manager import PluginHost

    seen = []

    def remember(data, ctx):
        seen.append(ctx.criteria_set)
        return None

    v1 = make(validate=remember, score=lambda data, ctx: float(ctx.criteria_set.version))
    v2 = dataclasses.replace(v1, version=2)
    context = EvaluationContext(tenant="school-a1")
    assert evaluate(v1, {}, context, host=PluginHost()) == ({}, 1.0)
    assert evaluate(v2, {}, context, host=PluginHost()) == ({}, 2.0)
    assert seen == [v1, v2] and seen[1] is v2
    assert context.criteria_set is None  # the caller's context is left as it was
    assert context.for_set(v1).tenant == "school-a1"


def test_evaluate_outside_an_app_context_says_what_it_needs():
    from core.plugins import evaluate

    with pytest.raises(RuntimeError, match=r"call it inside `with app.app_context\(\):`"):
        evaluate(make(), {})
