"""Validating and scoring a criteria set's values: the one call the reporting workflow uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from core.plugins.criteria import CriteriaSet
from core.plugins.messages import default_locale_outside_requests, localised_schema

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class EvaluationContext:
    """What validation and scoring may look at besides the values themselves."""

    tenant: Any = None
    period: Any = None
    previous: Mapping[str, Any] | None = None  # the same set's values in the previous period
    extra: Mapping[str, Any] = field(default_factory=dict)


def _add(errors: Errors, found: Mapping[str, Any] | None) -> None:
    for name, messages in (found or {}).items():
        if isinstance(messages, str):
            messages = [messages]
        elif isinstance(messages, Mapping):
            messages = [str(m) for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
        errors.setdefault(str(name), []).extend(str(m) for m in messages)


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


def _host(host: Any) -> Any:
    if host is not None:
        return host
    from flask import current_app

    from core.plugins.manager import plugin_host

    return plugin_host(current_app)


def evaluate(
    criteria_set: CriteriaSet,
    data: Mapping[str, Any],
    ctx: EvaluationContext | None = None,
    *,
    host: Any = None,
) -> tuple[Errors, float | None]:
    """Validate ``data`` (the schema, the set's ``validate``, then every ``thidua_validate``) and
    score it (the set's ``score``, else ``thidua_score``, else the default scorer).

    :return: ``(errors, score)``; errors map each field to Vietnamese messages (``_schema`` for
        errors about the whole set); the score is ``None`` when there are errors.
    """
    with default_locale_outside_requests():
        return _evaluate(criteria_set, data, ctx or EvaluationContext(), _host(host))


def _evaluate(
    criteria_set: CriteriaSet, data: Mapping[str, Any], ctx: EvaluationContext, host: Any
) -> tuple[Errors, float | None]:
    errors: Errors = {}
    try:
        values = localised_schema(criteria_set.schema).load(dict(data))
    except ValidationError as exc:
        _add(errors, exc.normalized_messages())
        return errors, None
    if criteria_set.validate is not None:
        _add(errors, criteria_set.validate(values, ctx))
    for found in host.broadcast("thidua_validate", criteria_set=criteria_set, data=values, context=ctx):
        _add(errors, found)
    if errors:
        return errors, None
    if criteria_set.score is not None:
        score = criteria_set.score(values, ctx)
    else:
        score = host.pm.hook.thidua_score(criteria_set=criteria_set, data=values, context=ctx)
    return errors, score
