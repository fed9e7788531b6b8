"""The reviewer's queue: the units a reviewer or admin reviews in a period, with their reports,
paged, sorted and filtered by the database (it serves 10,000 units as it serves ten). A viewer
reads the same list for the units they follow (``reading``).

* Which units: active units below a tenant where the caller is reviewer or admin (or viewer, when
  reading; never that tenant itself), inside the period's owner's subtree, of a kind the
  period asks a report of.
* Sorting: ``name`` in Vietnamese alphabetical order (``tenant.name_key``, see
  :mod:`core.text.collation`), ``status`` (not started, draft, returned, submitted, approved),
  ``score`` (the reviewer's where there is one, else the unit's) and ``submitted_at``; units
  without a score or a submission time come last either way; equal values keep name order.
* Search: ``q`` matches the accent-free name and code (``tenant.search_text``), each word.
* Totals per status for the same filters, except the status filter itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, false, func, literal_column, or_, select
from sqlalchemy.orm import Session

from core.errors import Invalid, NotFound
from core.periods.models import ReportingPeriod
from core.plugins.models import PeriodCriteriaSet
from core.reports import permissions
from core.reports.models import APPROVED, DRAFT, RETURNED, STATUSES, SUBMITTED, Submission
from core.tenants.models import Tenant
from core.text import fold
from core.users import roles
from core.users.access import Access

MISSING = "missing"
SORTS: tuple[str, ...] = ("name", "status", "score", "submitted_at")
ORDERS: tuple[str, ...] = ("asc", "desc")
PER_PAGE = 50
MAX_PER_PAGE = 200
# The workflow's order: a report not started, then being written, then waiting, then done.
STATUS_ORDER = {MISSING: 0, DRAFT: 1, RETURNED: 2, SUBMITTED: 3, APPROVED: 4}


@dataclass(frozen=True)
class QueueRow:
    tenant: Tenant
    submission: Submission | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int
    totals: dict[str, int]  # status (and "missing") → units, for the filters but the status

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def review_paths(access: Access) -> list[tuple[str, uuid.UUID]]:
    """(path, tenant id) of each tenant where the caller reviews the units below."""
    return [(g.tenant_path, g.tenant_id) for g in access.grants if g.role in permissions.REVIEW_ROLES]


def reading_paths(access: Access) -> list[tuple[str, uuid.UUID]]:
    """(path, tenant id) of each tenant whose units below the caller may list: where they review,
    administer or follow (a viewer reads the list; approving stays a reviewer's)."""
    return [(g.tenant_path, g.tenant_id) for g in access.grants if g.role in roles.SUBTREE_ROLES]


def expected_kinds(db: Session, period: ReportingPeriod) -> set[str]:
    """The unit kinds ``period`` asks a report of (those of its enabled criteria sets)."""
    return {kind for kinds in db.scalars(
        select(PeriodCriteriaSet.tenant_kinds).where(PeriodCriteriaSet.period_id == period.id)
    ) for kind in (kinds or [])}


def _base(db: Session, access: Access, period: ReportingPeriod, kind: str | None,
          under: uuid.UUID | None, q: str | None, paths: list[tuple[str, uuid.UUID]]) -> Select:
    owner = db.get(Tenant, period.owner_tenant_id)
    query = (
        select(Tenant, Submission)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .where(Tenant.active.is_(True), Tenant.path.startswith(owner.path),
               Tenant.kind.in_(sorted(expected_kinds(db, period))))
    )
    if not access.tenant_context().system:
        reach = [and_(Tenant.path.startswith(path), Tenant.id != tenant_id)
                 for path, tenant_id in paths]
        query = query.where(or_(*reach) if reach else false())
    if kind:
        query = query.where(Tenant.kind == kind)
    if under is not None:
        anchor = db.get(Tenant, under)
        if anchor is None or not access.can_see(anchor):
            raise NotFound(_("Không tìm thấy đơn vị."))
        query = query.where(Tenant.path.startswith(anchor.path), Tenant.id != anchor.id)
    for word in fold(q or "").split():
        query = query.where(Tenant.search_text.contains(word, autoescape=True))
    return query


def _status_filter(query: Select, status: str | None, late: bool | None) -> Select:
    if status == MISSING:
        query = query.where(Submission.id.is_(None))
    elif status is not None:
        query = query.where(Submission.status == status)
    if late is not None:
        query = query.where(Submission.id.is_not(None), Submission.late.is_(late))
    return query


def _order(query: Select, sort: str, order: str) -> Select:
    descending = order == "desc"
    name = Tenant.name_key.desc() if descending and sort == "name" else Tenant.name_key
    if sort == "status":
        rank = case(*((Submission.status == s, n) for s, n in STATUS_ORDER.items() if s != MISSING),
                    else_=STATUS_ORDER[MISSING])
        return query.order_by(rank.desc() if descending else rank, name, Tenant.id)
    if sort in ("score", "submitted_at"):
        value = (func.coalesce(Submission.review_score, Submission.self_score) if sort == "score"
                 else Submission.submitted_at)
        return query.order_by(value.is_(None), value.desc() if descending else value, name, Tenant.id)
    return query.order_by(name, Tenant.id)


def queue(
    db: Session, access: Access, period: ReportingPeriod, *, kind: str | None = None,
    under: uuid.UUID | None = None, status: str | None = None, late: bool | None = None,
    q: str | None = None, sort: str = "name", order: str = "asc", page: int = 1,
    per_page: int = PER_PAGE, reading: bool = False,
) -> QueuePage:
    """One page of the queue (see the module docstring); three queries whatever its size. With
    ``reading``, the units the caller follows as a viewer are listed too (to read, not approve).

    :raises Invalid: an unknown status, sort or order.
    :raises NotFound: ``under`` is a unit the caller does not see.
    """
    errors: dict[str, list[str]] = {}
    if status is not None and status not in (*STATUSES, MISSING):
        errors["status"] = [_("Trạng thái không hợp lệ.")]
    if sort not in SORTS:
        errors["sort"] = [_("Cách sắp xếp không hợp lệ.")]
    if order not in ORDERS:
        errors["order"] = [_("Thứ tự sắp xếp không hợp lệ.")]
    if errors:
        raise Invalid(errors)
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    paths = reading_paths(access) if reading else review_paths(access)
    base = _base(db, access, period, kind, under, q, paths)
    if not access.tenant_context().system and not paths:
        return QueuePage([], 0, page, per_page, {})
    state = func.coalesce(Submission.status, literal_column(f"'{MISSING}'"))
    grouped = _status_filter(base, None, late).with_only_columns(state, func.count()).group_by(state)
    totals = {code: 0 for code in (MISSING, *STATUSES)}
    totals.update({code: count for code, count in db.execute(grouped)})
    total = totals.get(status, 0) if status is not None else sum(totals.values())
    filtered = _status_filter(base, status, late)
    rows = db.execute(_order(filtered, sort, order).limit(per_page).offset((page - 1) * per_page)).all()
    return QueuePage([QueueRow(t, s) for t, s in rows], total, page, per_page, totals)


def under_choices(db: Session, access: Access) -> list[Tenant]:
    """The units directly below the caller's review tenants that have units of their own (a
    commune, a ward, a department): what the queue's "under" filter offers."""
    roots = [tenant_id for _path, tenant_id in reading_paths(access)]
    if not roots:
        return []
    child = select(Tenant.parent_id).where(Tenant.parent_id.is_not(None)).distinct().scalar_subquery()
    return list(db.scalars(
        select(Tenant).where(Tenant.parent_id.in_(roots), Tenant.active.is_(True), Tenant.id.in_(child))
        .order_by(Tenant.name_key)
    ))


def as_dict(row: QueueRow) -> dict[str, Any]:
    """One row as the API writes it."""
    submission = row.submission
    return {
        "tenant": row.tenant,
        "status": submission.status if submission else MISSING,
        "version": submission.version if submission else None,
        "late": submission.late if submission else False,
        "self_score": submission.self_score if submission else None,
        "review_score": submission.review_score if submission else None,
        "classification": submission.classification if submission else None,
        "submitted_at": submission.submitted_at if submission else None,
    }
