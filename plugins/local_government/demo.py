"""Demo values for departments, communes and wards."""

from __future__ import annotations

import random
from typing import Any


def movement_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    department = getattr(tenant, "kind", None) == "department"
    staff_total = rng.randint(60, 900) if department else rng.randint(25, 120)
    active = rng.randint(1, 12)
    return {
        "plan_issued": rng.random() < 0.95,
        "policies_issued": rng.randint(0, 6),
        "steering_committee": rng.random() < 0.9,
        "steering_meetings": rng.randint(1, 6),
        "models_active": active,
        "models_new": rng.randint(0, min(active, 3)),
        "models_replicated": rng.randint(0, 20),
        "staff_total": staff_total,
        "staff_briefed": int(staff_total * rng.uniform(0.7, 1.0)),
        "it_applications": rng.randint(0, 4),
        "data_leaks": 1 if rng.random() < 0.04 else 0,
        "propaganda_items": rng.randint(3, 60),
        "bravery_examples": rng.randint(0, 4),
        "grassroots_regimes": rng.random() < 0.92,
        "grassroots_conditions": rng.random() < 0.85,
        "grassroots_budget": 0.0 if department else round(rng.uniform(200, 2_500), 1),
    }


def atantt_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    # Most communes meet their own conditions; a few slip on one of them, as in real years.
    slip = rng.random() < 0.15
    previous = rng.randint(10, 140)
    serious = rng.choice((0, 0, 0, 1, 2))
    areas_total = rng.randint(8, 60)
    units_total = areas_total + rng.randint(4, 40)
    values = {
        "q1_resolution": True,
        "q1_plan_registered": True,
        "effective_models": rng.randint(1, 8),
        "policies_implemented": True,
        "prohibited_events": 0,
        "offences": rng.randint(max(0, previous - 25), previous),
        "offences_previous_year": previous,
        "serious_crimes": serious,
        "serious_crimes_handled": serious,
        "new_hotspots": 0,
        "new_social_evil_persons": 0,
        "serious_incidents": 0,
        "police_effective": True,
        "police_disciplined": 0,
        "units_total": units_total,
        "units_registered": units_total,
        "areas_total": areas_total,
        "areas_recognised": min(areas_total, int(areas_total * rng.uniform(0.75, 1.0)) + 1),
    }
    if slip:
        which = rng.choice(("offences", "new_social_evil_persons", "units_registered", "serious_incidents"))
        if which == "offences":
            values["offences"] = previous + rng.randint(1, 15)
        elif which == "new_social_evil_persons":
            values["new_social_evil_persons"] = rng.randint(1, 4)
        elif which == "units_registered":
            values["units_registered"] = units_total - rng.randint(1, 3)
        else:
            values["serious_incidents"] = 1
    return values


DEMO = {"local.movement": movement_values, "local.atantt": atantt_values}
