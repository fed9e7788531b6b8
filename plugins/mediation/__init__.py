"""Hòa giải ở cơ sở

Tiêu chí của phường, xã về công tác hòa giải ở cơ sở theo Luật Hòa giải ở cơ sở số 35/2013/QH13:
tổ hòa giải và hòa giải viên (mỗi tổ có từ 03 hòa giải viên trở lên, trong đó có hòa giải viên
nữ — Điều 12 khoản 1), hòa giải viên được tập huấn, và kết quả hòa giải (vụ việc tiếp nhận,
hòa giải thành, không thành, đang hòa giải → tỷ lệ hòa giải thành).

Two sets for wards and communes (`ward`, `commune`). The success rate is successful / concluded
(successful + unsuccessful) cases; the city rollup sums the counts, so the rate of any group of
units is Σ successful / Σ concluded. The plugin reads no tenant attribute.
"""

from __future__ import annotations

import random
from typing import Any

from core.plugins import hookimpl

from .criteria import CRITERIA_SETS
from .demo import demo_values

requires_core = ">=1.0,<2"


@hookimpl
def thidua_criteria_sets():
    return list(CRITERIA_SETS)


@hookimpl
def thidua_demo_values(criteria_set: Any, tenant: Any, rng: random.Random) -> dict[str, Any] | None:
    return demo_values(criteria_set.key, tenant, rng)
