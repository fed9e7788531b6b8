"""CriteriaSet: one declaration that drives the form, the API schema, validation, scoring and
rollups of a sector's criteria."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from marshmallow import Schema
from marshmallow import fields as ma_fields
from marshmallow.validate import OneOf

# How a field rolls up the tenant tree (a rollup of any unit: its own report and every counted
# report below it, taken from the reports themselves, never by averaging lower rollups):
# * "sum": the total of the numbers given; 0 when no report gives one;
# * "mean": that total ÷ the number of reports that give a number (a missing value is not a 0);
#   None when none does;
# * "count_true": the number of reports answering yes;
# * "rate": the reports answering yes ÷ the reports answering yes or no, from 0 to 1; None when
#   none answers.
# sum and mean take number fields, count_true and rate yes/no fields. Each is computed from three
# partial counts that add up across units: the total, how many reports have a value, how many
# say yes (see aggregate()).
AGGREGATES: tuple[str, ...] = ("sum", "mean", "rate", "count_true")
NUMBER_AGGREGATES = frozenset({"sum", "mean"})
YES_NO_AGGREGATES = frozenset({"count_true", "rate"})
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class CriteriaSetError(ValueError):
    """A CriteriaSet was declared with a value the contract does not allow."""


@dataclass(frozen=True)
class CriteriaSet:
    """A versioned set of criteria owned by exactly one plugin.

    ``key`` is ``"<sector>.<name>"``; bump ``version`` whenever a field or the scoring changes
    and keep the old version registered so closed periods stay readable.
    """

    key: str
    version: int
    title: str
    title_en: str
    applies_to: frozenset[str]
    schema: type[Schema]
    score: Callable[[Mapping[str, Any], Any], float] | None = None
    validate: Callable[[Mapping[str, Any], Any], Mapping[str, Any] | None] | None = None
    aggregates: Mapping[str, str] | None = field(default=None)
    # Pass/fail standards judged from the values, e.g. {"atantt": True} for "An toàn về ANTT";
    # None for a standard that does not apply to the unit (a primary school under TT 124).
    outcomes: Callable[[Mapping[str, Any], Any], Mapping[str, bool | None]] | None = None
    # The name each standard of ``outcomes`` is shown by, (Vietnamese, English): dashboards and
    # exports never show a standard's key.
    outcome_labels: Mapping[str, tuple[str, str]] | None = None
    # The most points the score can reach when that is not 100 (an owner's table of 1.000
    # points); reviewer scores keep the section within 0 and this.
    maximum: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not KEY_PATTERN.match(self.key):
            raise CriteriaSetError(
                f"criteria set key {self.key!r} must look like '<sector>.<name>' "
                "(lower case letters, digits and underscores)"
            )
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise CriteriaSetError(f"{self.key}: version must be a positive integer, not {self.version!r}")
        for name in ("title", "title_en"):
            value = getattr(self, name)
            if not str(value or "").strip():
                raise CriteriaSetError(f"{self.key}: {name} must not be empty")
        kinds = self.applies_to
        if isinstance(kinds, str) or not isinstance(kinds, Iterable):
            raise CriteriaSetError(f"{self.key}: applies_to must be a set of tenant kinds, not {kinds!r}")
        kinds = frozenset(kinds)
        if not kinds or not all(isinstance(k, str) and k for k in kinds):
            raise CriteriaSetError(f"{self.key}: applies_to must name at least one tenant kind")
        object.__setattr__(self, "applies_to", kinds)
        if not (isinstance(self.schema, type) and issubclass(self.schema, Schema)):
            hint = (f" (pass the class, not an instance: schema={type(self.schema).__name__})"
                    if isinstance(self.schema, Schema) else "")
            raise CriteriaSetError(f"{self.key}: schema must be a marshmallow Schema class{hint}")
        for name in ("score", "validate", "outcomes"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise CriteriaSetError(f"{self.key}: {name} must be a callable taking (data, ctx)")
        if self.maximum is not None and (isinstance(self.maximum, bool)
                                         or not isinstance(self.maximum, int | float) or self.maximum <= 0):
            raise CriteriaSetError(f"{self.key}: maximum must be a positive number, not {self.maximum!r}")
        self._check_fields()
        object.__setattr__(self, "aggregates", self._checked_aggregates())

    def _check_fields(self) -> None:
        fields = self.schema._declared_fields
        if not fields:
            raise CriteriaSetError(f"{self.key}: the schema declares no fields")
        for name, declared in fields.items():
            points = declared.metadata.get("points")
            if points is None or isinstance(points, int | float) and not isinstance(points, bool):
                continue
            if isinstance(points, Mapping) and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in points.values()
            ):
                self._check_choice_points(name, declared, points)
                continue
            raise CriteriaSetError(
                f"{self.key}: field {name!r} metadata 'points' must be a number or a mapping "
                "choice → number"
            )

    def _check_choice_points(self, name: str, declared: ma_fields.Field, points: Mapping[Any, Any]) -> None:
        """Every choice given points is one of the field's choices: a misspelled choice would
        silently earn nothing."""
        choices = [c for v in declared.validators if isinstance(v, OneOf) for c in v.choices]
        if not choices:
            return
        for choice in points:
            if choice not in choices:
                guess = difflib.get_close_matches(str(choice), [str(c) for c in choices], n=1, cutoff=0.5)
                hint = f"did you mean {guess[0]!r}? " if guess else ""
                raise CriteriaSetError(
                    f"{self.key}: field {name!r} gives points to {choice!r}, which is not one of its "
                    f"choices: {hint}the choices are {', '.join(map(repr, choices))}"
                )

    def _checked_aggregates(self) -> Mapping[str, str]:
        aggregates = dict(self.aggregates or {})
        fields = self.schema._declared_fields
        for name, how in aggregates.items():
            if name not in fields:
                guess = difflib.get_close_matches(str(name), list(fields), n=1)
                hint = f": did you mean {guess[0]!r}?" if guess else f"; the fields are {', '.join(fields)}"
                raise CriteriaSetError(
                    f"{self.key}: aggregate names {name!r}, which is not a schema field{hint}")
            if how not in AGGREGATES:
                raise CriteriaSetError(
                    f"{self.key}: aggregate of {name!r} must be one of {', '.join(AGGREGATES)}, not {how!r}"
                )
            declared = fields[name]
            if how in NUMBER_AGGREGATES and not isinstance(declared, ma_fields.Number):
                raise CriteriaSetError(f"{self.key}: {how} of {name!r} needs a number field; for a "
                                       "yes/no field use count_true or rate")
            if how in YES_NO_AGGREGATES and not isinstance(declared, ma_fields.Boolean):
                raise CriteriaSetError(f"{self.key}: {how} of {name!r} needs a yes/no (Boolean) field; "
                                       "for a number use sum or mean")
        return MappingProxyType(aggregates)

    @property
    def sector(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def ref(self) -> tuple[str, int]:
        return (self.key, self.version)

    def __hash__(self) -> int:
        return hash(self.ref)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CriteriaSet):
            return NotImplemented
        return self.ref == other.ref and self.schema is other.schema

    def __repr__(self) -> str:
        return f"<CriteriaSet {self.key} v{self.version}>"


def aggregate(how: str, values: Iterable[Any]) -> float | int | None:
    """The definition of each aggregate (see :data:`AGGREGATES`) over the values of one field in
    the reports a rollup counts; ``None`` values (the field left empty) are skipped.

    :raises ValueError: an unknown aggregate.
    """
    given = [v for v in values if v is not None]
    if how == "sum":
        return sum(given)
    if how == "mean":
        return sum(given) / len(given) if given else None
    if how == "count_true":
        return sum(1 for v in given if v is True)
    if how == "rate":
        return sum(1 for v in given if v is True) / len(given) if given else None
    raise ValueError(f"unknown aggregate {how!r}; one of {', '.join(AGGREGATES)}")
