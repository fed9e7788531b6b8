"""An toàn trường học (school safety)

Criteria for schools (tenant kind ``school``) from the plan's duties of the Department of
Education (section VI.6) and TT 124/2021/TT-BCA Điều 7:

- ``school.atantt``: "Trường học an toàn về an ninh, trật tự", the six criteria of TT 124 Điều 7
  with the pass/fail standard ``atantt``;
- ``school.safe_gate``: "Cổng trường an toàn giao thông" (signage, pick-up parking, accidents,
  congestion, helmets, commitments, a self-management team) with the standard ``safe_gate``;
- ``school.drug_violence_free``: "Trường học không ma túy, không bạo lực" with the standard
  ``drug_violence_free``;
- ``school.legal_education``: legal education, road safety and online-fraud lessons.

Tenant attribute read: ``level`` (``nha_tre``, ``mam_non``, ``tieu_hoc``, ``thcs``, ``thpt``,
``lien_cap``, ``trung_cap``, ``cao_dang``, ``dai_hoc``). ``atantt`` is not applicable (``None``) to
crèches, kindergartens and primary schools, which TT 124 leaves out; the parents' board criterion
counts as met outside general education (``trung_cap``, ``cao_dang``, ``dai_hoc``). An unknown
level is judged as a general-education school under TT 124.
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
