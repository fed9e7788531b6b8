"""A parent's report judged from the units below it, and what happens when one of them changes.

A ward's "An toàn về ANTT" result depends on the results of the schools, agencies and
residential areas under it (TT 124/2021/TT-BCA Điều 5 khoản 4, the 70 % rule), read through
``ctx.extra["children"]`` (:class:`core.reports.children.ChildrenView`). When a report is
computed and one of its criteria sets reads that view, the report records what it read
(``Submission.children_basis``): for each unit below whose report counted (submitted or
approved), its status, its outcomes and a digest of its values.

When a unit's report changes afterwards (returned, reopened, re-scored, saved, submitted), each
report above it — its ancestors, at most the depth of the tree — compares the unit's result
with what it recorded, and keeps one :class:`ChildChange` row per unit saying what changed
(which unit, which result, from → to), or drops it when the unit is back to what was used.
That costs one query over the ancestors' rows, never a walk over the subtree; the parent's
flags are read from its own rows. Computing the parent again records a new basis and clears
its flags.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.db import scoping
from core.db.types import utcnow
from core.reports.atomic import upsert
from core.reports.children import ChildrenView
from core.reports.models import ChildChange, Section, Submission
from core.tenants.models import Tenant

Result = dict[str, Any]
CHILDREN = "children"


class Deferred:
    """A value of a :class:`ReadTracker` computed when a criteria set first reads it: most sets
    never read the children, and a read of a unit's report should not query them for nothing."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


class ReadTracker(dict):
    """The ``extra`` mapping of an evaluation context, remembering which keys a criteria set
    asked for: only a report whose computation read ``children`` depends on them. A
    :class:`Deferred` value is computed on its first read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: set[Any] = set()

    def _read(self, key: Any) -> Any:
        self.asked.add(key)
        value = super().__getitem__(key)
        if isinstance(value, Deferred):
            value = value.compute()
            super().__setitem__(key, value)
        return value

    def __getitem__(self, key: Any) -> Any:
        return self._read(key)

    def get(self, key: Any, default: Any = None) -> Any:
        if not super().__contains__(key):
            self.asked.add(key)
            return default
        return self._read(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(key)
        return super().__contains__(key)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self._read(key) for key in list(self)]

    def items(self) -> list[tuple[Any, Any]]:  # type: ignore[override]
        return [(key, self._read(key)) for key in list(self)]


def values_digest(values: Mapping[str, Mapping[str, Any]]) -> str:
    """A short digest of a unit's values (set key → field → value), equal for equal values."""
    plain = {key: dict(fields) for key, fields in values.items()}
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def result(status: str | None, outcomes: Mapping[str, Any],
           values: Mapping[str, Mapping[str, Any]]) -> Result | None:
    """What a parent reads of one unit: ``None`` while the unit's report does not count (no
    report, a draft, a returned report); otherwise its status, outcomes and values digest."""
    if status not in ChildrenView.counted_statuses:
        return None
    return {"status": status, "outcomes": dict(outcomes), "values": values_digest(values)}


def basis_of(view: ChildrenView) -> dict[str, Result]:
    """What a computation that read ``view`` used: each counted unit's result, by tenant id."""
    found = {}
    for child in view.reported():
        used = result(child.status, child.outcomes, child.values)
        if used is not None:
            found[str(child.tenant_id)] = used
    return found


def differences(used: Result | None, now: Result | None, status_now: str | None) -> list[dict[str, Any]]:
    """What changed between the result a parent used and the unit's result now, as
    ``[{"what", "key", "from", "to"}]``; empty when the parent's reading still holds."""
    if used == now:
        return []
    found: list[dict[str, Any]] = []
    status_used = used["status"] if used is not None else None
    if status_used != status_now:
        found.append({"what": "status", "key": None, "from": status_used, "to": status_now})
    if used is not None and now is not None:
        for key in sorted(set(used["outcomes"]) | set(now["outcomes"])):
            before, after = used["outcomes"].get(key), now["outcomes"].get(key)
            if before != after:
                found.append({"what": "outcome", "key": key, "from": before, "to": after})
        if used["values"] != now["values"]:
            found.append({"what": "values", "key": None, "from": None, "to": None})
    elif now is not None:
        found.extend({"what": "outcome", "key": key, "from": None, "to": value}
                     for key, value in sorted(now["outcomes"].items()))
    return found


def ancestor_ids(tenant: Tenant) -> list[uuid.UUID]:
    """The units above ``tenant``, from its materialised path, root first."""
    parts = [p for p in (tenant.path or "").strip("/").split("/") if p]
    return [uuid.UUID(p) for p in parts[:-1]]


@contextmanager
def _reaching(db: Session, tenant_ids: list[uuid.UUID]) -> Iterator[None]:
    """For the duration, the session may read and write the rows of ``tenant_ids`` too.

    A unit's change must flag the reports above it, which its own staff cannot otherwise reach.
    Only this module's statements run inside, each bounded to those tenants' reports for the
    one period and to the changed unit's own flag."""
    before = scoping.get_context(db)
    if before is None or before.system:
        yield
        return
    scoping.set_context(db, before.widened(tenant_ids))
    try:
        yield
    finally:
        scoping.set_context(db, before)


def _values(db: Session, submission: Submission) -> dict[str, dict[str, Any]]:
    return {section.set_key: dict(section.values or {}) for section in db.scalars(
        select(Section).where(Section.tenant_id == submission.tenant_id,
                              Section.submission_id == submission.id))}


def child_changed(db: Session, submission: Submission, tenant: Tenant) -> None:
    """Flag, or unflag, every report above ``tenant`` whose computation read this unit's result.

    Call it in the transaction of the change, after the change's compare-and-set (the unit's
    row lock keeps two changes of one unit from flagging at once) and before the audit entry
    (whose chain lock is taken last)."""
    above = ancestor_ids(tenant)
    if not above:
        return
    counted = submission.status in ChildrenView.counted_statuses
    now = result(submission.status, submission.outcomes or {},
                 _values(db, submission) if counted else {})
    key = str(tenant.id)
    with _reaching(db, above):
        # One statement: each report above that recorded a reading, what it read of this unit,
        # and whether it already carries a flag for it.
        parents = db.execute(
            select(Submission.tenant_id, Submission.id, Submission.children_basis[key], ChildChange.id)
            .outerjoin(ChildChange, (ChildChange.tenant_id == Submission.tenant_id)
                       & (ChildChange.submission_id == Submission.id)
                       & (ChildChange.child_tenant_id == tenant.id))
            .where(Submission.tenant_id.in_(above), Submission.period_id == submission.period_id,
                   Submission.children_basis.is_not(None))
        ).all()
        for parent_tenant, parent_id, used, flagged in parents:
            changes = differences(used, now, submission.status)
            if changes:
                upsert(db, ChildChange, {
                    "tenant_id": parent_tenant, "id": uuid.uuid4(), "submission_id": parent_id,
                    "child_tenant_id": tenant.id, "changes": changes, "detected_at": utcnow(),
                }, keys=("tenant_id", "submission_id", "child_tenant_id"),
                    update_columns=("changes", "detected_at"))
            elif flagged is not None:
                db.execute(delete(ChildChange).where(
                    ChildChange.tenant_id == parent_tenant, ChildChange.id == flagged))


def recorded(db: Session, submission: Submission, basis: dict[str, Result] | None) -> None:
    """A computation of ``submission`` read ``basis`` (None: it read no children): keep it, and
    drop the flags, which described changes since the previous computation (a report that read
    no children before has none)."""
    had_basis = submission.children_basis is not None
    submission.children_basis = basis
    if had_basis:
        db.execute(delete(ChildChange).where(ChildChange.tenant_id == submission.tenant_id,
                                             ChildChange.submission_id == submission.id))


def flag_counts(db: Session, submissions: list[Submission]) -> dict[uuid.UUID, int]:
    """How many units below changed since each report's computation, in one query."""
    ids = [s.id for s in submissions if s.children_basis is not None]
    if not ids:
        return {}
    return dict(db.execute(
        select(ChildChange.submission_id, func.count()).where(ChildChange.submission_id.in_(ids))
        .group_by(ChildChange.submission_id)
    ).all())


def changes_of(db: Session, submission: Submission | None) -> list[ChildChange]:
    """The flags of a report: units below whose result changed since its computation used it."""
    if submission is None or submission.children_basis is None:
        return []
    return list(db.scalars(
        select(ChildChange).where(ChildChange.tenant_id == submission.tenant_id,
                                  ChildChange.submission_id == submission.id)
        .order_by(ChildChange.detected_at)
    ))
