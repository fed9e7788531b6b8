"""Read-only results of the units under a tenant, handed to plugins that judge a parent by its
children (a commune is "An toàn về ANTT" only if ≥70% of the units under it are)."""

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


def children_of(db, tenant, period) -> ChildrenView:
    """The results of every unit below ``tenant`` in ``period``.

    A deliberate read across tenants, bounded to the subtree and handed to plugins frozen: the
    head of a commune may not read its schools' reports, but the TT 124 rule for the commune is
    judged from their outcomes.
    """
    from sqlalchemy import select

    from core.db.scoping import UNSCOPED_OPTION
    from core.reports.models import Section, Submission
    from core.tenants.models import Tenant

    units = db.scalars(
        select(Tenant).where(Tenant.path.startswith(tenant.path), Tenant.id != tenant.id,
                             Tenant.active.is_(True))
    ).all()
    if not units:
        return ChildrenView()
    reason = {UNSCOPED_OPTION: "read-only results of a tenant's subtree for its plugins"}
    submissions = {
        s.tenant_id: s for s in db.scalars(
            select(Submission).where(Submission.period_id == period.id,
                                     Submission.tenant_id.in_([u.id for u in units]))
            .execution_options(**reason)
        )
    }
    values: dict[uuid.UUID, dict[str, dict[str, Any]]] = {}
    if submissions:
        for section in db.scalars(
            select(Section).where(Section.submission_id.in_([s.id for s in submissions.values()]))
            .execution_options(**reason)
        ):
            values.setdefault(section.tenant_id, {})[section.set_key] = dict(section.values)
    return ChildrenView.of(
        ChildResult(
            tenant_id=unit.id, kind=unit.kind, name=unit.name,
            status=submissions[unit.id].status if unit.id in submissions else None,
            values=values.get(unit.id, {}),
            outcomes=dict(submissions[unit.id].outcomes) if unit.id in submissions else {},
            attributes=dict(unit.attributes or {}),
        )
        for unit in units
    )
