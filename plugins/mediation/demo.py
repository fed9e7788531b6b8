"""Plausible values of the mediation sets for one ward or commune of Hanoi."""

from __future__ import annotations

import random
from typing import Any


def team_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    # Roughly one team per thôn or tổ dân phố, most of them meeting the 3-mediator rule.
    teams = rng.randint(15, 80)
    compliant = teams - rng.randint(0, max(1, teams // 8))
    mediators = compliant * rng.randint(3, 7) + (teams - compliant) * rng.randint(1, 2)
    women = min(mediators, compliant + rng.randint(0, mediators // 3))
    return {
        "teams": teams,
        "teams_compliant": compliant,
        "mediators": mediators,
        "women_mediators": women,
        "mediators_trained": round(mediators * rng.uniform(0.4, 1.0)),
    }


def case_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    received = rng.randint(0, 120)
    pending = rng.randint(0, received // 10)
    outside = rng.randint(0, (received - pending) // 20)  # withdrawn or transferred
    done = received - pending - outside
    successful = round(done * rng.uniform(0.7, 0.95))
    return {
        "cases_received": received,
        "cases_successful": successful,
        "cases_unsuccessful": done - successful,
        "cases_pending": pending,
    }


GENERATORS = {"mediation.teams": team_values, "mediation.cases": case_values}


def demo_values(key: str, tenant: Any, rng: random.Random) -> dict[str, Any] | None:
    """Values of the set ``key`` for ``tenant``, or None when the set is not this plugin's."""
    generate = GENERATORS.get(key)
    return generate(tenant, rng) if generate else None
