"""Mô hình bảo đảm an ninh, trật tự ở khu dân cư

Tiêu chí của phường, xã về các mô hình phòng, chống tội phạm ở cơ sở mà kế hoạch phong trào nêu
tên: “Camera an ninh”, “Tổ tự phòng, tự quản”, “Tổ liên gia về an ninh, trật tự” và “Khu dân cư an
toàn về an ninh, trật tự” theo Điều 4 Thông tư 124/2021/TT-BCA.

Three sets for wards and communes (`ward`, `commune`): the security cameras, the self-management
and neighbourhood teams, and the residential areas registered and recognised "An toàn về an ninh,
trật tự". Each set scores 0–100 by the rule in its docstring; the areas set also judges the
outcome `areas_atantt_70`. The plugin reads no tenant attribute: the tenant's `kind` only shapes
the demo values (wards are denser than communes).
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
