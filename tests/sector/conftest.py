"""Set-up shared by the sector plugin tests.

A test module names the plugin it tests in ``PLUGIN``; the app then loads that plugin alone.
``evaluate_set`` and ``judge`` run values through the same validation, scoring and standards as
the reporting workflow; ``demo_values`` draws the plugin's demo values.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from core.plugins import CriteriaSet, EvaluationContext, evaluate
from core.plugins.manager import plugin_host

Evaluated = tuple[dict[str, list[str]], float | None]
Judged = tuple[dict[str, list[str]], float | None, Mapping[str, bool | None] | None]


@pytest.fixture
def thidua_config(request):
    """Only the plugin under test (the test module's ``PLUGIN``)."""
    return {"THIDUA_PLUGINS": request.module.PLUGIN}


@pytest.fixture
def host(app):
    return plugin_host(app)


@pytest.fixture
def evaluate_set(app, host) -> Callable[..., Evaluated]:
    """``evaluate_set(set_or_key, data, ctx=None, **changes)`` → (errors, score) of ``data`` with
    ``changes`` applied; a key names the latest version of the set."""

    def run(criteria_set: CriteriaSet | str, data: Mapping[str, Any], ctx: EvaluationContext | None = None,
            **changes: Any) -> Evaluated:
        if isinstance(criteria_set, str):
            criteria_set = host.criteria_set(criteria_set)
        with app.app_context():
            return evaluate(criteria_set, {**data, **changes}, ctx or EvaluationContext(), host=host)

    return run


@pytest.fixture
def judge(host, evaluate_set) -> Callable[..., Judged]:
    """``judge(key, data, tenant=None)`` → (errors, score, outcomes) for a unit ``tenant``; the
    outcomes (the set's pass/fail standards) only for valid values of a set that has them."""

    def run(key: str, data: Mapping[str, Any], tenant: Any = None) -> Judged:
        criteria_set = host.criteria_set(key)
        ctx = EvaluationContext(tenant=tenant)
        errors, score = evaluate_set(criteria_set, data, ctx)
        outcomes = criteria_set.outcomes(data, ctx) if criteria_set.outcomes and not errors else None
        return errors, score, outcomes

    return run


@pytest.fixture
def demo_values(host) -> Callable[..., dict[str, Any] | None]:
    """``demo_values(set_or_key, tenant, seed)`` → the plugin's demo values for that set and unit,
    drawn with ``random.Random(seed)``."""

    def make(criteria_set: CriteriaSet | str, tenant: Any, seed: int) -> dict[str, Any] | None:
        if isinstance(criteria_set, str):
            criteria_set = host.criteria_set(criteria_set)
        rng = random.Random(seed)
        return host.pm.hook.thidua_demo_values(criteria_set=criteria_set, tenant=tenant, rng=rng)

    return make
