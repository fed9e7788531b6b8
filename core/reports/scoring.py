"""A report's scores: per section (self and reviewer), the weighted total, the classification.

* A section's self score is what its criteria set's scorer gives (0–100 by convention).
* A reviewer scores criterion by criterion; the section's reviewer score is its self score with
  each reviewed criterion's self points replaced by the reviewer's points, kept within 0–100.
* The total is the weighted mean of the sections' scores (reviewer score where there is one),
  weights from the period; sections of an unavailable plugin are left out.
* The classification is the first band (highest minimum first) whose minimum the total reaches
  and whose required standards (e.g. "atantt") the report passed. Band minima are points out of
  100; a report whose sets score out of more (an owner's table of 1.000 points) is measured on
  its own scale, the weighted mean of its sections' maxima (:func:`scale_of`): 900 of 1.000
  reaches a band of 90.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.plugins.criteria import CriteriaSet
from core.plugins.evaluation import field_points


def reviewer_section_score(
    criteria_set: CriteriaSet, values: Mapping[str, Any], self_score: float | None,
    review: Mapping[str, Mapping[str, Any]],
) -> float | None:
    scored = {name: entry for name, entry in review.items() if entry.get("score") is not None}
    if not scored or self_score is None:
        return None
    fields = criteria_set.schema._declared_fields
    adjusted = float(self_score)
    for name, entry in scored.items():
        declared = fields.get(name)
        own = field_points(declared.metadata, values.get(name)) if declared is not None else 0.0
        adjusted += float(entry["score"]) - own
    ceiling = float(criteria_set.maximum) if criteria_set.maximum is not None else 100.0
    return round(min(max(adjusted, 0.0), ceiling), 2)


def weighted_total(scores: Iterable[tuple[float | None, float]]) -> float | None:
    """``scores`` = (score, weight) per section; None when no section has a score."""
    pairs = [(score, weight) for score, weight in scores if score is not None and weight > 0]
    total_weight = sum(weight for _, weight in pairs)
    if not pairs or total_weight == 0:
        return None
    return round(sum(score * weight for score, weight in pairs) / total_weight, 2)


def merge_outcomes(per_section: Iterable[Mapping[str, Any]]) -> dict[str, bool | None]:
    """A standard fails if any section fails it, passes if some pass and none fail."""
    merged: dict[str, bool | None] = {}
    for outcomes in per_section:
        for name, value in outcomes.items():
            if value is None:
                merged.setdefault(name, None)
            elif value is False or merged.get(name) is False:
                merged[name] = False
            else:
                merged[name] = True
    return merged


SCALE = 100.0  # what band minima are written out of


def scale_of(maxima: Iterable[tuple[float | None, float | None, float]]) -> float:
    """The points a report's total is out of: the weighted mean of the maxima of the sections
    that have a score, ``maxima`` being (score, the set's maximum or None for 100, weight) per
    section; 100 when no section has a score."""
    pairs = [(float(top) if top else SCALE, weight) for score, top, weight in maxima
             if score is not None and weight > 0]
    return weighted_total(pairs) or SCALE


def _minimum(band: Mapping[str, Any], scale: float) -> float:
    """A band's minimum on a report's scale (see :func:`scale_of`)."""
    return float(band.get("min", 0)) * scale / SCALE


def classify(
    total: float | None, outcomes: Mapping[str, Any], bands: Sequence[Mapping[str, Any]],
    scale: float = SCALE,
) -> str | None:
    """The band of a report with ``total`` points out of ``scale``, or None without a total."""
    if total is None:
        return None
    for band in sorted(bands, key=lambda b: float(b.get("min", 0)), reverse=True):
        if total < _minimum(band, scale):
            continue
        if all(outcomes.get(name) is True for name in band.get("requires", [])):
            return str(band["name"])
    return None


def band_standing(
    total: float | None, outcomes: Mapping[str, Any], bands: Sequence[Mapping[str, Any]],
    scale: float = SCALE,
) -> list[dict[str, Any]]:
    """Every band of a period, highest minimum first, with what a report with ``total`` and
    ``outcomes`` lacks for it (the reading of :func:`classify`, spelled out for people):

    ``{"name", "min", "requires", "reached", "short_by", "failed", "undecided"}`` where
    ``reached`` marks the band :func:`classify` gives, ``short_by`` is the points missing to the
    band's minimum on the report's ``scale`` (0 when reached; None without a total), ``failed``
    the required standards the report did not pass and ``undecided`` those not decided yet (a
    section not complete)."""
    given = classify(total, outcomes, bands, scale)
    found = []
    for band in sorted(bands, key=lambda b: float(b.get("min", 0)), reverse=True):
        minimum = _minimum(band, scale)
        requires = [str(r) for r in band.get("requires", []) or []]
        found.append({
            "name": str(band.get("name", "")),
            "min": minimum,
            "requires": requires,
            "reached": given is not None and str(band.get("name")) == given,
            "short_by": None if total is None else round(max(minimum - float(total), 0.0), 2),
            "failed": [r for r in requires if outcomes.get(r) is False],
            "undecided": [r for r in requires if outcomes.get(r) is None],
        })
    return found
