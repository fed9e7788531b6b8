"""Demo values for agencies and enterprises: a year of a Hanoi unit, mostly in good order."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import rules

# Staff by the enterprise attribute ``size``; agencies and units of unknown size are medium.
STAFF: dict[str, tuple[int, int]] = {
    "micro": (3, 10), "small": (11, 100), "medium": (101, 300), "large": (301, 5_000),
}


def rarely(rng: random.Random, chance: float, high: int = 2) -> int:
    """0 most of the time; 1..high with the given chance."""
    return rng.randint(1, high) if rng.random() < chance else 0


def size_of(tenant: Any) -> str:
    attributes = getattr(tenant, "attributes", None) or {}
    size = str(attributes.get("size") or "")
    return size if size in STAFF else "medium"


def part_of(whole: int, rng: random.Random, low: float, full_chance: float) -> int:
    """The whole with the given chance, else a share of it between ``low`` and 1."""
    return whole if rng.random() < full_chance else int(whole * rng.uniform(low, 1.0))


def has_force(tenant: Any, rng: random.Random) -> bool:
    return size_of(tenant) in ("medium", "large") or rng.random() < 0.4


def force_rating(rng: random.Random) -> str:
    ratings = rules.FORCE_RATINGS[:-1]  # every rating but "no protection force"
    return rng.choices(ratings, weights=(20, 10, 40, 18, 2, 10))[0]


def atantt_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    staff = rng.randint(*STAFF[size_of(tenant)])
    party = rng.random() < (0.9 if staff > 100 else 0.35)
    force = has_force(tenant, rng)
    sub_units = min(staff // 8, rng.randint(2, 25))
    return {
        "has_party_organisation": party,
        "party_resolution": party and rng.random() < 0.95,
        "security_plan": rng.random() < 0.95,
        "registered": rng.random() < 0.93,
        "internal_rules": rng.random() < 0.93,
        "staff_total": staff,
        "staff_briefed": part_of(staff, rng, 0.8, 0.8),
        "effective_models": rng.choices((0, 1, 2, 3), weights=(8, 55, 27, 10))[0],
        "policies_implemented": rng.random() < 0.96,
        "listed_incidents": rarely(rng, 0.03, 1),
        "staff_sanctioned": rarely(rng, 0.06),
        "protection_force_rating": force_rating(rng) if force else rules.NO_FORCE,
        "protection_force_disciplined": rarely(rng, 0.03, 1) if force else 0,
        "sub_units_total": sub_units,
        "sub_units_rated_well": rng.randint(sub_units // 2, sub_units),
        "sub_units_disciplined": rarely(rng, 0.05, 1),
    }


def protection_force_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    if not has_force(tenant, rng):
        return {"members": 0, "trained": 0, "certified": 0, "regimes_guaranteed": False,
                "rating": rules.NO_FORCE, "disciplined": 0}
    members = rng.randint(3, 12) if size_of(tenant) != "large" else rng.randint(10, 80)
    trained = part_of(members, rng, 0.6, 0.7)
    return {
        "members": members,
        "trained": trained,
        "certified": part_of(trained, rng, 0.5, 0.6),
        "regimes_guaranteed": rng.random() < 0.85,
        "rating": force_rating(rng),
        "disciplined": rarely(rng, 0.04, 1),
    }


def police_models_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    active = rng.choices((0, 1, 2, 3, 4), weights=(8, 40, 30, 15, 7))[0]
    return {
        "coordination_regulation": rng.random() < 0.85,
        "models_active": active,
        "models_new": rng.randint(0, min(active, 2)),
        "joint_activities": rng.randint(0, 6),
        "tips_reported": rarely(rng, 0.35, 4),
        "propaganda_sessions": rng.randint(0, 8),
    }


DEMO: dict[str, Callable[[Any, random.Random], dict[str, Any]]] = {
    "enterprise.atantt": atantt_values,
    "enterprise.protection_force": protection_force_values,
    "enterprise.police_models": police_models_values,
}
