"""A plugin that breaks the contract is told where and what to do: a start-up hook returning one
item instead of a list, points given to a choice the field does not have, an aggregate naming a
field that does not exist, a schema instance for its class; and, when values are judged, a
``validate``, ``score``, ``outcomes`` or hook answering the wrong kind of value names the criteria
set, the plugin, the file and line, and what it must return."""

from __future__ import annotations

import pytest
from marshmallow import Schema

from core.plugins import CriteriaSet, CriteriaSetError, choice_field, count_field, evaluate
from core.plugins.evaluation import EvaluationContext, PluginContractError, judge_outcomes
from core.plugins.manager import PluginHost
from tests.plugins.test_plugin_errors import failures, line_of  # noqa: F401 (fixture)


class Rated(Schema):
    rating = choice_field("Tự đánh giá", "Self-assessment", ["Tốt", "Khá"], points={"Tot": 10, "Khá": 5})


def test_points_for_a_choice_the_field_does_not_have_are_refused_with_the_nearest_choice():
    with pytest.raises(CriteriaSetError) as raised:
        CriteriaSet(key="fire.rated", version=1, title="Xếp loại", title_en="Rating",
                    applies_to={"school"}, schema=Rated)
    assert str(raised.value) == ("fire.rated: field 'rating' gives points to 'Tot', which is not one of "
                                 "its choices: did you mean 'Tốt'? the choices are 'Tốt', 'Khá'")


class Counted(Schema):
    meetings = count_field("Số buổi", "Meetings", "buổi", maximum=50, points=20, points_per_unit=5)


def counted(**changes) -> CriteriaSet:
    arguments = {"key": "fire.counted", "version": 1, "title": "Sinh hoạt", "title_en": "Meetings",
                 "applies_to": {"school"}, "schema": Counted, **changes}
    return CriteriaSet(**arguments)


def test_an_aggregate_of_a_misspelled_field_suggests_the_field():
    with pytest.raises(CriteriaSetError, match="aggregate names 'meeting', which is not a schema field: "
                                               "did you mean 'meetings'"):
        counted(aggregates={"meeting": "sum"})
    with pytest.raises(CriteriaSetError,
                       match="needs a yes/no \\(Boolean\\) field; for a number use sum or mean"):
        counted(aggregates={"meetings": "rate"})


def test_a_schema_instance_is_refused_saying_to_pass_the_class():
    with pytest.raises(CriteriaSetError, match=r"pass the class, not an instance: schema=Counted"):
        counted(schema=Counted())


NOT_A_LIST = '''\
from marshmallow import Schema

from core.plugins import CriteriaSet, count_field, hookimpl


class Counted(Schema):
    meetings = count_field("Số buổi", "Meetings", "buổi", maximum=50, points=20)


EXAMPLE_V1 = CriteriaSet(key="single.counted", version=1, title="Sinh hoạt", title_en="Meetings",
                         applies_to={"school"}, schema=Counted)


@hookimpl
def thidua_criteria_sets():
    return EXAMPLE_V1
'''


def test_a_start_up_hook_returning_one_item_is_told_to_return_a_list(failures):  # noqa: F811
    cause, root = failures({"single": ({"thidua_single.py": NOT_A_LIST}, "thidua_single")})["single"]
    source = root / "thidua_single.py"
    assert cause == (f"hook thidua_criteria_sets at {source}:{line_of(source, 'def thidua_criteria_sets')} "
                     "returned a CriteriaSet, not a list: return a list, even of one item "
                     "(`return [EXAMPLE_V1]`)")


def judged(**callables) -> CriteriaSet:
    return counted(**callables)


def judge(criteria_set: CriteriaSet):
    return evaluate(criteria_set, {"meetings": 2}, host=PluginHost())


def here(function) -> str:
    return f"{__file__}:{function.__code__.co_firstlineno}"


def test_a_validate_returning_a_string_names_the_set_the_line_and_the_answer_expected():
    def check(data, ctx):
        return "Phải có kế hoạch"

    with pytest.raises(PluginContractError) as raised:
        judge(judged(validate=check))
    assert str(raised.value) == (
        f"validate of criteria set fire.counted v1 at {here(check)} returned a str ('Phải có kế hoạch'): "
        "it must return None, or a dict field → message or list of messages, e.g. "
        '{"staff": "Phải lớn hơn 0."} ("_schema" for the whole set)')


def test_a_score_that_is_not_a_number_names_the_set_and_what_to_return():
    def score(data, ctx):
        return "mười"

    with pytest.raises(PluginContractError) as raised:
        judge(judged(score=score))
    assert str(raised.value).startswith(
        f"score of criteria set fire.counted v1 at {here(score)} returned a str ('mười'): it must return "
        "the points as a number")
    assert judge(judged(score=lambda data, ctx: 12.5)) == ({}, 12.5)


def test_an_exception_in_a_score_carries_a_note_naming_the_set_and_the_line():
    def score(data, ctx):
        return data["nope"]

    with pytest.raises(KeyError) as raised:
        judge(judged(score=score))
    assert raised.value.__notes__ == [f"raised by score of criteria set fire.counted v1 at {here(score)}"]


def test_outcomes_must_name_each_standard_with_true_false_or_none():
    def outcomes(data, ctx):
        return {"atantt": "Đạt"}

    criteria_set = judged(outcomes=outcomes)
    with pytest.raises(PluginContractError, match=r"must return None, or a dict standard name → True, "
                                                  r"False or None, e.g. \{\"atantt\": True\}"):
        judge_outcomes(criteria_set, {"meetings": 2}, EvaluationContext())
    fine = judged(outcomes=lambda data, ctx: {"atantt": True, "x": None})
    assert judge_outcomes(fine, {}, EvaluationContext()) == {"atantt": True, "x": None}


LIST_VALIDATOR = '''\
from core.plugins import hookimpl


@hookimpl
def thidua_validate(criteria_set, data):
    return ["Số buổi quá ít"]
'''


def test_a_thidua_validate_returning_a_list_names_the_plugin_and_its_line(install_plugin):
    root = install_plugin("listy", {"thidua_listy.py": LIST_VALIDATOR})
    host = PluginHost(["listy"])
    host.load()
    with pytest.raises(PluginContractError) as raised:
        evaluate(counted(), {"meetings": 2}, host=host)
    source = root / "thidua_listy.py"
    assert str(raised.value).startswith(
        f"hook thidua_validate of plugin listy at {source}:{line_of(source, 'def thidua_validate')} returned "
        "a list (['Số buổi quá ít']): it must return None, or a dict field → message")
