"""An owner's table of criteria as a tree of nodes, its checks, and the :class:`CriteriaSet` it
becomes (form fields, validation and scoring).

A table is a list of rows in tree order; each row has a level (``Cấp``, from 1) and its parent is
the nearest row above it at a smaller level. A group (``Nhóm``) sums its children's points,
capped at its own maximum; a leaf scores by its type, the types of Vietnamese emulation tables:

* Định lượng (quantitative): ``maximum × min(actual ÷ target, 1)``, the target being the unit's
  own (:class:`core.criteria_defs.models.CriteriaTarget`) when it has one, else the row's; or,
  with the leader option (``leader``), scored in the unit's cluster against the best actual ÷
  target (:mod:`core.clusters.leader`, final when the period closes);
* Định tính (qualitative): met → ``maximum``, not met → 0;
* Tự chấm (self-scored): the unit types its points from 0 to ``maximum`` with an explanation;
  the reviewer may set reviewed points (the report's reviewer scores, per criterion);
* Điểm cố định (per occurrence): ``count × points per occurrence``, capped at ``maximum``;
* Cộng/trừ (bonus/penalty): ``bonuses × bonus points − penalties × penalty points``, clamped to
  ``[minimum, maximum]``.

Each node's values are fields of the set's schema named from the codes (``Mã``) of the node
and its ancestors (``I.`` › ``1.`` › ``a)`` → ``c_i_1_a``), with the code in the field's metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.plugins import CriteriaSet
from core.text import fold

GROUP = "group"
QUANTITATIVE = "quantitative"
QUALITATIVE = "qualitative"
SELF_SCORED = "self_scored"
PER_OCCURRENCE = "per_occurrence"
BONUS_PENALTY = "bonus_penalty"
TYPES = (GROUP, QUANTITATIVE, QUALITATIVE, SELF_SCORED, PER_OCCURRENCE, BONUS_PENALTY)

# What the Excel template's column «Loại» says for each type (the words offices use).
TYPE_WORDS = {
    GROUP: "Nhóm",
    QUANTITATIVE: "Định lượng",
    QUALITATIVE: "Định tính",
    SELF_SCORED: "Tự chấm",
    PER_OCCURRENCE: "Điểm cố định",
    BONUS_PENALTY: "Cộng/trừ",
}
_TYPE_BY_WORD = {fold(word).replace(" ", ""): kind for kind, word in TYPE_WORDS.items()}

MAX_LEVEL = 10
MAX_NODES = 1_500
MAX_POINTS = Decimal(100_000)
MAX_COUNT = 100_000
MAX_ACTUAL = 10**12
LEADER_COLUMN = "So với dẫn đầu cụm"  # the template's optional column of the leader option
EXPLANATION_SUFFIX = "_giai_trinh"
BONUS_SUFFIX = "_cong"
PENALTY_SUFFIX = "_tru"
_CODE_PART = re.compile(r"[^a-z0-9]+")


def type_of(word: str) -> str | None:
    """The type a «Loại» cell names ("Định lượng", "dinh luong", "Cộng / trừ"…), or None."""
    return _TYPE_BY_WORD.get(fold(word or "").replace(" ", ""))


@dataclass
class Node:
    """One row of the table. Numbers are points (``maximum``, ``per_occurrence``, ``bonus``,
    ``penalty``, ``minimum``) or the target in the row's unit (``target``); ``parent`` is the
    index of the parent row, ``field`` the schema field of a leaf (``None`` for a group)."""

    code: str
    level: int
    name: str
    maximum: float
    type: str
    unit: str | None = None
    target: float | None = None
    per_occurrence: float | None = None
    bonus: float | None = None
    penalty: float | None = None
    minimum: float | None = None
    evidence: bool = False
    guide: str | None = None
    leader: bool = False
    parent: int | None = None
    field: str | None = None
    children: list[int] = dataclass_field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("children")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Node:
        return cls(**{k: v for k, v in data.items() if k != "children"})


Errors = dict[tuple[int, str], list[str]]  # (index of the row, column) → messages


def _code_part(code: str, position: int) -> str:
    # A bullet ("-", "+") names no criterion: its place among its siblings does.
    return _CODE_PART.sub("_", fold(code)).strip("_") or str(position)


def link(nodes: list[Node], rows: Sequence[int] | None = None, *, sheet: bool = True) -> Errors:
    """Set each node's parent, children and field name, and check the tree: the first row at
    level 1, no level skipped, only groups with children and every group with some, a
    group's children's maxima adding up to its own unless its «Hướng dẫn» explains why, and no
    two leaves with the same codes. Returns the errors by (row index, column); ``rows`` gives
    the row number shown for each index (the sheet's, for an import), by default index + 1.
    ``sheet`` is False for the web editor's rows: it has no «Hướng dẫn» column, so a group that
    does not add up is told to fix the maxima there or to explain the gap in the Excel file."""
    errors: Errors = {}

    def add(index: int, column: str, message: Any) -> None:
        errors.setdefault((index, column), []).append(str(message))

    stack: list[int] = []
    parts: list[str] = []
    seen: dict[str, int] = {}
    top = 0
    for index, node in enumerate(nodes):
        node.children = []
        while stack and nodes[stack[-1]].level >= node.level:
            stack.pop()
            parts.pop()
        expected = nodes[stack[-1]].level + 1 if stack else 1
        if node.level > expected:
            add(index, "Cấp", _l("Cấp %(level)s không có dòng cha ở cấp %(parent)s ngay phía trên.",
                                 level=node.level, parent=node.level - 1))
        node.parent = stack[-1] if stack else None
        if node.parent is not None:
            nodes[node.parent].children.append(index)
            position = len(nodes[node.parent].children)
        else:
            top += 1
            position = top
        stack.append(index)
        parts.append(_code_part(node.code, position))
        name = "c_" + "_".join(parts)
        if name in seen:
            add(index, "Mã", _l("Mã %(code)s trùng với dòng %(row)s cùng nhóm.",
                                code=node.code, row=rows[seen[name]] if rows else seen[name] + 1))
        seen[name] = index
        node.field = name if node.type != GROUP else None
    for index, node in enumerate(nodes):
        if node.type == GROUP and not node.children:
            add(index, "Loại", _l("Nhóm không có tiêu chí con; thêm các dòng con ở cấp %(level)s "
                                  "ngay dưới nó, hoặc chọn loại khác.", level=node.level + 1))
        elif node.type != GROUP and node.children:
            add(index, "Loại", _l("Chỉ dòng loại «Nhóm» mới có tiêu chí con."))
        if node.type == GROUP and node.children and not node.guide:
            total = sum(Decimal(str(nodes[i].maximum)) for i in node.children)
            if total != Decimal(str(node.maximum)):
                message = (_l("Tổng điểm tối đa của các tiêu chí con (%(total)s) khác điểm tối đa của nhóm "
                              "(%(maximum)s); sửa lại, hoặc ghi lý do ở cột «Hướng dẫn».",
                              total=_shown(total), maximum=_shown(node.maximum)) if sheet
                           else _l("Tổng điểm tối đa của các tiêu chí con (%(total)s) khác điểm tối đa của "
                                   "nhóm (%(maximum)s); sửa điểm tối đa cho khớp, hoặc tải tệp Excel, ghi "
                                   "lý do ở cột «Hướng dẫn» của nhóm rồi nhập lại.",
                                   total=_shown(total), maximum=_shown(node.maximum)))
                add(index, "Điểm tối đa", message)
    return errors


def full_codes(nodes: Sequence[Node]) -> list[str]:
    """Each linked node's code with its ancestors' (``I.`` › ``1`` → ``I.1``), so that two rows
    coded ``1`` under ``I.`` and ``II.`` read apart where the tree is not shown. A code that
    already repeats its parent's (``1.1`` under ``1.``) replaces it; a bullet (``-``, ``+``)
    names no place and is left out, so the path stops at its group."""
    paths: list[list[str]] = []
    for node in nodes:
        parts = list(paths[node.parent]) if node.parent is not None else []
        code = node.code.strip().rstrip(".)").strip()
        if any(ch.isalnum() for ch in code):
            if parts and code.startswith(parts[-1] + "."):
                parts[-1] = code
            else:
                parts.append(code)
        paths.append(parts)
    return [".".join(parts) for parts in paths]


def _shown(value: Any) -> str:
    from core.text.numbers import format_number

    return format_number(Decimal(str(value)))


def check_node(node: Node) -> dict[str, list[str]]:
    """The checks of one row on its own (its type's numbers); column → messages."""
    errors: dict[str, list[str]] = {}

    def need(column: str, value: float | None, message: Any) -> None:
        if value is None or value <= 0:
            errors.setdefault(column, []).append(str(message))

    if node.leader and node.type != QUANTITATIVE:
        errors.setdefault(LEADER_COLUMN, []).append(
            str(_l("Chỉ tiêu chí định lượng mới chấm được so với đơn vị dẫn đầu cụm.")))
    if node.type == QUANTITATIVE:
        need("Chỉ tiêu", node.target, _l("Tiêu chí định lượng cần chỉ tiêu lớn hơn 0."))
    elif node.type == PER_OCCURRENCE:
        need("Điểm mỗi lần", node.per_occurrence, _l("Tiêu chí điểm cố định cần điểm mỗi lần lớn hơn 0."))
    elif node.type == BONUS_PENALTY:
        if not (node.bonus or 0) > 0 and not (node.penalty or 0) > 0:
            errors.setdefault("Điểm cộng", []).append(
                str(_l("Tiêu chí cộng/trừ cần điểm cộng hoặc điểm trừ lớn hơn 0.")))
        for column, value in (("Điểm cộng", node.bonus), ("Điểm trừ", node.penalty)):
            if value is not None and value < 0:
                errors.setdefault(column, []).append(str(_l("Ghi số điểm không âm; điểm trừ được trừ đi.")))
        if node.minimum is not None and node.minimum > node.maximum:
            errors.setdefault("Điểm tối thiểu", []).append(
                str(_l("Điểm tối thiểu không được lớn hơn điểm tối đa.")))
    return errors


# -- Scoring -------------------------------------------------------------------------------------


def _number(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return 0.0
    return float(value)


Targets = Mapping[str, float]  # a unit's own targets: leaf field → target


def leaf_points(node: Node, values: Mapping[str, Any], targets: Targets | None = None) -> float:
    """The points a leaf earns from the values of the form (a missing value earns nothing);
    ``targets`` are the unit's own targets of Định lượng leaves, by field, over the row's."""
    name = node.field or ""
    if node.type == QUANTITATIVE:
        own = (targets or {}).get(name)
        actual, target = _number(values.get(name)), float(own if own is not None else node.target or 0)
        if target <= 0 or actual <= 0:
            return 0.0
        if actual >= target:
            return float(node.maximum)
        return min(float(node.maximum) * actual / target, float(node.maximum))
    if node.type == QUALITATIVE:
        return float(node.maximum) if values.get(name) is True else 0.0
    if node.type == SELF_SCORED:
        return max(0.0, min(_number(values.get(name)), float(node.maximum)))
    if node.type == PER_OCCURRENCE:
        return min(_number(values.get(name)) * float(node.per_occurrence or 0), float(node.maximum))
    if node.type == BONUS_PENALTY:
        earned = (_number(values.get(name + BONUS_SUFFIX)) * float(node.bonus or 0)
                  - _number(values.get(name + PENALTY_SUFFIX)) * float(node.penalty or 0))
        low = float(node.minimum) if node.minimum is not None else 0.0
        return max(low, min(earned, float(node.maximum)))
    return 0.0


def points(nodes: Sequence[Node], values: Mapping[str, Any], targets: Targets | None = None) -> list[float]:
    """Each node's points: a leaf's by its type, a group's the sum of its children's capped at
    its maximum (a group with a note may list more than it counts, "chọn 3 trong 5")."""
    earned = [0.0] * len(nodes)
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        if node.type == GROUP:
            earned[index] = min(sum(earned[i] for i in node.children), float(node.maximum))
        else:
            earned[index] = leaf_points(node, values, targets)
    return earned


def total(nodes: Sequence[Node], values: Mapping[str, Any], targets: Targets | None = None) -> float:
    """The table's score: the sum of its level-1 rows' points, rounded to 2 decimals."""
    earned = points(nodes, values, targets)
    return round(sum(earned[i] for i, node in enumerate(nodes) if node.parent is None), 2)


def maximum(nodes: Sequence[Node]) -> float:
    """The most points the table gives: the sum of its level-1 rows' maxima."""
    return float(sum(Decimal(str(node.maximum)) for node in nodes if node.parent is None))


# -- The CriteriaSet -----------------------------------------------------------------------------


def _meta(node: Node, label: str, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"label": label, "label_en": label, "code": node.code, "kind": node.type}
    if node.unit:
        meta["unit"] = node.unit
    if node.guide:
        meta["help"] = node.guide
    meta.update(extra)
    if node.evidence:
        meta["evidence_required"] = True
    return meta


def _fields(node: Node) -> dict[str, fields.Field]:
    name, label = node.field or "", f"{node.code} {node.name}"
    if node.type == QUANTITATIVE:
        target = float(node.target or 1)
        extra: dict[str, Any] = {"leader_rule": True} if node.leader else {}
        return {name: fields.Float(required=True, validate=validate.Range(min=0, max=MAX_ACTUAL),
                                   metadata=_meta(node, label, points=node.maximum, target=node.target,
                                                  points_per_unit=node.maximum / target, **extra))}
    if node.type == QUALITATIVE:
        return {name: fields.Boolean(required=True, metadata=_meta(node, label, points=node.maximum))}
    if node.type == SELF_SCORED:
        return {
            name: fields.Float(required=True, validate=validate.Range(min=0, max=node.maximum),
                               metadata=_meta(node, label, points=node.maximum, points_per_unit=1)),
            name + EXPLANATION_SUFFIX: fields.String(
                required=False, allow_none=True, validate=validate.Length(max=2_000),
                metadata={"label": str(_l("Giải trình điểm tự chấm %(code)s", code=node.code)),
                          "code": node.code, "multiline": True}),
        }
    if node.type == PER_OCCURRENCE:
        return {name: fields.Integer(required=False, allow_none=True,
                                     validate=validate.Range(min=0, max=MAX_COUNT),
                                     metadata=_meta(node, label, points=node.maximum,
                                                    points_per_unit=node.per_occurrence))}
    found: dict[str, fields.Field] = {}
    if node.bonus:
        found[name + BONUS_SUFFIX] = fields.Integer(
            required=False, allow_none=True, validate=validate.Range(min=0, max=MAX_COUNT),
            metadata=_meta(node, str(_l("%(label)s: số lần được cộng", label=label)),
                           points=node.maximum, points_per_unit=node.bonus))
    if node.penalty:
        low = node.minimum if node.minimum is not None and node.minimum < 0 else None
        found[name + PENALTY_SUFFIX] = fields.Integer(
            required=False, allow_none=True, validate=validate.Range(min=0, max=MAX_COUNT),
            metadata=_meta(node, str(_l("%(label)s: số lần bị trừ", label=label)),
                           points=low, points_per_unit=-node.penalty))
    return found


def _validate(nodes: Sequence[Node]) -> Callable[[Mapping[str, Any], Any], dict[str, str] | None]:
    self_scored = [node for node in nodes if node.type == SELF_SCORED]

    def validate_values(data: Mapping[str, Any], ctx: Any) -> dict[str, str] | None:
        """Points typed by the unit (Tự chấm) above 0 come with an explanation."""
        errors = {}
        for node in self_scored:
            name = node.field or ""
            explanation = data.get(name + EXPLANATION_SUFFIX)
            if _number(data.get(name)) > 0 and not str(explanation or "").strip():
                errors[name + EXPLANATION_SUFFIX] = str(_l("Hãy giải trình số điểm tự chấm."))
        return errors or None

    return validate_values


def criteria_set(key: str, version: int, title: str, applies_to: Sequence[str],
                 nodes: Sequence[Node], targets: Callable[[Any], Targets] | None = None) -> CriteriaSet:
    """The :class:`CriteriaSet` of a linked table (see :func:`link`): one or two fields per
    leaf in tree order, scored by :func:`total`, with ``maximum`` the table's total.
    ``targets(ctx)`` answers the reporting unit's own targets (``ctx.tenant``), when given.

    :raises core.plugins.CriteriaSetError: a key, title or kinds the contract refuses.
    """
    declared: dict[str, fields.Field] = {}
    for node in nodes:
        if node.type != GROUP:
            declared.update(_fields(node))
    schema = Schema.from_dict(declared, name=f"Defined_{key.replace('.', '_')}_v{version}")
    frozen = list(nodes)

    def score(data: Mapping[str, Any], ctx: Any) -> float:
        """The table's points: each leaf by its type, each group the sum of its children
        capped at its maximum, the level-1 rows added up."""
        return total(frozen, data, targets(ctx) if targets is not None and ctx is not None else None)

    top = maximum(frozen)
    return CriteriaSet(key=key, version=version, title=title, title_en=title,
                       applies_to=frozenset(applies_to),
                       schema=schema, score=score, validate=_validate(frozen),
                       maximum=top if top > 0 else None)


# -- The editor's changes to the order of rows -----------------------------------------------


def block(levels: Sequence[int], index: int) -> range:
    """The rows of the subtree starting at ``index``: the row and every following row at a
    deeper level (``levels`` in tree order)."""
    end = index + 1
    while end < len(levels) and levels[end] > levels[index]:
        end += 1
    return range(index, end)


def moved(levels: Sequence[int], index: int, step: int) -> list[int]:
    """The order of the rows (old indexes) after the row ``index`` moves with its subtree one
    place up (``step`` -1) or down (+1) among its siblings; unchanged when it has no sibling
    that way (a row never leaves its parent: change its «Cấp» for that)."""
    order = list(range(len(levels)))
    if not 0 <= index < len(levels):
        return order
    own = block(levels, index)
    if step < 0:
        before = index - 1
        while before >= 0 and levels[before] > levels[index]:
            before -= 1
        if before < 0 or levels[before] != levels[index]:
            return order
        other = block(levels, before)
        return [*order[:other.start], *own, *other, *order[own.stop:]]
    after = own.stop
    if after >= len(levels) or levels[after] != levels[index]:
        return order
    other = block(levels, after)
    return [*order[:own.start], *other, *own, *order[other.stop:]]
