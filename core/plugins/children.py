"""What a plugin may read of the units under the tenant it judges: their results, frozen.

A parent may be judged by its children (TT 124: a commune is "An toàn về ANTT" only if at least
70% of the units under it are). The reporting workflow builds the view (``children_of`` in
:mod:`core.reports.children`) and hands it to the set's callables as ``ctx.extra["children"]``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class ChildResult:
    """One unit directly or indirectly under the tenant being evaluated."""

    tenant_id: uuid.UUID
    kind: str
    name: str
    status: str | None  # the unit's report status in the period; None when it has no report
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # set key → field → value
    outcomes: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"atantt": True}
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def value(self, set_key: str, field_name: str, default: Any = None) -> Any:
        return self.values.get(set_key, {}).get(field_name, default)


@dataclass(frozen=True)
class ChildrenView:
    """The children's results, frozen: a plugin reads them and cannot change them."""

    results: tuple[ChildResult, ...] = ()
    counted_statuses: frozenset[str] = frozenset({"submitted", "approved"})

    @classmethod
    def of(cls, results: Iterable[ChildResult]) -> ChildrenView:
        frozen = tuple(
            ChildResult(
                tenant_id=r.tenant_id, kind=r.kind, name=r.name, status=r.status,
                values=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in r.values.items()}),
                outcomes=MappingProxyType(dict(r.outcomes)),
                attributes=MappingProxyType(dict(r.attributes)),
            )
            for r in results
        )
        return cls(results=frozen)

    def units(self, kinds: Iterable[str] | None = None) -> list[ChildResult]:
        """Every child unit (of the given kinds), whether or not it has reported."""
        wanted = None if kinds is None else set(kinds)
        return [r for r in self.results if wanted is None or r.kind in wanted]

    def reported(self, kinds: Iterable[str] | None = None) -> list[ChildResult]:
        """Children whose report is submitted or approved."""
        return [r for r in self.units(kinds) if r.status in self.counted_statuses]

    def values(self, set_key: str, field_name: str, kinds: Iterable[str] | None = None) -> list[Any]:
        """The field's value in each reported child that has it."""
        found = (r.value(set_key, field_name) for r in self.reported(kinds))
        return [v for v in found if v is not None]

    def outcome_share(self, outcome: str, kinds: Iterable[str] | None = None) -> tuple[int, int]:
        """(children whose outcome is true, children for which the outcome is decided)."""
        decided = [r.outcomes[outcome] for r in self.reported(kinds) if r.outcomes.get(outcome) is not None]
        return sum(1 for v in decided if v), len(decided)
