"""Freezing a period's results at closing, and reading results from the snapshot or live.

:func:`freeze` runs in the transaction that closes the period (``core.periods.operations``): it
copies every rollup row of the owner's subtree with its census, and every expected unit's report
(status, score, classification, standards, lateness, values, contribution) into a new
:class:`~core.snapshots.models.PeriodSnapshot` version. Nothing is ever updated: reopening and
closing again makes version n + 1, and the reports made from version n keep saying so.

:func:`results_for` gives the reader the reports use: the latest snapshot when the period is
closed or archived, the live rollups and reports otherwise. Both answer the same questions in
the same shapes (:class:`~core.rollups.figures.RollupRows`, a unit's own contribution, units one
by one in Vietnamese order), so a report is built the same way from either.

The copy and the reads of other units' rows cross tenants on purpose (the owner's admin closes
for every unit the period covers; a commune's report reads its subtree's frozen rows), marked
with ``UNSCOPED_OPTION``; the reads are always bounded by the scope's path.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.db.scoping import UNSCOPED_OPTION
from core.db.types import utcnow
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins.models import PeriodCriteriaSet
from core.reports.models import Section, Submission
from core.rollups import figures as rollup_figures
from core.rollups.figures import RollupRows
from core.rollups.models import COUNTERS, Rollup, RollupSource, SubtreeCount
from core.snapshots.models import PeriodSnapshot, SnapshotRollup, SnapshotUnit
from core.tenants.models import Tenant

UNSCOPED = {UNSCOPED_OPTION: "a period's snapshot covers every unit of its owner's subtree"}
BATCH = 2000


def expected_kinds(db: Session, period_id: uuid.UUID) -> list[str]:
    """The kinds of unit the period asks a report of, in the period's order of sets."""
    kinds: list[str] = []
    for row in db.scalars(select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period_id)
                          .order_by(PeriodCriteriaSet.position, PeriodCriteriaSet.key)):
        for kind in row.tenant_kinds or []:
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def latest(db: Session, period_id: uuid.UUID) -> PeriodSnapshot | None:
    """The period's newest snapshot (None before its first closing)."""
    return db.scalar(select(PeriodSnapshot).where(PeriodSnapshot.period_id == period_id)
                     .order_by(PeriodSnapshot.version.desc()).limit(1))


def versions(db: Session, period_id: uuid.UUID) -> list[PeriodSnapshot]:
    """Every snapshot of the period, oldest first."""
    return list(db.scalars(select(PeriodSnapshot).where(PeriodSnapshot.period_id == period_id)
                           .order_by(PeriodSnapshot.version)))


def _chunks(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def freeze(db: Session, period: ReportingPeriod, *, actor_id: uuid.UUID | None = None,
           reason: str = "") -> PeriodSnapshot:
    """Copy the period's results into a new snapshot version (1 at the first closing); the
    caller's transaction commits it with the closing. ``reason`` is why the period was reopened
    before this closing. Returns the new :class:`PeriodSnapshot`.

    The version is the next after the newest; two closings cannot race, as a period moves only
    from open to closed once (the unique (period, version) pair refuses the loser otherwise).
    """
    owner = db.get(Tenant, period.owner_tenant_id)
    previous = db.scalar(select(func.max(PeriodSnapshot.version))
                         .where(PeriodSnapshot.period_id == period.id))
    if previous and not reason.strip():
        # A later version says why the period was reopened (the reason given then, audited).
        reason = db.scalar(
            select(AuditEntry.reason).where(AuditEntry.action == f"period.{period_models.OPEN}",
                                            AuditEntry.object_id == str(period.id))
            .order_by(AuditEntry.seq.desc()).limit(1)
        ) or ""
    snapshot = PeriodSnapshot(period_id=period.id, version=(previous or 0) + 1, reason=reason,
                              created_by_id=actor_id, created_at=utcnow())
    db.add(snapshot)
    db.flush()
    in_subtree = Tenant.path.startswith(owner.path)

    # Rollups with the census of their kind: keyed (tenant, kind) from either table.
    frozen: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
    for row in db.execute(
        select(Rollup.tenant_id, Rollup.unit_kind, *(getattr(Rollup, c) for c in COUNTERS), Rollup.figures,
               Rollup.aggregates).where(Rollup.period_id == period.id), execution_options=UNSCOPED,
    ):
        counters = {c: getattr(row, c) for c in COUNTERS if getattr(row, c)}
        counters.update(row.figures or {})
        counters.update(row.aggregates or {})
        frozen[(row.tenant_id, row.unit_kind)] = {"units": 0, "counters": counters}
    for tenant_id, kind, units in db.execute(
        select(SubtreeCount.tenant_id, SubtreeCount.unit_kind, SubtreeCount.units)
        .join(Tenant, Tenant.id == SubtreeCount.tenant_id).where(in_subtree), execution_options=UNSCOPED,
    ):
        frozen.setdefault((tenant_id, kind), {"units": 0, "counters": {}})["units"] = units
    rollup_rows = [{"tenant_id": tenant_id, "id": uuid.uuid4(), "snapshot_id": snapshot.id, "unit_kind": kind,
                    **row} for (tenant_id, kind), row in frozen.items()]
    for chunk in _chunks(rollup_rows):
        db.execute(insert(SnapshotRollup), chunk, execution_options=UNSCOPED)

    # Units the period expects, their report and its values.
    kinds = expected_kinds(db, period.id)
    units: dict[uuid.UUID, dict[str, Any]] = {
        tenant_id: {"tenant_id": tenant_id, "id": uuid.uuid4(), "snapshot_id": snapshot.id, "status": None,
                    "score": None, "classification": None, "late": False, "outcomes": {}, "values": {},
                    "contribution": {}}
        for tenant_id in db.scalars(select(Tenant.id).where(in_subtree, Tenant.active.is_(True),
                                                            Tenant.kind.in_(kinds)))
    }
    for row in db.execute(
        select(Submission.tenant_id, Submission.status, Submission.self_score, Submission.review_score,
               Submission.classification, Submission.late, Submission.outcomes)
        .where(Submission.period_id == period.id), execution_options=UNSCOPED,
    ):
        unit = units.get(row.tenant_id)
        if unit is not None:
            unit.update(status=row.status, classification=row.classification, late=bool(row.late),
                        outcomes=row.outcomes or {},
                        score=row.review_score if row.review_score is not None else row.self_score)
    for tenant_id, set_key, values in db.execute(
        select(Section.tenant_id, Section.set_key, Section.values)
        .join(Submission, and_(Submission.tenant_id == Section.tenant_id,
                               Submission.id == Section.submission_id))
        .where(Submission.period_id == period.id), execution_options=UNSCOPED,
    ):
        if tenant_id in units:
            units[tenant_id]["values"][set_key] = values or {}
    for tenant_id, counters in db.execute(
        select(RollupSource.tenant_id, RollupSource.counters).where(RollupSource.period_id == period.id),
        execution_options=UNSCOPED,
    ):
        if tenant_id in units:
            units[tenant_id]["contribution"] = counters or {}
    for chunk in _chunks(list(units.values())):
        db.execute(insert(SnapshotUnit), chunk, execution_options=UNSCOPED)
    snapshot.units = len(units)
    db.flush()
    return snapshot


# --- reading ---------------------------------------------------------------------------------


@dataclass
class UnitResult:
    """A unit's report as a report prints it (``status`` None: no report at all)."""

    tenant_id: uuid.UUID
    name: str
    kind: str
    path: str
    status: str | None
    score: float | None
    classification: str | None
    late: bool
    outcomes: dict[str, Any] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Results:
    """A period's results for reports: frozen (``snapshot`` set) or live."""

    period: ReportingPeriod
    snapshot: PeriodSnapshot | None

    @property
    def frozen(self) -> bool:
        return self.snapshot is not None

    def rows(self, db: Session, tenant_ids: Iterable[uuid.UUID]) -> RollupRows:
        """Every counter of each tenant's rollup rows, with their census (one or two queries)."""
        ids = list(set(tenant_ids))
        if self.snapshot is None:
            return rollup_figures.read(db, self.period.id, ids, full=ids)
        counters: dict[uuid.UUID, dict[str, dict[str, float]]] = defaultdict(dict)
        census: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
        for tenant_id, kind, units, values in db.execute(
            select(SnapshotRollup.tenant_id, SnapshotRollup.unit_kind, SnapshotRollup.units,
                   SnapshotRollup.counters)
            .where(SnapshotRollup.snapshot_id == self.snapshot.id, SnapshotRollup.tenant_id.in_(ids)),
            execution_options=UNSCOPED,
        ):
            if values:
                counters[tenant_id][kind] = dict(values)
            if units:
                census[tenant_id][kind] = units
        return RollupRows(counters, census)

    def own(self, db: Session, tenant_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, float]]:
        """What each tenant's own report adds to the rollups."""
        ids = list(set(tenant_ids))
        if self.snapshot is None:
            return rollup_figures.own(db, self.period.id, ids)
        return {tenant_id: dict(counters or {}) for tenant_id, counters in db.execute(
            select(SnapshotUnit.tenant_id, SnapshotUnit.contribution)
            .where(SnapshotUnit.snapshot_id == self.snapshot.id, SnapshotUnit.tenant_id.in_(ids)),
            execution_options=UNSCOPED,
        )}

    def units(self, db: Session, scope: Tenant, kinds: list[str], *, values: bool = False,
              only_missing_or_late: bool = False) -> Iterator[UnitResult]:
        """The units of ``kinds`` in ``scope``'s subtree (itself included), in Vietnamese order,
        read in batches; with ``values``, each with its criteria sets' values."""
        if self.snapshot is not None:
            yield from self._frozen_units(db, scope, kinds, only_missing_or_late)
            return
        score = func.coalesce(Submission.review_score, Submission.self_score)
        columns = [Tenant.id, Tenant.name, Tenant.kind, Tenant.path, Submission.status, score.label("score"),
                   Submission.classification, Submission.late, Submission.outcomes]
        query = (select(*columns, *((Section.set_key, Section.values) if values else ()))
                 .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id,
                                             Submission.period_id == self.period.id)))
        if values:
            query = query.outerjoin(Section, and_(Section.tenant_id == Submission.tenant_id,
                                                  Section.submission_id == Submission.id))
        query = query.where(Tenant.path.startswith(scope.path), Tenant.active.is_(True),
                            Tenant.kind.in_(kinds))
        if only_missing_or_late:
            query = query.where(Submission.id.is_(None) | Submission.status.in_(("draft", "returned"))
                                | Submission.late.is_(True))
        query = query.order_by(Tenant.name_key, Tenant.id, *((Section.set_key,) if values else ()))
        result = db.execute(query, execution_options={"yield_per": BATCH, **UNSCOPED})
        for _id, rows in groupby(result, key=lambda r: r.id):
            first = None
            for row in rows:
                if first is None:
                    first = UnitResult(row.id, row.name, row.kind, row.path, row.status, row.score,
                                       row.classification, bool(row.late), row.outcomes or {})
                if values and row.set_key:
                    first.values[row.set_key] = row.values or {}
            yield first

    def _frozen_units(self, db: Session, scope: Tenant, kinds: list[str],
                      only_missing_or_late: bool) -> Iterator[UnitResult]:
        query = (
            select(Tenant.id, Tenant.name, Tenant.kind, Tenant.path, SnapshotUnit.status, SnapshotUnit.score,
                   SnapshotUnit.classification, SnapshotUnit.late, SnapshotUnit.outcomes, SnapshotUnit.values)
            .join(SnapshotUnit, SnapshotUnit.tenant_id == Tenant.id)
            .where(SnapshotUnit.snapshot_id == self.snapshot.id, Tenant.path.startswith(scope.path),
                   Tenant.kind.in_(kinds))
        )
        if only_missing_or_late:
            query = query.where(SnapshotUnit.status.is_(None) | SnapshotUnit.status.in_(("draft", "returned"))
                                | SnapshotUnit.late.is_(True))
        result = db.execute(query.order_by(Tenant.name_key, Tenant.id),
                            execution_options={"yield_per": BATCH, **UNSCOPED})
        for row in result:
            yield UnitResult(row.id, row.name, row.kind, row.path, row.status, row.score, row.classification,
                             bool(row.late), row.outcomes or {}, row.values or {})


def results_for(db: Session, period: ReportingPeriod) -> Results:
    """The snapshot's results once the period is closed (or archived), the live ones otherwise."""
    if period.state in (period_models.CLOSED, period_models.ARCHIVED):
        snapshot = latest(db, period.id)
        if snapshot is not None:
            return Results(period, snapshot)
    return Results(period, None)
