"""Reading a criteria set's schema as a list of field descriptions: what the form, the API and
the docs show."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

from marshmallow import fields as ma_fields
from marshmallow import validate as ma_validate

from core.plugins.criteria import CriteriaSet

# Order matters: Boolean before Number, Integer before the generic Number.
_TYPES: tuple[tuple[type[ma_fields.Field], str], ...] = (
    (ma_fields.Boolean, "boolean"),
    (ma_fields.Integer, "integer"),
    (ma_fields.Number, "number"),
    (ma_fields.Date, "date"),
    (ma_fields.DateTime, "datetime"),
    (ma_fields.String, "string"),
)


@dataclass(frozen=True)
class FieldInfo:
    """One criterion as the form and the API see it."""

    name: str
    type: str
    label: str
    help: str | None
    unit: str | None
    points: Any
    required: bool
    choices: list[Any] | None
    evidence_required: bool
    minimum: float | None = None
    maximum: float | None = None
    multiline: bool = False
    label_en: str | None = None  # the English label; ``label`` when the set gives none
    points_per_unit: float | None = None
    help_en: str | None = None  # the English help; None when the set gives none
    unit_en: str | None = None  # the English unit; None: the core's vocabulary of units
    choices_en: dict[str, str] | None = None  # each choice's English label, by the stored value
    code: str | None = None  # the criterion's code in its table (Mã: "I.", "1.1", "a)"), if any

    def as_dict(self) -> dict[str, Any]:
        """Every attribute by name; ``points`` and ``choices`` copied, so the caller may change
        the answer without touching the description (read on every report request: a plain copy
        of the attributes read once costs a fraction of :func:`dataclasses.asdict`'s deep one)."""
        answer = dict(self._attributes)
        if isinstance(self.points, dict):
            answer["points"] = dict(self.points)
        if self.choices is not None:
            answer["choices"] = list(self.choices)
        return answer

    @cached_property
    def _attributes(self) -> dict[str, Any]:
        # Never handed out: as_dict copies it. The description is frozen, so it never goes stale.
        return {name: getattr(self, name) for name in _NAMES}


_NAMES: tuple[str, ...] = tuple(f.name for f in fields(FieldInfo))


def field_type(declared: ma_fields.Field) -> str:
    for cls, name in _TYPES:
        if isinstance(declared, cls):
            return name
    return "string"


def _validators(declared: ma_fields.Field) -> list[Any]:
    return list(getattr(declared, "validators", []) or [])


def choices_of(declared: ma_fields.Field) -> list[Any] | None:
    for validator in _validators(declared):
        if isinstance(validator, ma_validate.OneOf):
            return list(validator.choices)
    return None


def _range_of(declared: ma_fields.Field) -> tuple[float | None, float | None]:
    for validator in _validators(declared):
        if isinstance(validator, ma_validate.Range):
            return validator.min, validator.max
    return None, None


def describe_field(name: str, declared: ma_fields.Field) -> FieldInfo:
    meta = declared.metadata
    minimum, maximum = _range_of(declared)
    points = meta.get("points")
    if isinstance(points, dict):
        points = dict(points)
    return FieldInfo(
        name=name,
        type=field_type(declared),
        label=str(meta.get("label") or name),
        help=str(meta["help"]) if meta.get("help") else None,
        unit=str(meta["unit"]) if meta.get("unit") else None,
        points=points,
        required=bool(declared.required),
        choices=choices_of(declared),
        evidence_required=bool(meta.get("evidence_required", False)),
        minimum=minimum,
        maximum=maximum,
        multiline=bool(meta.get("multiline", False)),
        label_en=str(meta.get("label_en") or meta.get("label") or name),
        points_per_unit=meta.get("points_per_unit"),
        help_en=str(meta["help_en"]) if meta.get("help_en") else None,
        unit_en=str(meta["unit_en"]) if meta.get("unit_en") else None,
        choices_en=({str(k): str(v) for k, v in meta["choices_en"].items()}
                    if meta.get("choices_en") else None),
        code=str(meta["code"]) if meta.get("code") else None,
    )


# Schema class → its fields described. A set's schema is a class fixed when its plugin loads, so
# its description is made once per process; weak keys let a class that goes away take it along.
_DESCRIBED: WeakKeyDictionary[type, tuple[FieldInfo, ...]] = WeakKeyDictionary()
_TEXTS = ("label", "label_en", "help", "unit")


def _fixed(declared: ma_fields.Field) -> bool:
    # A lazily translated label reads differently per request's language: such a schema is
    # described every time instead.
    return all(isinstance(declared.metadata.get(key), str | None) for key in _TEXTS)


def describe(criteria_set: CriteriaSet) -> list[FieldInfo]:
    """The set's fields in declaration order (a new list of shared, frozen descriptions)."""
    schema = criteria_set.schema
    described = _DESCRIBED.get(schema)
    if described is None:
        declared = schema._declared_fields
        described = tuple(describe_field(name, f) for name, f in declared.items())
        if all(_fixed(f) for f in declared.values()):
            _DESCRIBED[schema] = described
    return list(described)
