"""An toàn, an ninh mạng (cyber safety)

Criteria for every reporting unit but the city (wards, communes, departments, Front
organisations, agencies, enterprises, schools), from the plan's content on cyber security
(II.4), the duties of the Department of Science and Technology (VI.7) and criteria group b)
("no data leak"):

- ``cyber.training``: training sessions and attendances, the share of staff trained, phishing
  drills and how many fell for them, online-fraud prevention sessions, people reached and alerts;
- ``cyber.systems``: information systems with an approved security level and assessed this
  year, incidents and how many were handled, data leaks, an incident response plan; the standard
  ``no_data_leak`` fails on any leak.

No national criteria text exists for these; the measures follow the plan's wording. Validation
and scoring read no tenant attribute; the demo values use the tenant kind and an enterprise's
``size`` for the number of staff and systems.
"""

from __future__ import annotations

import random
from typing import Any

from core.plugins import hookimpl

from .criteria import CRITERIA_SETS
from .demo import DEMO

requires_core = ">=1.0,<2"


@hookimpl
def thidua_criteria_sets() -> list[Any]:
    return list(CRITERIA_SETS)


@hookimpl
def thidua_demo_values(criteria_set: Any, tenant: Any, rng: random.Random) -> dict[str, Any] | None:
    make = DEMO.get(criteria_set.key)
    return make(tenant, rng) if make else None
