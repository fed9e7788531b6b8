"""Plausible values of the residential-model sets for one ward or commune of Hanoi."""

from __future__ import annotations

import random
from typing import Any


def is_ward(tenant: Any) -> bool:
    """Wards are denser than communes: more households and cameras per unit."""
    return getattr(tenant, "kind", "ward") == "ward"


def households(tenant: Any, rng: random.Random) -> int:
    return rng.randint(12_000, 32_000) if is_ward(tenant) else rng.randint(6_000, 18_000)


def camera_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    installed = rng.randint(400, 3_000) if is_ward(tenant) else rng.randint(80, 900)
    return {
        "has_regulation": rng.random() < 0.85,
        "cameras_installed": installed,
        "cameras_connected": round(installed * rng.uniform(0.3, 0.95)),
        "locations": max(1, round(installed / rng.uniform(1.2, 3.0))),
        "cases_supported": rng.randint(0, 45),
    }


def team_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    total = households(tenant, rng)
    self_managed = rng.randint(5, 60)
    liaison = rng.randint(50, 600)
    return {
        "households_total": total,
        "self_managed_teams": self_managed,
        "self_managed_households": min(total, self_managed * rng.randint(15, 80)),
        "liaison_teams": liaison,
        "liaison_households": min(total, liaison * rng.randint(5, 15)),
        "effective_teams": round((self_managed + liaison) * rng.uniform(0.6, 1.0)),
    }


def area_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    total = rng.randint(25, 90) if is_ward(tenant) else rng.randint(15, 60)
    registered = total if rng.random() < 0.85 else total - rng.randint(1, 3)
    all_households = total - rng.randint(0, max(1, total // 10))
    limit = min(registered, all_households)
    return {
        "areas_total": total,
        "areas_registered": registered,
        "areas_all_households": all_households,
        "areas_recognised": round(limit * rng.uniform(0.6, 1.0)),
    }


GENERATORS = {
    "residential.security_camera": camera_values,
    "residential.self_management": team_values,
    "residential.atantt_areas": area_values,
}


def demo_values(key: str, tenant: Any, rng: random.Random) -> dict[str, Any] | None:
    """Values of the set ``key`` for ``tenant``, or None when the set is not this plugin's."""
    generate = GENERATORS.get(key)
    return generate(tenant, rng) if generate else None
