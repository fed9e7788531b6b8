"""Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở

Tiêu chí của phường, xã về lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở theo Luật số
30/2023/QH15: Tổ bảo vệ an ninh, trật tự ở thôn, tổ dân phố, thành viên, huấn luyện, bồi dưỡng,
chế độ, chính sách; kết quả đánh giá, xếp loại hằng năm của tổ và tổ viên ở bốn mức (hoàn thành
xuất sắc, hoàn thành tốt, hoàn thành, không hoàn thành nhiệm vụ) theo Hướng dẫn số 01/HD-BCA-V05,
trong đó số xếp loại “hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% số xếp loại “hoàn thành tốt
nhiệm vụ”; kỷ luật.

Two sets for wards and communes (`ward`, `commune`). The rating set checks the 20% quota (exactly
20% passes) and judges the outcome `force_atantt`, the grassroots-force criterion of TT
124/2021/TT-BCA Điều 4 khoản 5. The plugin reads no tenant attribute.
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
