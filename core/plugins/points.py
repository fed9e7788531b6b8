"""The default scoring rule: what a field's ``points`` metadata earns, and a set's default score.

The reporting workflow (reviewer scores), the built-in default scorer (the ``thidua_score``
implementation of last resort) and the scoring helpers all count points this one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins.criteria import CriteriaSet


def achieved(value: Any) -> bool:
    """Whether a value claims the criterion: true, a number above zero, a non-empty text."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float):
        return value > 0
    return bool(str(value).strip())


def field_points(meta: Mapping[str, Any], value: Any) -> float:
    """Points one field earns under the default rule (see ``default_score``)."""
    points = meta.get("points")
    per_unit = meta.get("points_per_unit")
    if isinstance(points, Mapping):
        return float(points.get(value, 0)) if value is not None else 0.0
    if per_unit is not None and isinstance(value, int | float) and not isinstance(value, bool):
        earned = float(value) * float(per_unit)
        if points is not None:
            cap = float(points)
            earned = min(earned, cap) if cap >= 0 else max(earned, cap)
        return earned
    if points is None:
        return 0.0
    return float(points) if achieved(value) else 0.0


def default_score(criteria_set: CriteriaSet, data: Mapping[str, Any]) -> float:
    """Sum the ``points`` metadata of the fields, field by field:

    * a boolean earns ``points`` when true;
    * a number earns ``points`` when greater than zero; with ``points_per_unit`` it earns
      value × points_per_unit instead, capped at ``points`` when both are given;
    * a text or choice earns ``points`` when not empty; ``points`` may instead map each choice
      to its own points;
    * a missing value earns nothing; negative points are deductions.
    """
    total = 0.0
    for name, declared in criteria_set.schema._declared_fields.items():
        total += field_points(declared.metadata, data.get(name))
    return round(total, 2)
