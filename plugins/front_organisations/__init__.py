"""Mặt trận Tổ quốc và các tổ chức chính trị - xã hội (Fatherland Front and socio-political organisations)

Criteria group a) of the plan, filled by units of kind ``front_org`` (the Fatherland Front
committee, the socio-political and socio-professional organisations and their branches):
coordination with the police and the programmes carried out, propaganda to members and the
members reached, support to the grassroots security forces, supervision and social criticism,
"Dân vận khéo" models on security and order, and the "Ngày hội toàn dân bảo vệ an ninh Tổ quốc"
(19 August).

Tenant attributes read: none for validation or scoring. The demo values use the unit's depth in
the tree: an organisation directly under the city gets city-sized membership numbers.
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
