"""Demo values for the school criteria: a year of a Hanoi school, mostly in good order."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import rules

# Pupils by the tenant attribute ``level``; an unknown level is a lower secondary school.
PUPILS: dict[str, tuple[int, int]] = {
    "nha_tre": (60, 250), "mam_non": (120, 600), "tieu_hoc": (500, 2_200), "thcs": (500, 1_800),
    "thpt": (800, 2_400), "lien_cap": (900, 3_000), "trung_cap": (300, 2_500),
    "cao_dang": (1_500, 8_000), "dai_hoc": (5_000, 30_000),
}


def rarely(rng: random.Random, chance: float, high: int = 2) -> int:
    """0 most of the time; 1..high with the given chance."""
    return rng.randint(1, high) if rng.random() < chance else 0


def pupils(tenant: Any, rng: random.Random) -> int:
    attributes = getattr(tenant, "attributes", None) or {}
    low, high = PUPILS.get(str(attributes.get("level") or ""), PUPILS["thcs"])
    return rng.randint(low, high)


def part_of(whole: int, rng: random.Random, low: float, full_chance: float) -> int:
    """The whole with the given chance, else a share of it between ``low`` and 1."""
    return whole if rng.random() < full_chance else int(whole * rng.uniform(low, 1.0))


def atantt_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    learners = pupils(tenant, rng)
    people = learners + max(10, learners // 18)
    party = rng.random() < 0.92
    rating = rng.choices(rules.SCHOOL_FORCE_RATINGS, weights=(20, 10, 35, 12, 1, 7, 15))[0]
    sub_units = rng.randint(3, 16)
    return {
        "has_party_organisation": party,
        "party_resolution": party and rng.random() < 0.95,
        "security_plan": rng.random() < 0.97,
        "registered": rng.random() < 0.96,
        "internal_rules": rng.random() < 0.95,
        "people_total": people,
        "people_briefed": part_of(people, rng, 0.85, 0.8),
        "effective_models": rng.choices((0, 1, 2, 3), weights=(5, 55, 30, 10))[0],
        "policies_implemented": rng.random() < 0.97,
        "parents_coordination": rng.random() < 0.93,
        "listed_incidents": rarely(rng, 0.03, 1),
        "school_violence_cases": rarely(rng, 0.08),
        "crime_or_evil_disciplined": rarely(rng, 0.04),
        "protection_force_rating": rating,
        "protection_force_disciplined": 0 if rating == rules.NO_FORCE else rarely(rng, 0.03, 1),
        "sub_units_total": sub_units,
        "sub_units_rated_well": rng.randint(sub_units // 2, sub_units),
        "sub_units_disciplined": rarely(rng, 0.05, 1),
    }


def safe_gate_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    return {
        "signage_complete": rng.random() < 0.85,
        "pickup_parking": rng.random() < 0.75,
        "traffic_accidents": rarely(rng, 0.06, 1),
        "congestion_incidents": rarely(rng, 0.25, 6),
        "helmet_violations": rarely(rng, 0.3, 25),
        "commitments_signed": rng.random() < 0.9,
        "self_management_team": rng.random() < 0.7,
    }


def drug_violence_free_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    students = pupils(tenant, rng)
    return {
        "propaganda_sessions": rng.randint(1, 8),
        "students_total": students,
        "students_committed": part_of(students, rng, 0.8, 0.6),
        "drug_cases": rarely(rng, 0.02, 1),
        "violence_cases": rarely(rng, 0.08),
    }


def legal_education_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    students = pupils(tenant, rng)
    legal, fraud = rng.randint(2, 14), rng.randint(1, 6)
    return {
        "legal_lessons": legal,
        "fraud_lessons": fraud,
        "traffic_lessons": rng.randint(1, 6),
        "police_talks": rng.randint(0, 3),
        "students_total": students,
        "students_reached": part_of(students, rng, 0.7, 0.55),
        "family_coordination": rng.random() < 0.9,
    }


DEMO: dict[str, Callable[[Any, random.Random], dict[str, Any]]] = {
    "school.atantt": atantt_values,
    "school.safe_gate": safe_gate_values,
    "school.drug_violence_free": drug_violence_free_values,
    "school.legal_education": legal_education_values,
}
