"""Demo values for cyber safety: the training and systems of a Hanoi unit in one year."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

# Staff by tenant kind, and for enterprises by the attribute ``size``.
STAFF: dict[str, tuple[int, int]] = {
    "ward": (35, 120), "commune": (30, 90), "department": (60, 450), "front_org": (8, 60),
    "agency": (20, 300), "school": (30, 160), "micro": (3, 10), "small": (11, 100),
    "medium": (101, 300), "large": (301, 5_000),
}
SYSTEMS: dict[str, tuple[int, int]] = {
    "department": (2, 15), "agency": (1, 6), "large": (2, 10), "medium": (1, 4),
}


def profile(tenant: Any) -> str:
    kind = str(getattr(tenant, "kind", "") or "")
    if kind == "enterprise":
        attributes = getattr(tenant, "attributes", None) or {}
        size = str(attributes.get("size") or "medium")
        return size if size in STAFF else "medium"
    return kind if kind in STAFF else "agency"


def rarely(rng: random.Random, chance: float, high: int = 2) -> int:
    """0 most of the time; 1..high with the given chance."""
    return rng.randint(1, high) if rng.random() < chance else 0


def training_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    staff = rng.randint(*STAFF[profile(tenant)])
    sessions = rng.choices((0, 1, 2, 3, 4, 6), weights=(5, 25, 30, 20, 12, 8))[0]
    trained = int(staff * rng.uniform(0.4, 1.0)) if sessions else 0
    drills = rng.choices((0, 1, 2, 3), weights=(45, 35, 15, 5))[0]
    recipients = int(staff * rng.uniform(0.6, 1.0)) if drills else 0
    fraud = rng.randint(0, 6)
    return {
        "sessions": sessions,
        "participants": int(trained * rng.uniform(1.0, 1.8)) if sessions else 0,
        "staff_total": staff,
        "staff_trained": trained,
        "phishing_drills": drills,
        "drill_recipients": recipients,
        "drill_clicked": int(recipients * rng.uniform(0.0, 0.25)),
        "fraud_sessions": fraud,
        "fraud_people_reached": fraud * rng.randint(30, 400),
        "fraud_alerts": rng.random() < 0.8,
    }


def systems_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    low, high = SYSTEMS.get(profile(tenant), (0, 2))
    systems = rng.randint(low, high)
    incidents = rarely(rng, 0.2, 4)
    return {
        "systems_total": systems,
        "systems_level_approved": rng.randint(systems // 2, systems),
        "systems_assessed": rng.randint(0, systems),
        "incidents": incidents,
        "incidents_handled": rng.randint(max(0, incidents - 1), incidents),
        "data_leaks": rarely(rng, 0.03, 1),
        "response_plan": rng.random() < 0.75,
    }


DEMO: dict[str, Callable[[Any, random.Random], dict[str, Any]]] = {
    "cyber.training": training_values,
    "cyber.systems": systems_values,
}
