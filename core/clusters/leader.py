"""The relative "leader" rule (điểm tương đối so với đơn vị dẫn đầu cụm).

A criterion opts in through its field metadata in the criteria set::

    sessions = count_field("Số buổi tuyên truyền", "Awareness sessions", "buổi", maximum=1000,
                           points=10, leader_rule=True, target="sessions_target")

* ``leader_rule``: the field is scored against the best of the unit's cluster instead of by the
  default rule: the unit whose actual ÷ target is the highest in the cluster earns the field's
  ``points``; every other unit earns ``points × its ratio ÷ the leader's ratio``.
* ``target``: the field of the same set holding the unit's target (chỉ tiêu), or a number: the
  target itself (an owner's table of criteria, where a unit may have its own target, see
  :mod:`core.criteria_defs.targets`). Without it, the target is the same field's value in the
  unit's report of the period's plan period.
* A unit without a positive target cannot have a ratio: as in the police's scoring rules
  (Điều 6, units with no target), such units are compared among themselves on the actual value,
  the best of them earning the points.

The rule needs every unit of the cluster, so it is final only when the period closes
(:func:`core.clusters.operations.freeze`); before that the ranking shows it as provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.plugins.criteria import CriteriaSet

OPTION = "leader_rule"
TARGET = "target"


@dataclass(frozen=True)
class LeaderField:
    set_key: str
    field: str
    points: float
    target_field: str | None  # None: target_value, else the plan period's value of the same field
    target_value: float | None = None  # the target of every unit without its own


def leader_fields(criteria_set: CriteriaSet) -> list[LeaderField]:
    """The fields of ``criteria_set`` that opt into the leader rule."""
    found = []
    for name, declared in criteria_set.schema._declared_fields.items():
        meta = declared.metadata
        if not meta.get(OPTION):
            continue
        points = meta.get("points")
        if isinstance(points, bool) or not isinstance(points, int | float):
            continue  # the rule needs the field's maximum points
        target = meta.get(TARGET)
        value = _number(target)
        found.append(LeaderField(criteria_set.key, name, float(points),
                                 target if isinstance(target, str) else None,
                                 value if value is not None and value > 0 else None))
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(frozen=True)
class Standing:
    """One unit's result on one leader-rule criterion."""

    actual: float | None
    target: float | None
    ratio: float | None  # actual ÷ target, or the actual value for a unit with no target
    points: float
    leader: bool

    def as_dict(self) -> dict[str, Any]:
        return {"actual": self.actual, "target": self.target, "ratio": self.ratio,
                "points": self.points, "leader": self.leader}


def standings(entries: Mapping[Any, tuple[Any, Any]], points: float) -> dict[Any, Standing]:
    """Points on one criterion for each unit of a cluster.

    :param entries: unit → (actual value, target) as stored (``None`` when not given).
    :param points: the criterion's maximum points.
    :return: unit → :class:`Standing`. Units without an actual value earn nothing.
    """
    with_target: dict[Any, tuple[float, float, float]] = {}
    without_target: dict[Any, tuple[float, None, float]] = {}
    result: dict[Any, Standing] = {}
    for unit, (raw_actual, raw_target) in entries.items():
        actual, target = _number(raw_actual), _number(raw_target)
        if actual is None:
            result[unit] = Standing(None, target, None, 0.0, False)
        elif target is not None and target > 0:
            with_target[unit] = (actual, target, actual / target)
        else:
            without_target[unit] = (actual, None, actual)
    for group in (with_target, without_target):
        best = max((ratio for _a, _t, ratio in group.values()), default=0.0)
        for unit, (actual, target, ratio) in group.items():
            earned = points * ratio / best if best > 0 else 0.0
            earned = round(min(max(earned, 0.0), points), 2)
            result[unit] = Standing(actual, target, round(ratio, 4), earned, best > 0 and ratio == best)
    return result


def ranks(scores: Iterable[tuple[Any, float | None]]) -> dict[Any, int | None]:
    """Competition ranking ("1224"): equal scores (to 0.01) share a rank, the next rank skips;
    units without a score get none. ``scores`` must already be in display order."""
    ranked: dict[Any, int | None] = {}
    ordered = sorted(((unit, score) for unit, score in scores if score is not None),
                     key=lambda item: -item[1])
    previous, place = None, 0
    for position, (unit, score) in enumerate(ordered, start=1):
        rounded = round(score, 2)
        if rounded != previous:
            place, previous = position, rounded
        ranked[unit] = place
    for unit, score in scores:
        if score is None:
            ranked[unit] = None
    return ranked
