"""Helpers for writing criteria sets: field builders for a set's schema and the scoring arithmetic
sector plugins share.

Every field builder puts ``label`` and ``label_en`` (and ``unit`` where it takes one) first in the
field's metadata and passes any other keyword through as metadata, in the order given: ``points``,
``points_per_unit``, ``points_rule``, ``evidence_required``, ``help``, ``multiline``… (see
:func:`core.plugins.describe` and :func:`core.plugins.default_score` for what they mean).

The interface is Vietnamese first and English complete: a field with ``help`` gives ``help_en``;
a choice field gives ``choices_en`` (each stored choice → its English label); a unit the core's
vocabulary (:data:`core.plugins.language.UNITS`) does not know gives ``unit_en``::

    class TrainingSchema(Schema):
        sessions = count_field("Số buổi tập huấn", "Training sessions", "buổi", maximum=1_000,
                               points=10, points_per_unit=2.5, help="Mỗi buổi 2,5 điểm, tối đa 10 điểm.",
                               help_en="2.5 points per session, at most 10 points.")
        plan = yes_no_field("Có kế hoạch", "A plan", points=10, evidence_required=True)
        rating = choice_field("Tự đánh giá", "Self-assessment", ("Tốt", "Khá"),
                              choices_en={"Tốt": "Good", "Khá": "Fair"}, points={"Tốt": 10, "Khá": 5})

A scorer that gives some fields a fraction of their points and the rest by the default rule (the
set being scored is ``ctx.criteria_set``)::

    def score(data, ctx):
        return weighted_score(ctx.criteria_set, data, {"trained": share(data["trained"], data["staff"])})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import fields, validate

from core.plugins.criteria import CriteriaSet
from core.plugins.fields import describe
from core.plugins.points import default_score

# -- Fields --------------------------------------------------------------------------------------


def _labels(label: str, label_en: str, unit: str | None = None) -> dict[str, Any]:
    labels = {"label": label, "label_en": label_en}
    if unit is not None:
        labels["unit"] = unit
    return labels


def count_field(label: str, label_en: str, unit: str, *, maximum: int, minimum: int = 0,
                required: bool = True, **meta: Any) -> fields.Integer:
    """A whole number from ``minimum`` to ``maximum`` (both included) counted in ``unit``.

    A plugin with one usual maximum binds it once: ``count = partial(count_field, maximum=1_000)``.
    """
    return fields.Integer(
        required=required, validate=validate.Range(min=minimum, max=maximum),
        metadata={**_labels(label, label_en, unit), **meta},
    )


def number_field(label: str, label_en: str, unit: str, *, maximum: float, minimum: float = 0,
                 required: bool = True, **meta: Any) -> fields.Float:
    """A decimal number from ``minimum`` to ``maximum`` (both included) in ``unit``, e.g. an amount
    of money."""
    return fields.Float(
        required=required, validate=validate.Range(min=minimum, max=maximum),
        metadata={**_labels(label, label_en, unit), **meta},
    )


def yes_no_field(label: str, label_en: str, *, required: bool = True, **meta: Any) -> fields.Boolean:
    """A yes/no answer; with ``points`` the default scorer gives them for a yes."""
    return fields.Boolean(required=required, metadata={**_labels(label, label_en), **meta})


def choice_field(label: str, label_en: str, choices: Iterable[str], *, required: bool = True,
                 choices_en: Mapping[str, str] | None = None, **meta: Any) -> fields.String:
    """One of ``choices`` (stored as written, in Vietnamese); ``choices_en`` maps each to the label
    the English interface shows; ``points`` may map each choice to its own points."""
    labels = _labels(label, label_en)
    if choices_en is not None:
        labels["choices_en"] = dict(choices_en)
    return fields.String(
        required=required, validate=validate.OneOf(list(choices)), metadata={**labels, **meta},
    )


def text_field(label: str, label_en: str, *, max_length: int, min_length: int | None = None,
               required: bool = True, **meta: Any) -> fields.String:
    """Free text of at most ``max_length`` characters (and at least ``min_length`` when given); pass
    ``multiline=True`` for a text area rather than a one-line input."""
    return fields.String(
        required=required, validate=validate.Length(min=min_length, max=max_length),
        metadata={**_labels(label, label_en), **meta},
    )


# -- Scoring -------------------------------------------------------------------------------------


def share(part: float | None, whole: float | None) -> float:
    """``part / whole`` within 0–1. An empty whole (0 or missing) or a missing part gives 0: a unit
    with nothing to count earns nothing rather than failing on a division by zero."""
    if not whole or part is None or whole <= 0:
        return 0.0
    return max(0.0, min(float(part) / float(whole), 1.0))


def at_least_share(part: int, whole: int, ratio: tuple[int, int]) -> bool:
    """Whether ``part`` is at least ``ratio`` = (numerator, denominator) of ``whole``, e.g.
    ``(7, 10)`` for 70%. Compared in integers, so that exactly 70% passes with no rounding; an
    empty whole always passes."""
    numerator, denominator = ratio
    return part * denominator >= whole * numerator


def met(condition: Any) -> float:
    """1.0 when ``condition`` holds, else 0.0: the fraction of an all-or-nothing criterion."""
    return 1.0 if condition else 0.0


def met_if_none(count: Any) -> float:
    """1.0 when ``count`` is 0 (or missing), else 0.0: for criteria such as "no incident"."""
    return 1.0 if not count else 0.0


def clamp_score(points: float) -> float:
    """A score kept within 0–100 and rounded to 2 decimals."""
    return round(max(0.0, min(points, 100.0)), 2)


def weighted_score(criteria_set: CriteriaSet, data: Mapping[str, Any],
                   fractions: Mapping[str, float]) -> float:
    """The fields named in ``fractions`` earn their ``points`` × the fraction met (clamped to 0–1);
    every other field earns its points by the default rule (:func:`core.plugins.default_score`). The
    total is clamped to 0–100 and rounded to 2 decimals."""
    points = {info.name: info.points for info in describe(criteria_set)}
    others = {name: value for name, value in data.items() if name not in fractions}
    total = default_score(criteria_set, others)
    total += sum(
        float(points[name] or 0) * max(0.0, min(fraction, 1.0)) for name, fraction in fractions.items()
    )
    return clamp_score(total)
