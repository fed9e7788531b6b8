"""Demo achievement records: a plausible nominee of the unit."""

from __future__ import annotations

import random
from typing import Any

from .criteria import CATEGORIES

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu")
GIVEN = ("Hùng", "Lan", "Tuấn", "Hương", "Dũng", "Mai", "Sơn", "Hà", "Long", "Thảo")

# The categories a unit of each kind usually nominates.
CATEGORY_BY_KIND = {
    "ward": ("Cán bộ, công chức, viên chức", "Cá nhân khác", "Đoàn viên, hội viên"),
    "commune": ("Cán bộ, công chức, viên chức", "Cá nhân khác", "Đoàn viên, hội viên"),
    "front_org": ("Đoàn viên, hội viên",),
    "enterprise": ("Công nhân viên, người lao động",),
}

DEEDS = (
    "Phát hiện, tố giác đối tượng trộm cắp tài sản trên địa bàn, giúp Công an phường thu hồi tài sản.",
    "Tích cực vận động các hộ gia đình lắp đặt camera an ninh, tham gia Tổ tự quản về an ninh, trật tự.",
    "Dũng cảm cứu người bị nạn trong vụ cháy nhà dân, hỗ trợ lực lượng chức năng giữ gìn trật tự.",
    "Đề xuất sáng kiến tổ chức tuần tra an ninh kết hợp tuyên truyền phòng, chống lừa đảo qua mạng.",
)


def achievement_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    kind = getattr(tenant, "kind", None)
    reported = rng.randint(0, 4)
    return {
        "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "position": getattr(tenant, "name", None) or "Tổ dân phố số 5",
        "category": rng.choice(CATEGORY_BY_KIND.get(kind, CATEGORIES)),
        "exemplary": True,
        "people_mobilised": rng.randint(0, 40),
        "propaganda_items": rng.randint(0, 8),
        "initiatives": rng.choice((0, 0, 1, 2)),
        "models_joined": rng.randint(0, 2),
        "crimes_reported": reported,
        "crimes_solved": rng.randint(0, reported),
        "police_support": rng.randint(0, 15),
        "brave_acts": rng.choice((0, 0, 0, 1)),
        "summary": rng.choice(DEEDS),
    }


DEMO = {"individual.achievements": achievement_values}
