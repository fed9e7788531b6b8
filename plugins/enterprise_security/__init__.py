"""An ninh, trật tự cơ quan, doanh nghiệp (agency and enterprise security)

Criteria for agencies and enterprises (tenant kinds ``agency`` and ``enterprise``) from the
plan's criteria group c) and TT 124/2021/TT-BCA Điều 6:

- ``enterprise.atantt``: "Cơ quan, doanh nghiệp an toàn về an ninh, trật tự", the five criteria
  of TT 124 Điều 6 with the pass/fail standard ``atantt``;
- ``enterprise.protection_force``: the protection force (lực lượng bảo vệ): members, trained and
  certified, regimes guaranteed, the year's rating, discipline;
- ``enterprise.police_models``: models of the movement built and replicated with the local
  police, joint activities, tips given to the police.

Tenant attributes read: ``size`` of an enterprise (``micro``, ``small``, ``medium``, ``large``)
and ``armed_forces`` of an agency (true for an armed-forces unit). ``atantt`` is not applicable
(``None``) to small and micro enterprises and to armed-forces units, which TT 124 leaves out; a
unit of unknown size is judged under TT 124.
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
