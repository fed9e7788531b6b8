"""What one report adds to the rollups: a flat mapping of counters, and the arithmetic on them.

A contribution is a ``dict[str, float]`` whose keys are:

* ``started`` (the unit has a report), and one of ``drafts``, ``submitted``, ``returned``,
  ``approved`` for its status; ``late`` when it was submitted after the unit's deadline and is
  submitted or approved;
* per level — ``p`` (provisional: submitted or approved) and ``f`` (final: approved) —
  ``<level>|reports``; ``<level>|score|n`` and ``<level>|score|sum`` (the report's score: the
  reviewer's where there is one); ``<level>|class|<classification>``;
  ``<level>|outcome|<standard>|pass`` or ``…|fail`` (e.g. ``atantt``, "An toàn về ANTT");
* per aggregate a criteria set declares (``CriteriaSet.aggregates``),
  ``<level>|agg|<set key>|<field>|n`` (units that gave a value), ``…|sum`` (the sum of numeric
  values) and ``…|true`` (units whose value claims the criterion: yes, a number above zero, a
  text). ``sum``, ``mean`` (sum ÷ n), ``rate`` (true ÷ n) and ``count_true`` (true) all read
  these three counters, so the rollup does not depend on how a field is shown.

Drafts and returned reports add only their status: their figures are not declared yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins.evaluation import achieved
from core.reports.models import APPROVED, DRAFT, RETURNED, SUBMITTED

Counters = dict[str, float]

PROVISIONAL = "p"
FINAL = "f"
AGGREGATE = "|agg|"  # marks the keys of the criteria sets' aggregates
STATUS_COUNTERS = {DRAFT: "drafts", SUBMITTED: "submitted", RETURNED: "returned", APPROVED: "approved"}
# Sums are kept to this many decimals so that adding and taking away the same value returns
# exactly to the same figure.
PRECISION = 6


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def contribution(
    status: str | None,
    *,
    late: bool = False,
    score: float | None = None,
    classification: str | None = None,
    outcomes: Mapping[str, Any] | None = None,
    sections: Mapping[str, Mapping[str, Any]] | None = None,
    aggregates: Mapping[str, Mapping[str, str]] | None = None,
) -> Counters:
    """The counters a report with these stored fields adds to each rollup above its unit.

    :param status: the report's status, ``None`` when the unit has no report (adds nothing).
    :param score: the report's score (the reviewer's total where there is one, else the unit's).
    :param sections: set key → the section's values.
    :param aggregates: set key → {field: how} as the criteria sets declare them.
    """
    if status is None:
        return {}
    counters: Counters = {"started": 1, STATUS_COUNTERS[status]: 1}
    if status not in (SUBMITTED, APPROVED):
        return counters
    if late:
        counters["late"] = 1
    levels = (PROVISIONAL, FINAL) if status == APPROVED else (PROVISIONAL,)
    for level in levels:
        counters[f"{level}|reports"] = 1
        if score is not None:
            counters[f"{level}|score|n"] = 1
            counters[f"{level}|score|sum"] = round(float(score), PRECISION)
        if classification:
            counters[f"{level}|class|{classification}"] = 1
        for name, result in (outcomes or {}).items():
            if result is True:
                counters[f"{level}|outcome|{name}|pass"] = 1
            elif result is False:
                counters[f"{level}|outcome|{name}|fail"] = 1
        for set_key, values in (sections or {}).items():
            for field in (aggregates or {}).get(set_key, {}):
                value = values.get(field)
                if value is None or value == "":
                    continue
                lead = f"{level}|agg|{set_key}|{field}"
                counters[f"{lead}|n"] = 1
                number = _number(value)
                if number is not None and number != 0:
                    counters[f"{lead}|sum"] = round(number, PRECISION)
                if achieved(value):
                    counters[f"{lead}|true"] = 1
    return counters


def add_into(target: Counters, change: Mapping[str, float], sign: int = 1) -> Counters:
    """``target += sign × change`` in place, rounded, dropping the counters that come to zero."""
    for key, value in change.items():
        amount = round(target.get(key, 0) + sign * value, PRECISION)
        if abs(amount) < 10 ** -PRECISION:
            target.pop(key, None)
        else:
            target[key] = int(amount) if float(amount).is_integer() else amount
    return target


def combine(base: Mapping[str, float], change: Mapping[str, float], sign: int = 1) -> Counters:
    """``base + sign × change`` as a new mapping (see :func:`add_into`)."""
    return add_into(dict(base), change, sign)


def difference(new: Mapping[str, float], old: Mapping[str, float]) -> Counters:
    """``new − old``: what to apply to the rollups when a contribution changes."""
    return combine(new, old, -1)
