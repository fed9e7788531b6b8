"""A dashboard: what a period looks like from one tenant (the city, a commune or ward, a
department), read from the rollups of the tenant and of the units directly below it.

Everything here is a constant number of queries whatever the number of units below (a test
counts them at two tree sizes): the rollup and census rows of the scope and its children, the
children's own contributions, the previous period's rows of the scope, one page of late and
missing units and the clusters of the scope. Counts cover the scope's subtree only: the rows of
a tenant sum its own subtree, and a caller reaches a scope only through a subtree role (admin,
reviewer, viewer) over it — anyone else gets 404, as for a unit that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.clusters import operations as clusters
from core.clusters.leader import ranks
from core.clusters.models import Cluster
from core.dashboards import reminders
from core.db.types import utcnow
from core.errors import Conflict, Forbidden, NotFound
from core.jobs.backends import submit as submit_job
from core.jobs.settings import JobSettings
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins.criteria import CriteriaSet
from core.plugins.language import unit_text
from core.plugins.manager import PluginHost
from core.plugins.models import PeriodCriteriaSet
from core.reports import permissions
from core.reports.models import EDITABLE, Submission
from core.rollups import figures as rollup_figures
from core.rollups.contribution import FINAL, PROVISIONAL
from core.rollups.figures import Figures, RollupRows, own_score
from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access

# TT 124/2021/TT-BCA Điều 5 khoản 4: at least 70% of the units under a commune must be "An toàn
# về ANTT" (exactly 70% passes).
ATANTT = "atantt"
ATANTT_SHARE = 0.7
LATE_PAGE = 25


def can_view(access: Access, scope: Tenant) -> bool:
    """A subtree role (admin, reviewer, viewer) reaching ``scope``."""
    return bool(access.roles_in(scope) & roles.SUBTREE_ROLES)


def can_remind(access: Access, scope: Tenant) -> bool:
    return bool(access.roles_in(scope) & permissions.REVIEW_ROLES)


def require_scope(db: Session, access: Access, period: ReportingPeriod, scope: Tenant) -> None:
    """NotFound unless the caller may read ``scope``'s dashboard and the period covers it."""
    owner = db.get(Tenant, period.owner_tenant_id)
    if not can_view(access, scope) or owner is None or not scope.path.startswith(owner.path):
        raise NotFound(_("Không tìm thấy đơn vị."))


@dataclass(frozen=True)
class AggregateInfo:
    """One aggregate a criteria set declares, with the words to show it."""

    set_key: str
    set_title: str
    set_title_en: str
    field: str
    label: str
    label_en: str
    unit: str | None
    how: str
    unit_en: str | None = None

    @property
    def key(self) -> str:
        return f"{self.set_key}.{self.field}"

    def unit_in(self, english: bool) -> str | None:
        """The unit (người, vụ…) in the interface's language (:func:`unit_text`)."""
        return unit_text(self.unit, self.unit_en, english)


@dataclass
class ChildRow:
    """A unit directly below the scope: its subtree's figures and its own report."""

    tenant: Tenant
    figures: Figures
    status: str | None
    score: float | None
    provisional: bool
    classification: str | None
    outcomes: dict[str, bool | None]
    below: dict[str, tuple[int, int]]  # standard → (passed, decided) among the units below it
    rank: int | None = None
    has_units: bool = False

    def share_met(self, name: str = ATANTT) -> bool | None:
        passed, decided = self.below.get(name, (0, 0))
        return passed >= ATANTT_SHARE * decided if decided else None


@dataclass
class LateRow:
    tenant: Tenant
    status: str | None
    late: bool


@dataclass
class Dashboard:
    period: ReportingPeriod
    scope: Tenant
    kinds: list[str]
    total: Figures
    by_kind: list[tuple[str, Figures]]
    children: list[ChildRow]
    aggregates: list[AggregateInfo]
    chart: AggregateInfo | None
    previous: ReportingPeriod | None
    previous_total: Figures | None
    late_rows: list[LateRow]
    late_total: int
    late_page: int
    clusters: list[Cluster]
    panels: list[dict[str, Any]] = field(default_factory=list)
    census: dict[str, int] = field(default_factory=dict)  # active units of each kind in the subtree
    overdue: bool = False
    generated_at: datetime | None = None

    @property
    def late_pages(self) -> int:
        """Pages of the late and missing units (at least one)."""
        return max(1, -(-self.late_total // LATE_PAGE))

    @property
    def outcomes(self) -> list[str]:
        names = set(self.total.outcomes())
        return sorted(names, key=lambda n: (n != ATANTT, n))

    def ranking(self) -> list[ChildRow]:
        scored = [c for c in self.children if c.rank is not None]
        return sorted(scored, key=lambda c: (c.rank, c.tenant.name_key))

    def aggregate(self, info: AggregateInfo, level: str = FINAL,
                  figures: Figures | None = None) -> float | None:
        return (figures or self.total).aggregate(info.set_key, info.field, info.how, level)


def expected_kinds(rows: list[PeriodCriteriaSet]) -> list[str]:
    kinds: list[str] = []
    for row in rows:
        for kind in row.tenant_kinds or []:
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def aggregates_of(host: PluginHost, rows: list[PeriodCriteriaSet]) -> list[AggregateInfo]:
    """The aggregates of the period's enabled sets, in the period's order of sets."""
    found = []
    for row in rows:
        criteria_set: CriteriaSet | None = host.criteria_set(row.key, row.version)
        if criteria_set is None:
            continue
        declared = criteria_set.schema._declared_fields
        for name, how in (criteria_set.aggregates or {}).items():
            meta = declared[name].metadata
            found.append(AggregateInfo(
                set_key=criteria_set.key, set_title=criteria_set.title, set_title_en=criteria_set.title_en,
                field=name, label=str(meta.get("label") or name),
                label_en=str(meta.get("label_en") or meta.get("label") or name),
                unit=meta.get("unit"), how=how, unit_en=meta.get("unit_en"),
            ))
    return found


def previous_period(db: Session, period: ReportingPeriod) -> ReportingPeriod | None:
    """The period of the same kind and owner that opened last before this one."""
    return db.scalar(
        select(ReportingPeriod).where(
            ReportingPeriod.kind == period.kind, ReportingPeriod.owner_tenant_id == period.owner_tenant_id,
            ReportingPeriod.opens_at < period.opens_at, ReportingPeriod.id != period.id,
        ).order_by(ReportingPeriod.opens_at.desc()).limit(1)
    )


def _child_row(child: Tenant, rows: RollupRows, kinds: list[str], own: dict[str, float]) -> ChildRow:
    figures = rows.figures(child.id, kinds)
    score, provisional = own_score(own)
    status = next((s for s in ("approved", "submitted", "returned", "drafts") if own.get(s)), None)
    level = FINAL if own.get(f"{FINAL}|reports") else PROVISIONAL
    classification = next((key.split("|", 2)[2] for key in own if key.startswith(f"{level}|class|")), None)
    outcomes: dict[str, bool | None] = {}
    for key in own:
        parts = key.split("|")
        if parts[0] == level and parts[1] == "outcome":
            outcomes[parts[2]] = parts[3] == "pass"
    # Only the standards' counters of the subtree (every kind) are needed here, not its sum.
    subtree = Figures()
    for counters in rows.counters.get(child.id, {}).values():
        subtree.add(0, {key: value for key, value in counters.items() if "|outcome|" in key})
    below: dict[str, tuple[int, int]] = {}
    for name in subtree.outcomes():
        passed, decided = subtree.outcome(name, PROVISIONAL)
        own_pass = 1 if own.get(f"{PROVISIONAL}|outcome|{name}|pass") else 0
        own_fail = 1 if own.get(f"{PROVISIONAL}|outcome|{name}|fail") else 0
        below[name] = (passed - own_pass, decided - own_pass - own_fail)
    return ChildRow(
        tenant=child, figures=figures, status={"drafts": "draft"}.get(status, status), score=score,
        provisional=provisional, classification=classification, outcomes=outcomes, below=below,
        has_units=sum(rows.census.get(child.id, {}).values()) > 1,
    )


def late_and_missing(db: Session, period: ReportingPeriod, scope: Tenant, kinds: list[str],
                     page: int = 1, per_page: int = LATE_PAGE) -> list[LateRow]:
    """One page of the units below ``scope`` the period expects that have not sent their report
    (no report, a draft, a returned one) or sent it late, in Vietnamese alphabetical order."""
    rows = db.execute(
        select(Tenant, Submission.status, Submission.late)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .where(Tenant.path.startswith(scope.path), Tenant.active.is_(True), Tenant.kind.in_(kinds),
               or_(Submission.id.is_(None), Submission.status.in_(sorted(EDITABLE)),
                   Submission.late.is_(True)))
        .order_by(Tenant.name_key, Tenant.id).limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    return [LateRow(tenant, status, bool(late)) for tenant, status, late in rows]


def dashboard(
    db: Session, access: Access, host: PluginHost, period: ReportingPeriod, scope: Tenant, *,
    aggregate: str | None = None, late_page: int = 1, now: datetime | None = None,
) -> Dashboard:
    """Everything the dashboard of ``scope`` shows for ``period`` (see the module docstring).

    :param aggregate: ``"<set key>.<field>"`` of the aggregate to chart by unit (default: the
        first the period's sets declare).
    :raises NotFound: the caller may not read the scope, or the period does not cover it.
    """
    require_scope(db, access, period, scope)
    now = now or utcnow()
    set_rows = list(db.scalars(
        select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period.id)
        .order_by(PeriodCriteriaSet.position, PeriodCriteriaSet.key)
    ))
    kinds = expected_kinds(set_rows)
    children = list(db.scalars(
        select(Tenant).where(Tenant.parent_id == scope.id, Tenant.active.is_(True)).order_by(Tenant.name_key)
    ))
    infos = aggregates_of(host, set_rows)
    chart = next((i for i in infos if i.key == aggregate), infos[0] if infos else None)
    extract = rollup_figures.aggregate_keys(chart.set_key, chart.field) if chart else []
    # The scope and the units directly below it, as a select: by primary key and parent, so the
    # statements carry no list of a hundred ids.
    below = (Tenant.parent_id == scope.id) & Tenant.active.is_(True)
    rows = rollup_figures.read(db, period.id, select(Tenant.id).where(or_(Tenant.id == scope.id, below)),
                               full=[scope.id], extract=extract)
    own = rollup_figures.own(db, period.id, select(Tenant.id).where(below))
    scope_kinds = rows.kinds_of(scope.id, kinds)
    child_rows = []
    for child in children:
        row = _child_row(child, rows, kinds, own.get(child.id, {}))
        if row.figures.expected or row.figures.count("started"):
            child_rows.append(row)
    order = ranks([(row.tenant.id, row.score) for row in child_rows])
    for row in child_rows:
        row.rank = order[row.tenant.id]
    previous = previous_period(db, period)
    previous_total = None
    if previous is not None:
        previous_rows = rollup_figures.read(db, previous.id, [scope.id], full=[scope.id])
        previous_kinds = expected_kinds(list(db.scalars(
            select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == previous.id))))
        previous_total = previous_rows.figures(scope.id, previous_kinds)
    total = rows.figures(scope.id, kinds)
    late_total = total.missing + total.late
    return Dashboard(
        period=period, scope=scope, kinds=scope_kinds, total=total,
        by_kind=[(kind, rows.figures(scope.id, [kind])) for kind in scope_kinds],
        children=child_rows, aggregates=infos, chart=chart, previous=previous,
        previous_total=previous_total,
        late_rows=late_and_missing(db, period, scope, kinds, late_page) if late_total else [],
        late_total=late_total, late_page=max(late_page, 1),
        clusters=clusters.visible(db, access, scope),
        panels=host.dashboard_panels(period, scope), census=dict(rows.census.get(scope.id, {})),
        overdue=now > period.due_at, generated_at=now,
    )


class AlreadyReminded(Conflict):
    """Every unit the reminder would reach was reminded today already: nothing is sent again."""


@dataclass
class Reminder:
    """A reminder queued: its job and how many units it reaches (not reminded yet today)."""

    job: Any
    units: int
    reminded_before: int


def remind(db: Session, access: Access, period: ReportingPeriod, scope: Tenant,
           now: datetime | None = None) -> Reminder:
    """Queue a reminder to the reporters and heads of every unit below ``scope`` whose report is
    not sent (none, a draft, a returned one); a reviewer or admin of the scope asks. A unit gets
    at most one reminder a day (in the period's time zone), whoever asks. Audited.

    Atomic: the job carries a unique key per scope, period, day and units reminded so far, so of
    two requests at once (a double click, two reviewers) the second insert is refused and nothing
    is queued twice;
    the notices themselves are keyed per user and day (:mod:`core.dashboards.reminders`).

    :raises NotFound: the caller may not read the scope.
    :raises Forbidden: a viewer asks.
    :raises AlreadyReminded: the scope's reminder of today was queued already, or every unit
        not sent holds today's reminder (sent from this dashboard or one above it).
    :raises Conflict: the period is not open.
    """
    require_scope(db, access, period, scope)
    if not can_remind(access, scope):
        raise Forbidden(_("Chỉ cán bộ thẩm định hoặc quản trị viên được nhắc đơn vị gửi báo cáo."))
    if period.state != period_models.OPEN:
        raise Conflict(_("Kỳ báo cáo không mở nên không nhắc đơn vị gửi báo cáo."))
    day = reminders.reminder_day(period, now or utcnow())
    already = _("Các đơn vị chưa gửi báo cáo đã được nhắc hôm nay; mỗi đơn vị nhận tối đa một lời nhắc "
                "mỗi ngày.")
    units, reminded = reminders.reminder_counts(db, period, scope, day)
    if units and reminded == units:
        raise AlreadyReminded(already)
    # The key also names how many units held today's reminder: a unit that falls behind later
    # the same day (a report returned) is reminded by a new request once the first job ran.
    key = f"dashboard-remind:{period.id.hex}:{scope.id.hex}:{day}:{reminded}"
    try:
        with db.begin_nested():
            job = submit_job(db, "dashboards.remind", {"tenant_id": scope.id, "period_id": period.id},
                             redis_url=JobSettings.of(current_app).redis_url, actor_id=access.actor_id,
                             unique_key=key)
    except IntegrityError:
        raise AlreadyReminded(already) from None
    record(db, "dashboard.remind", tenant_id=scope.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="period", object_id=period.id,
           changes={"job": [None, str(job.id)], "units": [None, units - reminded]}, ip=access.ip)
    return Reminder(job, units - reminded, reminded)


def scope_for(db: Session, access: Access, scope_id: uuid.UUID | str | None,
              default: Tenant | None) -> Tenant:
    """The tenant named by ``scope_id`` (or ``default``); NotFound when there is none."""
    if scope_id is None:
        if default is None:
            raise NotFound(_("Không tìm thấy đơn vị."))
        return default
    try:
        wanted = uuid.UUID(str(scope_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None
    tenant = db.get(Tenant, wanted)
    if tenant is None or not tenant.active or not can_view(access, tenant):
        raise NotFound(_("Không tìm thấy đơn vị."))
    return tenant


def default_scope(db: Session, access: Access) -> Tenant | None:
    """The highest unit where the caller holds a subtree role: the dashboard it most likely wants."""
    grants = sorted((g for g in access.grants if g.role in roles.SUBTREE_ROLES),
                    key=lambda g: g.tenant_path.count("/"))
    return db.get(Tenant, grants[0].tenant_id) if grants else None
