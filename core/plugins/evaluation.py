"""Validating and scoring a criteria set's values: the one call the reporting workflow uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError

from core.plugins.criteria import CriteriaSet
from core.plugins.diagnostics import where
from core.plugins.messages import default_locale_outside_requests, localised_schema
from core.plugins.numbers import read_numbers
from core.plugins.points import achieved, default_score, field_points

__all__ = ["EvaluationContext", "Errors", "PluginContractError", "achieved", "default_score", "evaluate",
           "field_points", "judge_outcomes"]

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


class PluginContractError(TypeError):
    """A criteria set's ``validate``, ``score`` or ``outcomes``, or a ``thidua_validate`` or
    ``thidua_score`` implementation, returned what the contract does not allow. The message
    names the set, the callable with its file and line, what it returned and what it must return
    (docs/plugins.md, "Criteria sets" and "Hook reference")."""


def _own(criteria_set: CriteriaSet, name: str, values: Mapping[str, Any], ctx: EvaluationContext,
         host: Any = None) -> Any:
    """Call the set's own ``validate``, ``score`` or ``outcomes``; an exception it raises carries a
    note naming the set and the callable, so a traceback from a request points at the plugin."""
    function = getattr(criteria_set, name)
    try:
        return function(values, ctx)
    except Exception as exc:
        exc.add_note(f"raised by {_source(criteria_set, name, host)}")
        raise


def _source(criteria_set: CriteriaSet, name: str, host: Any = None) -> str:
    """``validate of criteria set fire_safety.example v1 (plugin fire_safety) at /…/criteria.py:25``."""
    owner = host.owner_of(criteria_set.key) if host is not None and hasattr(host, "owner_of") else None
    plugin = f" (plugin {owner})" if owner else ""
    return (f"{name} of criteria set {criteria_set.key} v{criteria_set.version}{plugin} at "
            f"{where(getattr(criteria_set, name))}")


def _shown(value: Any) -> str:
    text = repr(value)
    return f"a {type(value).__name__} ({text if len(text) <= 60 else text[:57] + '...'})"


def _checked_errors(found: Any, source: Callable[[], str]) -> Mapping[str, Any] | None:
    if found is None or isinstance(found, Mapping):
        return found
    raise PluginContractError(
        f"{source()} returned {_shown(found)}: it must return None, or a dict field → message or "
        "list of messages, e.g. {\"staff\": \"Phải lớn hơn 0.\"} (\"_schema\" for the whole set)"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _checked_score(score: Any, source: str) -> float | int | Decimal:
    if _is_number(score):
        return score
    raise PluginContractError(
        f"{source} returned {_shown(score)}: it must return the points as a number (an int or a "
        "float, such as weighted_score(ctx.criteria_set, data, {...}))"
    )


def judge_outcomes(
    criteria_set: CriteriaSet, values: Mapping[str, Any], ctx: EvaluationContext, host: Any = None
) -> dict[str, Any]:
    """The set's pass/fail standards for values that validated: ``outcomes(data, ctx)``, checked.

    :return: standard name → ``True``, ``False`` or ``None`` (empty when the set judges none).
    :raises PluginContractError: ``outcomes`` returned something else than ``None`` or such a dict.
    """
    if criteria_set.outcomes is None:
        return {}
    found = _own(criteria_set, "outcomes", values, ctx.for_set(criteria_set), host)
    if found is None:
        return {}
    if isinstance(found, Mapping) and all(isinstance(name, str) and (v is None or isinstance(v, bool))
                                          for name, v in found.items()):
        return dict(found)
    raise PluginContractError(
        f"{_source(criteria_set, 'outcomes', host)} returned {_shown(found)}: it "
        "must return None, or a dict standard name → True, False or None, e.g. {\"atantt\": True}"
    )


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
        _add(errors, _checked_errors(_own(criteria_set, "validate", values, ctx, host),
                                     lambda: _source(criteria_set, "validate", host)))
    for plugin, function, found in host.broadcast_each(
            "thidua_validate", criteria_set=criteria_set, data=values, context=ctx):
        _add(errors, _checked_errors(
            found, lambda plugin=plugin, function=function:
            f"hook thidua_validate of plugin {plugin} at {where(function)}"))
    if errors:
        return errors, None
    if criteria_set.score is not None:
        score = _own(criteria_set, "score", values, ctx, host)
        if not _is_number(score):
            _checked_score(score, _source(criteria_set, "score", host))
    else:
        score = host.pm.hook.thidua_score(criteria_set=criteria_set, data=values, context=ctx)
        if not _is_number(score):
            # Only on failure: who implements the hook (firstresult does not say who answered).
            impls = "; ".join(f"plugin {impl.plugin_name} at {where(impl.function)}"
                              for impl in host.pm.hook.thidua_score.get_hookimpls()
                              if impl.plugin_name != "core.defaults")
            _checked_score(score, f"hook thidua_score (implemented by {impls or 'no plugin'}), for "
                                  f"criteria set {criteria_set.key} v{criteria_set.version},")
    return errors, score
