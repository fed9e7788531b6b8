"""Chính quyền địa phương, sở, ban, ngành (local government and city departments).

Criteria group b) of the plan and, for communes and wards, the "An toàn về an ninh, trật tự"
standard of TT 124/2021/TT-BCA Điều 5.

Criteria sets:

* ``local.movement`` (v1; ``ward``, ``commune``, ``department``): plans and policies, the steering
  committee, models built and replicated, staff awareness, IT applied and no data leak,
  propaganda and examples of bravery, regimes and working conditions of the grassroots security
  forces. Outcome ``no_data_leak``.
* ``local.atantt`` (v1; ``ward``, ``commune``): the commune's own conditions of Điều 5. Outcome
  ``atantt``, whose "≥70% of the units recognised" rule is computed from the results of the
  residential areas (kind ``residential_area``, added by a directory), agencies, enterprises and
  schools under the commune, read from ``ctx.extra["children"]`` (a ``ChildrenView``). Without
  it the outcome is ``None`` unless the commune's own conditions already fail it.

Tenant attributes read: none; only the unit's ``kind`` (a unit other than a commune or ward gets
no ``atantt`` outcome; the demo values size departments differently).
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
