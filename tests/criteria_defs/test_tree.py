"""Each leaf type at its boundaries, groups capped at their maximum, and the tree's checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.criteria_defs import tree
from core.criteria_defs.tree import Node


def leaf(kind: str, maximum: float = 10, **extra) -> tuple[list[Node], str]:
    nodes = [Node(code="1.", level=1, name="Tiêu chí", maximum=maximum, type=kind, **extra)]
    assert tree.link(nodes) == {}
    return nodes, nodes[0].field or ""


@pytest.mark.parametrize(("actual", "expected"), [(None, 0), (0, 0), (5, 20), (10, 40), (10.0001, 40),
                                                   (1_000, 40)])
def test_quantitative_is_maximum_times_the_share_of_the_target_capped_at_one(actual, expected):
    nodes, name = leaf(tree.QUANTITATIVE, 40, target=10)
    assert tree.total(nodes, {name: actual}) == expected


@given(actual=st.floats(min_value=0, max_value=1e9, allow_nan=False),
       target=st.floats(min_value=0.01, max_value=1e6, allow_nan=False),
       maximum=st.integers(min_value=0, max_value=1_000))
def test_quantitative_never_leaves_zero_to_maximum(actual, target, maximum):
    nodes, name = leaf(tree.QUANTITATIVE, maximum, target=target)
    points = tree.leaf_points(nodes[0], {name: actual})
    assert 0 <= points <= maximum
    if actual >= target:
        assert points == maximum


@pytest.mark.parametrize(("met", "expected"), [(True, 15), (False, 0), (None, 0)])
def test_qualitative_gives_the_maximum_or_nothing(met, expected):
    nodes, name = leaf(tree.QUALITATIVE, 15)
    assert tree.total(nodes, {name: met}) == expected


@given(typed=st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_self_scored_points_stay_within_zero_and_the_maximum(typed):
    nodes, name = leaf(tree.SELF_SCORED, 20)
    assert tree.total(nodes, {name: typed}) == round(max(0, min(typed, 20)), 2)


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (1, 3), (3, 9), (4, 10), (100, 10)])
def test_per_occurrence_is_capped_at_the_maximum(count, expected):
    nodes, name = leaf(tree.PER_OCCURRENCE, 10, per_occurrence=3)
    assert tree.total(nodes, {name: count}) == expected


@given(bonus=st.integers(min_value=0, max_value=1_000), penalty=st.integers(min_value=0, max_value=1_000))
def test_bonus_penalty_is_clamped_to_minimum_and_maximum(bonus, penalty):
    nodes, name = leaf(tree.BONUS_PENALTY, 10, bonus=3, penalty=2, minimum=-5)
    earned = tree.total(nodes, {name + tree.BONUS_SUFFIX: bonus, name + tree.PENALTY_SUFFIX: penalty})
    assert earned == max(-5, min(bonus * 3 - penalty * 2, 10))


def test_bonus_penalty_without_a_minimum_stops_at_zero():
    nodes, name = leaf(tree.BONUS_PENALTY, 10, bonus=3, penalty=2)
    assert tree.total(nodes, {name + tree.PENALTY_SUFFIX: 4}) == 0


def group(children: list[tuple[str, float]], maximum: float, guide: str | None = None) -> list[Node]:
    nodes = [Node(code="I.", level=1, name="Nhóm", maximum=maximum, type=tree.GROUP, guide=guide)]
    nodes += [Node(code=code, level=2, name=code, maximum=top, type=tree.QUALITATIVE)
              for code, top in children]
    return nodes


def test_a_group_whose_children_do_not_add_up_is_refused_unless_noted():
    nodes = group([("1.", 10), ("2.", 10), ("3.", 10)], 20)
    assert list(tree.link(nodes)) == [(0, "Điểm tối đa")]
    noted = group([("1.", 10), ("2.", 10), ("3.", 10)], 20, guide="Chọn 2 trong 3 tiêu chí")
    assert tree.link(noted) == {}
    names = [node.field for node in noted[1:]]
    # A noted group counts its children's points up to its own maximum.
    assert tree.total(noted, dict.fromkeys(names, True)) == 20
    assert tree.total(noted, {names[0]: True}) == 10


def test_the_tree_checks_levels_children_and_codes():
    skipped = [Node(code="I.", level=1, name="a", maximum=1, type=tree.GROUP),
               Node(code="1.", level=3, name="b", maximum=1, type=tree.QUALITATIVE)]
    assert (1, "Cấp") in tree.link(skipped)
    childless = [Node(code="I.", level=1, name="a", maximum=1, type=tree.GROUP)]
    assert (0, "Loại") in tree.link(childless)
    leaf_with_child = [Node(code="1.", level=1, name="a", maximum=1, type=tree.QUALITATIVE),
                       Node(code="a)", level=2, name="b", maximum=1, type=tree.QUALITATIVE)]
    assert (0, "Loại") in tree.link(leaf_with_child)
    twice = group([("1.", 5), ("1.", 5)], 10)
    assert list(tree.link(twice, [2, 3, 4])) == [(2, "Mã")]
    assert "dòng 3" in tree.link(twice, [2, 3, 4])[(2, "Mã")][0]


def test_the_same_code_under_different_parents_makes_different_fields():
    nodes = [Node(code="1.", level=1, name="a", maximum=1, type=tree.GROUP),
             Node(code="a)", level=2, name="b", maximum=1, type=tree.QUALITATIVE),
             Node(code="2.", level=1, name="c", maximum=1, type=tree.GROUP),
             Node(code="a)", level=2, name="d", maximum=1, type=tree.QUALITATIVE)]
    assert tree.link(nodes) == {}
    assert [nodes[1].field, nodes[3].field] == ["c_1_a", "c_2_a"]


@pytest.mark.parametrize(("actual", "own", "expected"), [
    (5, None, 20), (5, 5, 40), (4.99, 5, 39.92), (5, 20, 10), (20, 20, 40), (25, 20, 40), (0, 5, 0)])
def test_quantitative_scores_against_the_units_own_target_when_it_has_one(actual, own, expected):
    nodes, name = leaf(tree.QUANTITATIVE, 40, target=10)
    assert tree.total(nodes, {name: actual}, {name: own} if own is not None else {}) == expected


def test_the_leader_option_is_for_quantitative_rows_only_and_marks_the_field():
    assert tree.check_node(Node("1.", 1, "Tin báo", 10, tree.QUALITATIVE, leader=True)) == {
        tree.LEADER_COLUMN: ["Chỉ tiêu chí định lượng mới chấm được so với đơn vị dẫn đầu cụm."]}
    nodes, name = leaf(tree.QUANTITATIVE, 40, target=10, leader=True)
    built = tree.criteria_set("d" + "0" * 32 + ".x", 1, "Bảng", ["school"], nodes)
    meta = built.schema._declared_fields[name].metadata
    assert meta["leader_rule"] is True and meta["target"] == 10 and meta["points"] == 40


#   0 I.(1)  1 1.(2)  2 2.(2)  3 a)(3)  4 3.(2)  5 II.(1)
LEVELS = [1, 2, 2, 3, 2, 1]


@pytest.mark.parametrize(("index", "step", "order"), [
    (2, -1, [0, 2, 3, 1, 4, 5]),   # 2. moves above 1. with its child a)
    (1, 1, [0, 2, 3, 1, 4, 5]),    # the same move, seen from 1.
    (2, 1, [0, 1, 4, 2, 3, 5]),    # 2. and a) below 3.
    (1, -1, [0, 1, 2, 3, 4, 5]),   # the first child stays under its parent
    (4, 1, [0, 1, 2, 3, 4, 5]),    # the last child too
    (3, -1, [0, 1, 2, 3, 4, 5]),   # an only child has no sibling
    (5, -1, [5, 0, 1, 2, 3, 4]),   # II. with nothing under it above I. and its subtree
    (0, 1, [5, 0, 1, 2, 3, 4]),
    (9, 1, [0, 1, 2, 3, 4, 5]),    # out of range: nothing moves
])
def test_a_row_moves_with_its_subtree_among_its_siblings_only(index, step, order):
    assert tree.moved(LEVELS, index, step) == order


def test_a_rows_block_is_the_row_and_its_descendants():
    assert list(tree.block(LEVELS, 0)) == [0, 1, 2, 3, 4]
    assert list(tree.block(LEVELS, 2)) == [2, 3]
    assert list(tree.block(LEVELS, 5)) == [5]


BANDS = [{"name": "Xuất sắc", "min": 90, "requires": ["atantt"]}, {"name": "Khá", "min": 70},
         {"name": "Trung bình", "min": 50}, {"name": "Yếu", "min": 0}]


@pytest.mark.parametrize(("total", "scale", "outcomes", "band"), [
    (700, 1000, {}, "Khá"), (699.99, 1000, {}, "Trung bình"), (900, 1000, {}, "Khá"),
    (900, 1000, {"atantt": True}, "Xuất sắc"), (899.99, 1000, {"atantt": True}, "Khá"),
    (70, 100, {}, "Khá"), (69.99, 100, {}, "Trung bình"), (0, 1000, {}, "Yếu"), (None, 1000, {}, None)])
def test_band_minima_scale_with_the_points_a_report_is_out_of(total, scale, outcomes, band):
    from core.reports import scoring

    assert scoring.classify(total, outcomes, BANDS, scale) == band


def test_a_reports_scale_is_the_weighted_mean_of_its_scored_sections_maxima():
    from core.reports import scoring

    assert scoring.scale_of([(800, 1000, 1), (None, None, 1)]) == 1000
    assert scoring.scale_of([(80, None, 1), (800, 1000, 1)]) == 550
    assert scoring.scale_of([(80, None, 3), (800, 1000, 1)]) == 325
    assert scoring.scale_of([]) == 100
    standing = scoring.band_standing(650, {}, BANDS, 1000)
    assert [(b["name"], b["min"], b["short_by"], b["reached"]) for b in standing] == [
        ("Xuất sắc", 900, 250, False), ("Khá", 700, 50, False), ("Trung bình", 500, 0, True),
        ("Yếu", 0, 0, False)]


def test_full_codes_join_each_rows_code_with_its_groups():
    from core.criteria_defs import tree as tree_module
    from core.criteria_defs.excel import from_cells

    from .kit import FIVE_LEVELS
    nodes = from_cells(FIVE_LEVELS)
    assert tree_module.full_codes(nodes) == ["I", "I.1", "I.1.1", "I.1.1.a", "I.1.1.a", "I.1.1.a", "I.1.1.a",
                                             "I.1.1.a", "I.1.1.a", "II"]
