"""Demo values for the Front's criteria: a ward-level union up to a city-wide organisation."""

from __future__ import annotations

import random
from typing import Any

NOTES = (
    "Phối hợp với Công an phường duy trì mô hình “Camera an ninh” tại các tổ dân phố.",
    "Vận động hội viên tham gia tổ tự quản, tuần tra đêm cùng lực lượng bảo vệ an ninh, trật tự ở cơ sở.",
    "Tổ chức diễn đàn “Công an lắng nghe ý kiến Nhân dân” tại khu dân cư.",
    "Đề nghị tăng cường chiếu sáng, lắp camera tại các ngõ phức tạp về trộm cắp.",
)


def movement_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    # A city-level organisation (directly under the city) counts its members in the hundreds of
    # thousands; its branches below count hundreds or thousands.
    city_level = getattr(tenant, "depth", 2) <= 1
    members_total = rng.randint(50_000, 900_000) if city_level else rng.randint(150, 6_000)
    signed = rng.randint(1, 6)
    models = rng.randint(0, 4)
    held = rng.random() < 0.85
    return {
        "coordination_regulation": rng.random() < 0.9,
        "programmes_signed": signed,
        "programmes_done": rng.randint(max(0, signed - 2), signed),
        "info_exchanges": rng.randint(1, 12),
        "propaganda_sessions": rng.randint(2, 40),
        "members_total": members_total,
        "members_reached": int(members_total * rng.uniform(0.55, 1.0)),
        "grassroots_support": rng.randint(0, 10),
        "supervisions": rng.randint(0, 4),
        "social_criticisms": rng.randint(0, 5),
        "issues_raised": rng.randint(0, 15),
        "dan_van_kheo_models": models,
        "dan_van_kheo_recognised": rng.randint(0, models),
        "festival_held": held,
        "festival_participants": rng.randint(80, 3_000) if held else 0,
        "notes": rng.choice(NOTES),
    }


DEMO = {"front.movement": movement_values}
