"""The units × criteria matrix: every unit's value and points per criterion, the unit's own
("self") and the reviewer's, under the criteria sets' headers; paged for the API and the web,
streamed for the XLSX export.

One grouped query reads the page (or the whole scope, for the export): units left-joined to
their report and its sections, ordered by unit, so that each unit's rows arrive together and are
folded in one pass: linear in the data, whatever the number of units (the measured peer rescans
every result for each unit, O(units × results)).

Self points per criterion follow the default rule (``field_points``, as the reviewer's panel
shows them); a set with its own scorer may weigh a criterion differently in its total.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from core.dashboards.operations import require_scope
from core.errors import Invalid
from core.periods.models import ReportingPeriod
from core.plugins.evaluation import field_points
from core.plugins.fields import describe
from core.plugins.language import unit_text
from core.plugins.manager import PluginHost
from core.plugins.models import PeriodCriteriaSet
from core.reports.models import STATUSES, Section, Submission
from core.tenants.models import Tenant
from core.text import fold
from core.users.access import Access

PER_PAGE = 50
MAX_PER_PAGE = 200
MISSING = "missing"


@dataclass(frozen=True)
class Column:
    """One criterion of the matrix, with what the interface needs to show it in either language
    (``unit_en`` and ``choices_en`` as the set gives them; see :mod:`core.plugins.language`)."""

    field: str
    label: str
    label_en: str
    unit: str | None
    meta: dict[str, Any]
    unit_en: str | None = None
    choices_en: dict[str, str] | None = None

    def unit_in(self, english: bool) -> str | None:
        """The unit (người, vụ…) in the interface's language."""
        return unit_text(self.unit, self.unit_en, english)

    def heading(self, english: bool) -> str:
        """"Label (unit)" in the interface's language."""
        label = self.label_en if english else self.label
        unit = self.unit_in(english)
        return f"{label} ({unit})" if unit else label

    def shown(self, value: Any, english: bool) -> Any:
        """A stored value as a reader sees it: a choice (stored in Vietnamese) by its English
        label in English; yes/no in words; anything else unchanged (numbers are formatted by
        the page or kept as numbers in a workbook)."""
        if value is True or value is False:
            return _("Có") if value else _("Không")
        if english and isinstance(value, str) and self.choices_en:
            return self.choices_en.get(value, value)
        return value


@dataclass(frozen=True)
class Group:
    """The criteria of one set: the matrix's group header."""

    set_key: str
    version: int
    title: str
    title_en: str
    kinds: tuple[str, ...]
    columns: tuple[Column, ...]


@dataclass
class Cell:
    value: Any
    self_points: float | None
    review_points: float | None


@dataclass
class MatrixRow:
    tenant_id: uuid.UUID
    name: str
    kind: str
    status: str
    score: float | None
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def has_set(self, set_key: str) -> bool:
        """Whether the unit has a value for any criterion of the set ``set_key`` (a unit's card
        on a phone lists only the sets its kind reports)."""
        return any(key == set_key for key, _field in self.cells)


@dataclass
class MatrixPage:
    groups: list[Group]
    rows: list[MatrixRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def groups(db: Session, host: PluginHost, period: ReportingPeriod, kind: str | None = None) -> list[Group]:
    """The period's enabled sets (of ``kind``'s units when given), in the period's order."""
    found = []
    for row in db.scalars(select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period.id)
                          .order_by(PeriodCriteriaSet.position, PeriodCriteriaSet.key)):
        if kind and kind not in (row.tenant_kinds or []):
            continue
        criteria_set = host.criteria_set(row.key, row.version)
        if criteria_set is None:
            continue
        declared = criteria_set.schema._declared_fields
        columns = tuple(
            Column(info.name, info.label, info.label_en or info.label, info.unit,
                   dict(declared[info.name].metadata), info.unit_en, info.choices_en)
            for info in describe(criteria_set)
        )
        found.append(Group(row.key, row.version, criteria_set.title, criteria_set.title_en,
                           tuple(row.tenant_kinds or []), columns))
    return found


def _units(db: Session, period: ReportingPeriod, scope: Tenant, kinds: list[str], *, kind: str | None,
           q: str | None, status: str | None) -> Select:
    """The units of the matrix: below ``scope`` (itself included), of a kind the period asks a
    report of, with the filters."""
    query = (
        select(Tenant.id)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .where(Tenant.path.startswith(scope.path), Tenant.active.is_(True), Tenant.kind.in_(kinds))
    )
    if kind:
        query = query.where(Tenant.kind == kind)
    for word in fold(q or "").split():
        query = query.where(Tenant.search_text.contains(word, autoescape=True))
    if status == MISSING:
        query = query.where(Submission.id.is_(None))
    elif status:
        query = query.where(Submission.status == status)
    return query


def _grouped(ids: Select, period: ReportingPeriod) -> Select:
    """Units, their report and its sections, one row per section, ordered by unit."""
    return (
        select(Tenant.id, Tenant.name, Tenant.kind, Submission.status, Submission.self_score,
               Submission.review_score, Section.set_key, Section.values, Section.review)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .outerjoin(Section, and_(Section.tenant_id == Submission.tenant_id,
                                 Section.submission_id == Submission.id))
        .where(Tenant.id.in_(ids))
        .order_by(Tenant.name_key, Tenant.id, Section.set_key)
    )


def _fold(rows: Iterator[Any], by_key: dict[str, Group]) -> Iterator[MatrixRow]:
    """One :class:`MatrixRow` per unit from the grouped rows (they arrive unit by unit)."""
    for tenant_id, unit_rows in groupby(rows, key=lambda r: r.id):
        matrix_row = None
        for row in unit_rows:
            if matrix_row is None:
                score = row.review_score if row.review_score is not None else row.self_score
                matrix_row = MatrixRow(tenant_id, row.name, row.kind, row.status or MISSING, score)
            group = by_key.get(row.set_key) if row.set_key else None
            if group is None:
                continue
            values, review = row.values or {}, row.review or {}
            for column in group.columns:
                value = values.get(column.field)
                reviewed = (review.get(column.field) or {}).get("score")
                if value is None and reviewed is None:
                    continue
                own = field_points(column.meta, value) if column.meta.get("points") is not None else None
                matrix_row.cells[(group.set_key, column.field)] = Cell(value, own, reviewed)
        yield matrix_row


def _check(status: str | None) -> None:
    if status is not None and status not in (*STATUSES, MISSING):
        raise Invalid({"status": [_("Trạng thái không hợp lệ.")]})


def page(
    db: Session, access: Access, host: PluginHost, period: ReportingPeriod, scope: Tenant, *,
    kind: str | None = None, q: str | None = None, status: str | None = None, page: int = 1,
    per_page: int = PER_PAGE,
) -> MatrixPage:
    """One page of the matrix: three queries (the sets, the count, the grouped rows).

    :raises NotFound: the caller may not read ``scope`` (or the period does not cover it).
    :raises Invalid: an unknown status.
    """
    require_scope(db, access, period, scope)
    _check(status)
    page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
    found = groups(db, host, period, kind)
    kinds = sorted({k for g in found for k in g.kinds}) if kind is None else [kind]
    units = _units(db, period, scope, kinds, kind=kind, q=q, status=status)
    total = db.scalar(select(func.count()).select_from(units.subquery())) or 0
    ids = units.order_by(Tenant.name_key, Tenant.id).limit(per_page).offset((page - 1) * per_page)
    grouped = db.execute(_grouped(ids.scalar_subquery(), period))
    rows = list(_fold(iter(grouped), {g.set_key: g for g in found}))
    return MatrixPage(found, rows, total, page, per_page)


def stream(
    db: Session, access: Access, host: PluginHost, period: ReportingPeriod, scope: Tenant, *,
    kind: str | None = None, q: str | None = None, status: str | None = None,
) -> tuple[list[Group], Iterator[MatrixRow]]:
    """The whole matrix of ``scope``, unit by unit, read in batches from one query (the export)."""
    require_scope(db, access, period, scope)
    _check(status)
    found = groups(db, host, period, kind)
    kinds = sorted({k for g in found for k in g.kinds}) if kind is None else [kind]
    units = _units(db, period, scope, kinds, kind=kind, q=q, status=status)
    result = db.execute(_grouped(units.scalar_subquery(), period), execution_options={"yield_per": 2000})
    return found, _fold(iter(result), {g.set_key: g for g in found})
