"""Plausible values of the grassroots-force sets for one ward or commune of Hanoi."""

from __future__ import annotations

import random
from typing import Any

from .rules import EXCELLENT_QUOTA


def organisation_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    areas = rng.randint(15, 90)
    covered = areas - rng.randint(0, max(1, areas // 15))
    teams = covered + rng.randint(0, 3)
    members = teams * rng.randint(3, 6)
    return {
        "areas_total": areas,
        "areas_with_team": covered,
        "teams": teams,
        "members": members,
        "members_trained": round(members * rng.uniform(0.5, 1.0)),
        "members_regimes_paid": round(members * rng.uniform(0.8, 1.0)),
    }


def split(total: int, rng: random.Random) -> tuple[int, int, int]:
    """(good, completed, failed) for ``total`` rated below "xuất sắc"; most are rated "tốt"."""
    good = round(total * rng.uniform(0.5, 0.8))
    failed = min(total - good, rng.choice((0, 0, 0, 1)))
    return good, total - good - failed, failed


def rating_values(tenant: Any, rng: random.Random) -> dict[str, Any]:
    teams = rng.randint(15, 90)
    members = teams * rng.randint(3, 6)
    values: dict[str, Any] = {"teams_assessed": teams, "members_assessed": members}
    for subject, assessed in (("teams", teams), ("members", members)):
        good, completed, failed = split(assessed, rng)
        values[f"{subject}_excellent"] = 0
        values[f"{subject}_good"] = good
        values[f"{subject}_completed"] = completed
        values[f"{subject}_failed"] = failed
    # Promote from "hoàn thành" to "xuất sắc" while the quota over teams and members together holds.
    numerator, denominator = EXCELLENT_QUOTA
    allowed = (values["teams_good"] + values["members_good"]) * numerator // denominator
    for subject in ("teams", "members"):
        promoted = min(values[f"{subject}_completed"], rng.randint(0, allowed))
        values[f"{subject}_completed"] -= promoted
        values[f"{subject}_excellent"] = promoted
        allowed -= promoted
    values["members_disciplined"] = rng.choice((0, 0, 0, 0, 1))
    return values


GENERATORS = {"grassroots.organisation": organisation_values, "grassroots.rating": rating_values}


def demo_values(key: str, tenant: Any, rng: random.Random) -> dict[str, Any] | None:
    """Values of the set ``key`` for ``tenant``, or None when the set is not this plugin's."""
    generate = GENERATORS.get(key)
    return generate(tenant, rng) if generate else None
