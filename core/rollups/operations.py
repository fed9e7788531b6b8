"""Keeping the rollups current: in the transaction of every save, submit, return, approval and
reopen, when a unit is registered, moves or changes kind, and from scratch (``rebuild``).

Every change is the difference between a unit's new contribution and the one recorded in
:class:`RollupSource`, applied to the rollup rows of the unit and each of its ancestors: one row
per level of the tree, whatever the number of units. The rows are locked in one order (by
tenant id) so that two reports moving at once under the same commune wait for each other
instead of deadlocking, and neither update is lost. Recording the contribution makes a change
idempotent: a second approval of the same report finds nothing left to add.

The rows of ancestors belong to tenants the actor may not write (a school's head submits, the
city's row changes), so these statements are the one deliberate write across tenants of the
rollups, marked with ``UNSCOPED_OPTION``; they touch only the rows of the unit's own ancestors.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db.base import new_id
from core.db.scoping import UNSCOPED_OPTION, unscoped_statements
from core.db.types import utcnow
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports.models import Section, Submission
from core.rollups.contribution import AGGREGATE, Counters, add_into, contribution, difference
from core.rollups.models import COUNTERS, Rollup, RollupSource, SubtreeCount
from core.tenants.models import Tenant

UNSCOPED = {UNSCOPED_OPTION: "rollups of a unit's subtree and ancestors follow its report"}


def _ids(path: str) -> list[uuid.UUID]:
    return [uuid.UUID(part) for part in path.strip("/").split("/") if part]


def _insert(db: Session, model: type, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """Insert rows that do not exist yet (a concurrent transaction may be inserting the same)."""
    if not rows:
        return
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(model).on_conflict_do_nothing(index_elements=keys)
    elif dialect == "sqlite":
        statement = sqlite.insert(model).on_conflict_do_nothing(index_elements=keys)
    else:  # pragma: no cover - the platform runs on SQLite and PostgreSQL only
        raise RuntimeError(f"rollups do not support the {dialect} dialect")
    db.execute(statement, rows, execution_options=UNSCOPED)


# --- contributions -------------------------------------------------------------------------


def aggregates_of(host: PluginHost, sections: Iterable[Section]) -> dict[str, Mapping[str, str]]:
    """Set key → the aggregates its pinned version declares (none when its plugin is not loaded)."""
    found: dict[str, Mapping[str, str]] = {}
    for section in sections:
        criteria_set = host.criteria_set(section.set_key, section.set_version)
        if criteria_set is not None and criteria_set.aggregates:
            found[section.set_key] = criteria_set.aggregates
    return found


def contribution_of(submission: Submission, sections: Iterable[Section], host: PluginHost) -> Counters:
    sections = list(sections)
    score = submission.review_score if submission.review_score is not None else submission.self_score
    return contribution(
        submission.status, late=submission.late, score=score,
        classification=submission.classification, outcomes=submission.outcomes or {},
        sections={s.set_key: s.values or {} for s in sections},
        aggregates=aggregates_of(host, sections),
    )


def _split(delta: Mapping[str, float]) -> tuple[dict[str, int], dict[str, float], dict[str, float]]:
    """(status columns, figures, aggregates) of a flat set of counters."""
    columns = {name: int(delta[name]) for name in COUNTERS if name in delta}
    figures = {key: value for key, value in delta.items() if key not in COUNTERS and AGGREGATE not in key}
    aggregates = {key: value for key, value in delta.items() if AGGREGATE in key}
    return columns, figures, aggregates


def _source_columns(counters: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """A contribution as RollupSource stores it: figures apart from the (many) aggregates."""
    return {"counters": {k: v for k, v in counters.items() if AGGREGATE not in k},
            "aggregates": {k: v for k, v in counters.items() if AGGREGATE in k}}


def _source_counters(row: Any) -> dict[str, float]:
    return {**(row.counters or {}), **(row.aggregates or {})}


def _joined(row: Any) -> dict[str, float]:
    """A rollup row's counters as one flat mapping (the inverse of ``_split``)."""
    return {**{c: getattr(row, c) for c in COUNTERS if getattr(row, c)}, **(row.figures or {}),
            **(row.aggregates or {})}


def _apply(db: Session, period_id: uuid.UUID, tenant_ids: list[uuid.UUID], kind: str,
           delta: Mapping[str, float], sign: int = 1) -> None:
    """Add ``sign × delta`` to the (period, tenant, kind) rollup of each of ``tenant_ids``."""
    if not delta or not tenant_ids:
        return
    columns, figures, aggregates = _split(delta)
    wanted = sorted(set(tenant_ids))

    def locked() -> list[Any]:
        return db.execute(
            select(Rollup.tenant_id, Rollup.id, *(getattr(Rollup, c) for c in COUNTERS), Rollup.figures,
                   Rollup.aggregates)
            .where(Rollup.period_id == period_id, Rollup.unit_kind == kind, Rollup.tenant_id.in_(wanted))
            .order_by(Rollup.tenant_id).with_for_update(),
            execution_options=UNSCOPED,
        ).all()

    rows = locked()
    missing = set(wanted) - {row.tenant_id for row in rows}
    if missing:
        _insert(db, Rollup, [
            {"tenant_id": t, "id": new_id(), "period_id": period_id, "unit_kind": kind, "figures": {},
             "aggregates": {}, **dict.fromkeys(COUNTERS, 0), "updated_at": utcnow()}
            for t in sorted(missing)
        ], ["tenant_id", "period_id", "unit_kind"])
        rows = locked()
    now = utcnow()
    changes = []
    for row in rows:
        change = {"tenant_id": row.tenant_id, "id": row.id, "updated_at": now,
                  "figures": add_into(dict(row.figures or {}), figures, sign),
                  "aggregates": add_into(dict(row.aggregates or {}), aggregates, sign)}
        for name in COUNTERS:
            change[name] = getattr(row, name) + sign * columns.get(name, 0)
        changes.append(change)
    db.execute(update(Rollup), changes, execution_options=UNSCOPED)


def _bump_counts(db: Session, tenant_ids: list[uuid.UUID], kind: str, units: int) -> None:
    """Add ``units`` to the (tenant, kind) census of each of ``tenant_ids`` (atomically)."""
    if not units or not tenant_ids:
        return
    wanted = sorted(set(tenant_ids))
    existing = set(db.scalars(
        select(SubtreeCount.tenant_id).where(SubtreeCount.unit_kind == kind,
                                             SubtreeCount.tenant_id.in_(wanted)),
        execution_options=UNSCOPED,
    ))
    _insert(db, SubtreeCount, [
        {"tenant_id": t, "id": new_id(), "unit_kind": kind, "units": 0} for t in wanted if t not in existing
    ], ["tenant_id", "unit_kind"])
    db.execute(
        update(SubtreeCount)
        .where(SubtreeCount.unit_kind == kind, SubtreeCount.tenant_id.in_(wanted))
        .values(units=SubtreeCount.units + units),
        execution_options={**UNSCOPED, "synchronize_session": False},
    )


def refresh(db: Session, host: PluginHost, submission: Submission) -> None:
    """Bring the rollups of the report's unit and of every ancestor in line with the report as it
    is now stored; call it in the transaction that changed the report, after the change.

    Costs one read of the unit's recorded contribution and, when it changed, one locked read
    and one update of a row per level of the tree. Calling it again changes nothing.
    """
    tenant = db.get(Tenant, submission.tenant_id)
    if tenant is None:
        return
    # Every statement below is marked unscoped: one pair of set_config calls for all of them.
    with unscoped_statements(db):
        _refresh(db, host, submission, tenant)


def _refresh(db: Session, host: PluginHost, submission: Submission, tenant: Tenant) -> None:
    sections = db.scalars(
        select(Section).where(Section.tenant_id == submission.tenant_id,
                              Section.submission_id == submission.id),
        execution_options=UNSCOPED,
    ).all()
    new = contribution_of(submission, sections, host)
    source = db.execute(
        select(RollupSource.id, RollupSource.unit_kind, RollupSource.counters, RollupSource.aggregates)
        .where(RollupSource.tenant_id == tenant.id, RollupSource.period_id == submission.period_id)
        .with_for_update(),
        execution_options=UNSCOPED,
    ).first()
    old = _source_counters(source) if source is not None else {}
    old_kind = source.unit_kind if source is not None else tenant.kind
    ancestors = tenant.ancestor_ids()
    if old_kind == tenant.kind:
        _apply(db, submission.period_id, ancestors, tenant.kind, difference(new, old))
    else:
        _apply(db, submission.period_id, ancestors, old_kind, old, -1)
        _apply(db, submission.period_id, ancestors, tenant.kind, new)
    if source is None:
        _insert(db, RollupSource, [{
            "tenant_id": tenant.id, "id": new_id(), "period_id": submission.period_id,
            "unit_kind": tenant.kind, **_source_columns(new), "updated_at": utcnow(),
        }], ["tenant_id", "period_id"])
    elif new != old or old_kind != tenant.kind:
        db.execute(update(RollupSource), [{
            "tenant_id": tenant.id, "id": source.id, "unit_kind": tenant.kind, **_source_columns(new),
            "updated_at": utcnow(),
        }], execution_options=UNSCOPED)


# --- the tree changes ----------------------------------------------------------------------


def unit_added(db: Session, tenant: Tenant) -> None:
    """A unit was registered: every subtree holding it has one more unit of its kind."""
    db.flush()
    if not tenant.active:
        return
    _bump_counts(db, tenant.ancestor_ids(), tenant.kind, 1)


# Ids per ``IN (…)`` list of a bulk change: far below every driver's limit of bind parameters.
CHUNK = 500


def units_added(db: Session, units: Iterable[tuple[str, str]]) -> None:
    """Many active units were registered in this transaction, each given as its ``(path, kind)``
    (what :func:`unit_added` does for one, in a number of statements that does not grow with the
    units: the census of each new unit is inserted whole, since no other transaction can see a
    unit not yet committed, and the ancestors that existed before get one update per
    (kind, number added))."""
    added: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    new: set[uuid.UUID] = set()
    for path, kind in units:
        ids = _ids(path)
        new.add(ids[-1])
        for tenant_id in ids:
            added[(tenant_id, kind)] += 1
    if not added:
        return
    db.flush()
    _insert(db, SubtreeCount, [
        {"tenant_id": t, "id": new_id(), "unit_kind": kind, "units": n}
        for (t, kind), n in sorted(added.items(), key=lambda item: (str(item[0][0]), item[0][1]))
        if t in new
    ], ["tenant_id", "unit_kind"])
    by_step: dict[tuple[str, int], list[uuid.UUID]] = defaultdict(list)
    for (t, kind), n in added.items():
        if t not in new:
            by_step[(kind, n)].append(t)
    for (kind, n), tenant_ids in sorted(by_step.items()):
        for start in range(0, len(tenant_ids), CHUNK):
            _bump_counts(db, tenant_ids[start:start + CHUNK], kind, n)


def unit_moved(db: Session, tenant: Tenant, old_path: str) -> None:
    """``tenant`` (with its subtree) now hangs where ``tenant.path`` says instead of
    ``old_path``: its subtree's census and rollups leave the old ancestors and join the new
    ones. Ancestors of both places are left as they are. Costs one row per (kind, period) of
    the subtree and level of the tree, never one per unit."""
    old_above = _ids(old_path)[:-1]
    new_above = tenant.ancestor_ids()[:-1]
    common = set(old_above) & set(new_above)
    removed = [t for t in old_above if t not in common]
    added = [t for t in new_above if t not in common]
    if not removed and not added:
        return
    db.flush()
    counts = db.execute(
        select(SubtreeCount.unit_kind, SubtreeCount.units).where(SubtreeCount.tenant_id == tenant.id),
        execution_options=UNSCOPED,
    ).all()
    for kind, units in counts:
        _bump_counts(db, removed, kind, -units)
        _bump_counts(db, added, kind, units)
    rows = db.execute(
        select(Rollup.period_id, Rollup.unit_kind, *(getattr(Rollup, c) for c in COUNTERS), Rollup.figures,
               Rollup.aggregates)
        .where(Rollup.tenant_id == tenant.id).order_by(Rollup.period_id, Rollup.unit_kind),
        execution_options=UNSCOPED,
    ).all()
    for row in rows:
        delta = _joined(row)
        _apply(db, row.period_id, removed, row.unit_kind, delta, -1)
        _apply(db, row.period_id, added, row.unit_kind, delta)


def unit_kind_changed(db: Session, tenant: Tenant, old_kind: str) -> None:
    """``tenant`` was of ``old_kind`` and is now of ``tenant.kind``: its own unit and report
    move from one kind's rows to the other's, in its subtree's and every ancestor's."""
    if old_kind == tenant.kind:
        return
    db.flush()
    ancestors = tenant.ancestor_ids()
    if tenant.active:
        _bump_counts(db, ancestors, old_kind, -1)
        _bump_counts(db, ancestors, tenant.kind, 1)
    sources = db.execute(
        select(RollupSource.id, RollupSource.period_id, RollupSource.unit_kind, RollupSource.counters,
               RollupSource.aggregates)
        .where(RollupSource.tenant_id == tenant.id).with_for_update(),
        execution_options=UNSCOPED,
    ).all()
    for source in sources:
        _apply(db, source.period_id, ancestors, source.unit_kind, _source_counters(source), -1)
        _apply(db, source.period_id, ancestors, tenant.kind, _source_counters(source))
    if sources:
        db.execute(update(RollupSource), [
            {"tenant_id": tenant.id, "id": s.id, "unit_kind": tenant.kind} for s in sources
        ], execution_options=UNSCOPED)


# --- from scratch --------------------------------------------------------------------------


@dataclass
class RebuildReport:
    periods: int = 0
    reports: int = 0
    rows: int = 0
    units: int = 0


def _lock_tables(db: Session) -> None:
    """On PostgreSQL, hold off every rollup write until the rebuild commits: a report moving
    meanwhile waits, then applies its change on top of the rebuilt rows."""
    if db.get_bind().dialect.name == "postgresql":
        db.connection().exec_driver_sql(
            "LOCK TABLE rollup, rollup_source, subtree_count IN EXCLUSIVE MODE"
        )


def _rebuild_counts(db: Session, tenants: list[Any]) -> int:
    counts: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for tenant in tenants:
        if tenant.active:
            for ancestor in _ids(tenant.path):
                counts[(ancestor, tenant.kind)] += 1
    db.execute(delete(SubtreeCount), execution_options=UNSCOPED)
    rows = [{"tenant_id": t, "id": new_id(), "unit_kind": kind, "units": n}
            for (t, kind), n in counts.items()]
    if rows:
        db.execute(insert(SubtreeCount), rows, execution_options=UNSCOPED)
    return len(tenants)


def _rebuild_period(db: Session, host: PluginHost, period: ReportingPeriod,
                    tenants: dict[uuid.UUID, Any], report: RebuildReport) -> None:
    db.execute(delete(Rollup).where(Rollup.period_id == period.id), execution_options=UNSCOPED)
    db.execute(delete(RollupSource).where(RollupSource.period_id == period.id), execution_options=UNSCOPED)
    submissions = db.scalars(
        select(Submission).where(Submission.period_id == period.id), execution_options=UNSCOPED
    ).all()
    sections: dict[uuid.UUID, list[Section]] = defaultdict(list)
    for section in db.scalars(
        select(Section).join(Submission, (Submission.tenant_id == Section.tenant_id)
                             & (Submission.id == Section.submission_id))
        .where(Submission.period_id == period.id), execution_options=UNSCOPED,
    ):
        sections[section.submission_id].append(section)
    totals: dict[tuple[uuid.UUID, str], Counters] = defaultdict(dict)
    sources = []
    now = utcnow()
    for submission in submissions:
        tenant = tenants.get(submission.tenant_id)
        if tenant is None:
            continue
        counters = contribution_of(submission, sections.get(submission.id, []), host)
        sources.append({"tenant_id": tenant.id, "id": new_id(), "period_id": period.id,
                        "unit_kind": tenant.kind, **_source_columns(counters), "updated_at": now})
        for ancestor in _ids(tenant.path):
            add_into(totals[(ancestor, tenant.kind)], counters)
    rows = []
    for (tenant_id, kind), counters in totals.items():
        columns, figures, aggregates = _split(counters)
        rows.append({"tenant_id": tenant_id, "id": new_id(), "period_id": period.id, "unit_kind": kind,
                     **{c: columns.get(c, 0) for c in COUNTERS}, "figures": figures, "aggregates": aggregates,
                     "updated_at": now})
    if sources:
        db.execute(insert(RollupSource), sources, execution_options=UNSCOPED)
    if rows:
        db.execute(insert(Rollup), rows, execution_options=UNSCOPED)
    report.periods += 1
    report.reports += len(sources)
    report.rows += len(rows)


def rebuild(db: Session, host: PluginHost, period: ReportingPeriod | None = None) -> RebuildReport:
    """Recompute the census of every subtree and the rollups of ``period`` (every period when
    ``None``) from the tenants and stored reports, in the caller's transaction.

    Reads every unit and report of the period(s): a maintenance command, not a request path.
    """
    _lock_tables(db)
    report = RebuildReport()
    tenants = db.execute(
        select(Tenant.id, Tenant.path, Tenant.kind, Tenant.active), execution_options=UNSCOPED
    ).all()
    report.units = _rebuild_counts(db, tenants)
    by_id = {t.id: t for t in tenants}
    periods = [period] if period is not None else db.scalars(select(ReportingPeriod)).all()
    for item in periods:
        _rebuild_period(db, host, item, by_id, report)
    return report
