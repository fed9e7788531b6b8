"""Chính quyền địa phương, sở, ban, ngành (local government and city departments)

Criteria group b) of the plan for city departments, communes and wards: plans and policies, the
steering committee, models built and replicated, staff awareness, IT applied and no data leak,
propaganda and examples of bravery, regimes and working conditions of the grassroots security
forces (``local.movement``, outcome ``no_data_leak``). For communes and wards, the "An toàn về
an ninh, trật tự" standard of TT 124/2021/TT-BCA Điều 5 (``local.atantt``, outcome ``atantt``).

The "≥70% of the units recognised" rule of Điều 5 khoản 4 is computed from the results of the
residential areas (kind ``residential_area``, which a directory may add), agencies, enterprises
and schools under the commune, read from ``ctx.extra["children"]`` (a ``ChildrenView``); its
other conditions come from the commune's own values. Without the units' results the outcome is
``None``, unless the commune's own conditions already fail it.

Tenant attributes read: none, only the unit's ``kind``: a unit other than a commune or ward gets
no ``atantt`` outcome, and the demo values size departments differently.
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
