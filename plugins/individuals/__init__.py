"""Thành tích cá nhân (achievements of an individual nominee)

Criteria group d) of the plan as the achievement record of one individual nominee: leading by
example, people mobilised, propaganda, initiatives, models joined, crimes reported and solved,
support to the police and the grassroots security forces, acts of bravery. The commendation
workflow uses it for nominations; the nominating unit fills it, so it applies to every unit kind
except the city. Periods normally do not enable it for annual reports: it belongs to a
nomination, not to a unit's yearly report.

Scored by the default rule. Tenant attributes read: none (the demo values pick a likely
category from the unit's kind).
"""

from __future__ import annotations

import random
from typing import Any

from core.plugins import hookimpl

from .criteria import CRITERIA_SETS
from .demo import DEMO

requires_core = ">=1.0,<2"


@hookimpl
def thidua_criteria_sets() -> list[Any]:
    return list(CRITERIA_SETS)


@hookimpl
def thidua_demo_values(criteria_set: Any, tenant: Any, rng: random.Random) -> dict[str, Any] | None:
    make = DEMO.get(criteria_set.key)
    return make(tenant, rng) if make else None
