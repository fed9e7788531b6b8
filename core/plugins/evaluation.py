"""Validating and scoring a criteria set's values: the one call the reporting workflow uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from marshmallow import ValidationError

from core.plugins.criteria import CriteriaSet
from core.plugins.messages import default_locale_outside_requests, localised_schema
from core.plugins.numbers import read_numbers
from core.plugins.points import achieved, default_score, field_points

__all__ = ["EvaluationContext", "Errors", "achieved", "default_score", "evaluate", "field_points"]

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class EvaluationContext:
    """What validation, scoring and the pass/fail standards may look at besides the values.

    ``criteria_set`` is the set (the version) being judged: :func:`evaluate` and the reporting
    workflow fill it in, so a set's own callables reach their declaration (its fields' points)
    without importing the module that declares them. ``extra["children"]`` is a
    :class:`core.plugins.ChildrenView` when the workflow judges a unit with units under it.
    """

    tenant: Any = None
    period: Any = None
    previous: Mapping[str, Any] | None = None  # the same set's values in the previous period
    extra: Mapping[str, Any] = field(default_factory=dict)
    criteria_set: CriteriaSet | None = None

    def for_set(self, criteria_set: CriteriaSet) -> EvaluationContext:
        """This context with ``criteria_set`` set to the one being judged."""
        if self.criteria_set is criteria_set:
            return self
        return replace(self, criteria_set=criteria_set)


def _add(errors: Errors, found: Mapping[str, Any] | None) -> None:
    for name, messages in (found or {}).items():
        if isinstance(messages, str):
            messages = [messages]
        elif isinstance(messages, Mapping):
            messages = [str(m) for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
        errors.setdefault(str(name), []).extend(str(m) for m in messages)


def _host(host: Any) -> Any:
    if host is not None:
        return host
    from flask import current_app, has_app_context

    from core.plugins.manager import plugin_host

    if not has_app_context():
        raise RuntimeError(
            "evaluate() reads the loaded plugins from the running app: call it inside "
            "`with app.app_context():` (in tests, the `app` fixture's)"
        )
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

    Needs an app context (the plugins are the running app's), unless ``host`` is given. The
    set's callables receive ``ctx`` with ``ctx.criteria_set`` set to ``criteria_set``.

    :return: ``(errors, score)``; errors map each field to Vietnamese messages (``_schema`` for
        errors about the whole set); the score is ``None`` when there are errors.
    :raises RuntimeError: outside an app context without ``host``.
    """
    found = _host(host)
    with default_locale_outside_requests():
        return _evaluate(criteria_set, data, (ctx or EvaluationContext()).for_set(criteria_set), found)


def _evaluate(
    criteria_set: CriteriaSet, data: Mapping[str, Any], ctx: EvaluationContext, host: Any
) -> tuple[Errors, float | None]:
    schema = localised_schema(criteria_set.schema)
    errors, read = read_numbers(schema, data)
    try:
        values = schema.load({k: v for k, v in read.items() if k not in errors})
    except ValidationError as exc:
        # A field refused as a number is not also "missing" because it was left out of the load.
        _add(errors, {k: v for k, v in exc.normalized_messages().items() if k not in errors})
    if errors:
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
