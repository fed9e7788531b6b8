"""Every standard a built-in criteria set judges (its ``outcomes``) has a name to be shown by, in
Vietnamese and English: dashboards never show a standard's key."""

from __future__ import annotations

import random

import pytest

from core.dashboards.tables import outcome_label
from core.plugins.evaluation import EvaluationContext
from core.tenants.models import Tenant
from tests.plugins.test_builtin_english import BUILT_IN, built_in_sets

pytestmark = pytest.mark.thidua_plugins(*BUILT_IN)


def judged(host) -> dict[str, set[str]]:
    """Each standard key any built-in set judges on its demo values, with the sets judging it."""
    found: dict[str, set[str]] = {}
    for criteria_set in built_in_sets(host):
        if criteria_set.outcomes is None:
            continue
        for kind in sorted(criteria_set.applies_to):
            tenant = Tenant(kind=kind, name="Đơn vị thử", slug="thu", attributes={})
            values = host.pm.hook.thidua_demo_values(criteria_set=criteria_set, tenant=tenant,
                                                     rng=random.Random(7))
            if values is None:
                continue
            loaded = criteria_set.schema().load(values)
            ctx = EvaluationContext(tenant=tenant, period=None).for_set(criteria_set)
            for key in criteria_set.outcomes(loaded, ctx) or {}:
                found.setdefault(key, set()).add(criteria_set.key)
    return found


def test_every_standard_of_a_built_in_set_has_its_names(app, plugin_host):
    found = judged(plugin_host)
    assert {"atantt", "no_data_leak", "safe_gate"} <= set(found)
    with app.test_request_context("/?lang=vi"):
        vietnamese = {key: outcome_label(key) for key in found}
    with app.test_request_context("/?lang=en"):
        english = {key: outcome_label(key) for key in found}
    unnamed = sorted(key for key in found if vietnamese[key] == key or english[key] == key)
    assert unnamed == [], f"standards shown by their key: {unnamed} (sets: {[found[k] for k in unnamed]})"
    assert vietnamese["safe_gate"] == "Cổng trường an toàn giao thông"
    assert english["safe_gate"] == "Safe school gate"
