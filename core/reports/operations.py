"""The report of one unit for one period: read, save a draft, submit, return, approve, reopen,
explain, recompute. Web pages, the API and the Excel upload all call these; each rule lives here
once.

Every change follows one shape: the checks that need no lock (role, state, input), then
:func:`~core.reports.atomic.claim` — the compare-and-set on the report's version that exactly one
of several concurrent requests wins — then the writes, then :func:`finish` (the reports above
told when the result they used changed, one audit entry). Moves of status go through
:func:`_move`, the one place a status changes."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.json_rows import json_rows
from core.db.scoping import KEPT_OPTION, TENANT_TABLES_OPTION, TenantContext
from core.db.types import utcnow
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods import operations as period_operations
from core.periods.models import ReportingPeriod
from core.plugins import operations as plugin_operations
from core.plugins.manager import PluginHost
from core.reports import deadlines, events, hierarchy, permissions, scoring
from core.reports.atomic import StaleVersion, claim, conflict, expect, insert_or_ignore, still_read
from core.reports.models import (
    APPROVED,
    DRAFT,
    EXTENSION_GRANTED,
    RETURNED,
    SUBMITTED,
    Comment,
    Extension,
    Section,
    StoredSection,
    Submission,
)
from core.reports.sections import (
    Missing,
    check_draft,
    context_for,
    enabled_for,
    is_complete,
    missing_items,
    score_section,
    sections_of,
    sync_sections,
)
from core.rollups import operations as rollups
from core.tenants import operations as tenant_operations
from core.tenants.models import Tenant
from core.users.access import Access


class Incomplete(Invalid):
    """Submit refused: ``missing`` lists each required field, proof or failed check."""

    def __init__(self, missing: list[Missing]) -> None:
        errors: dict[str, list[str]] = {}
        for item in missing:
            target = f"sections.{item.section}" + (f".{item.field}" if item.field else "")
            errors.setdefault(target, []).append(item.message)
        super().__init__(errors, _("Báo cáo chưa đủ để gửi."))
        self.missing = missing


def find(db: Session, tenant: Tenant, period: ReportingPeriod) -> Submission | None:
    """The unit's report as stored now (a session's earlier copy is refreshed, so a change
    claims the version the database holds)."""
    return db.scalar(
        select(Submission).where(Submission.tenant_id == tenant.id, Submission.period_id == period.id)
        .execution_options(populate_existing=True)
    )


def visible_unit_and_period(
    db: Session, access: Access, tenant_id: uuid.UUID | str, period_id: uuid.UUID | str
) -> tuple[Tenant, ReportingPeriod]:
    """The unit and the period of a report, read together in one statement, when the caller
    sees both (the same rules as the tenants' and periods' ``get_visible``) and the period
    covers the unit (set up by the unit or a unit above it).

    :raises NotFound: whichever is missing, with the message its own ``get_visible`` gives.
    """
    found = _visible_row(db, access, tenant_id, period_id, with_report=False)
    return found[0], found[1]


def visible_report(
    db: Session, access: Access, tenant_id: uuid.UUID | str, period_id: uuid.UUID | str
) -> tuple[Tenant, ReportingPeriod, StoredReport]:
    """As :func:`visible_unit_and_period`, with the unit's report as stored now (what
    :func:`find_with_sections` reads) in the same statement: a read of the report then needs
    no other. For reads only: a change made after it in the transaction is not in it.

    :raises NotFound: as :func:`visible_unit_and_period`.
    """
    found = _visible_row(db, access, tenant_id, period_id, with_report=True)
    submission = found[4]
    sections = _sections_from_json(submission, found[5]) if submission is not None else {}
    return found[0], found[1], StoredReport(submission, sections, found[3])


def _visible_row(
    db: Session, access: Access, tenant_id: uuid.UUID | str, period_id: uuid.UUID | str, *,
    with_report: bool,
) -> Row[Any]:
    """The row (unit, period, sets, extension[, submission, sections]) of the two functions
    above, the sets and the extension remembered for the transaction."""
    try:
        wanted_unit, wanted_period = uuid.UUID(str(tenant_id)), uuid.UUID(str(period_id))
    except ValueError:
        wanted_unit = wanted_period = None
    found = None
    if wanted_unit is not None:
        statement = _visible_statement(access.tenant_context(), period_operations.ancestor_ids(access),
                                       db.get_bind().dialect.name, with_report)
        found = db.execute(statement, {"report_unit": wanted_unit, "report_period": wanted_period}).first()
    if found is None:
        # Read one by one to say which is missing, as a request for either alone would.
        tenant_operations.get_visible(db, access, tenant_id)
        period_operations.get_visible(db, access, period_id)
        raise NotFound(_("Không tìm thấy kỳ báo cáo."))
    tenant, period, sets, granted_until = found[:4]
    if not tenant.lies_under(period.owner_tenant_id):
        raise NotFound(_("Không tìm thấy kỳ báo cáo."))
    plugin_operations.remember_rows(db, wanted_period, plugin_operations.rows_from_json(sets))
    deadlines.remember_granted_until(db, wanted_unit, wanted_period, granted_until)
    return found


@functools.lru_cache(maxsize=1024)
def _visible_statement(context: TenantContext, ancestors: frozenset[uuid.UUID], dialect: str,
                       with_report: bool) -> Select[Any]:
    """The statement of :func:`_visible_row` for one set of grants, the unit and the period being
    the parameters ``report_unit`` and ``report_period``. Kept per set of grants (the key holds
    them all, so no caller gets another's grants): building it took 0.4 ms of every read."""
    unit, period = bindparam("report_unit"), bindparam("report_period")
    units = tenant_operations.visible_in(context).where(Tenant.id == unit)
    periods = period_operations.visible_query_in(context, ancestors).where(ReportingPeriod.id == period)
    conditions = [c for c in (units.whereclause, periods.whereclause) if c is not None]
    # The unit by id joined to the period by id (one row, or none), with the period's criteria
    # sets as one JSON array and the unit's granted extension, which every read or change of
    # the report needs next. Joined as rows, the unit's and the period's columns came back once
    # per set: decoding them again cost a read more than its SQL did.
    columns: list[Any] = [Tenant, ReportingPeriod, plugin_operations.sets_as_json(dialect),
                          _UNIT_GRANTED_UNTIL]
    options: dict[str, Any] = {TENANT_TABLES_OPTION: True, KEPT_OPTION: True}
    if with_report:
        # The report as stored now, as find() reads it (a session's earlier copy refreshed).
        columns += [Submission, _sections_as_json(dialect)]
        options["populate_existing"] = True
    statement = select(*columns).select_from(Tenant).join(ReportingPeriod, ReportingPeriod.id == period)
    if with_report:
        # Outer: a report never saved is read as an empty draft, not as a missing unit.
        statement = statement.outerjoin(Submission, and_(Submission.tenant_id == Tenant.id,
                                                         Submission.period_id == ReportingPeriod.id))
    return statement.where(*conditions).execution_options(**options)


@dataclass(frozen=True)
class StoredReport:
    """A unit's report as stored: the submission (None before its first save), its sections by
    set key, and the date of the unit's latest granted extension (None without one)."""

    submission: Submission | None
    sections: dict[str, StoredSection]
    extended_until: datetime | None


# The columns of a section that a read of the report uses, in the order of the JSON arrays.
_SECTION_COLUMNS = ("id", "set_key", "set_version", "values", "self_score", "review", "review_score",
                    "outcomes")


@functools.cache
def _sections_as_json(dialect: str) -> Any:
    """A scalar subquery, correlated to ``submission``, giving its sections as one JSON array of
    arrays (``_SECTION_COLUMNS``; None without sections). Built once per dialect."""
    aggregate = json_rows(dialect, [getattr(Section, name) for name in _SECTION_COLUMNS],
                          json_columns=(Section.values, Section.review, Section.outcomes))
    return (select(aggregate)
            .where(Section.tenant_id == Submission.tenant_id, Section.submission_id == Submission.id)
            .correlate(Submission).scalar_subquery())


def _sections_from_json(submission: Submission, value: list[list[Any]] | None) -> dict[str, StoredSection]:
    """The sections of :func:`_sections_as_json`'s array, by set key."""
    sections = {}
    for row in value or []:
        item = dict(zip(_SECTION_COLUMNS, row, strict=True))
        sections[item["set_key"]] = StoredSection(
            id=uuid.UUID(str(item["id"])), tenant_id=submission.tenant_id, submission_id=submission.id,
            set_key=item["set_key"], set_version=int(item["set_version"]), values=item["values"] or {},
            self_score=_float(item["self_score"]), review=item["review"] or {},
            review_score=_float(item["review_score"]), outcomes=item["outcomes"] or {})
    return sections


def _float(value: Any) -> float | None:
    # JSON writes 90.0 as 90: the column reads back a float.
    return None if value is None else float(value)


def _granted_until(tenant_id: Any, period_id: Any) -> Any:
    """The date of the unit's latest granted extension in the period (NULL without one), as a
    scalar subquery correlated to whatever ``tenant_id`` and ``period_id`` come from."""
    return (select(func.max(Extension.until))
            .where(Extension.tenant_id == tenant_id, Extension.period_id == period_id,
                   Extension.status == EXTENSION_GRANTED)
            .scalar_subquery())


# Built once: SQL elements do not change, and building them again cost every read.
_UNIT_GRANTED_UNTIL = _granted_until(Tenant.id, ReportingPeriod.id)


def find_with_sections(
    db: Session, tenant: Tenant, period: ReportingPeriod
) -> tuple[Submission | None, dict[str, Section], datetime | None]:
    """The unit's report as stored now (as :func:`find`), its sections by set key and the date
    of the unit's granted extension (the latest; None without one), in one statement: what a
    read of the report needs. The extension read along with the unit and the period
    (:func:`visible_unit_and_period`) in this transaction is not read again."""
    known, until = deadlines.remembered_granted_until(db, tenant, period)
    if known:
        rows = db.execute(
            select(Submission, Section)
            .outerjoin(Section, and_(Section.tenant_id == Submission.tenant_id,
                                     Section.submission_id == Submission.id))
            .where(Submission.tenant_id == tenant.id, Submission.period_id == period.id)
            .execution_options(populate_existing=True)
        ).all()
        submission = rows[0][0] if rows else None
        return submission, {s.set_key: s for _s, s in rows if s is not None}, until
    rows = db.execute(
        select(Submission, Section, _granted_until(Tenant.id, period.id))
        .select_from(Tenant)
        .outerjoin(Submission, and_(Submission.tenant_id == Tenant.id, Submission.period_id == period.id))
        .outerjoin(Section, and_(Section.tenant_id == Submission.tenant_id,
                                 Section.submission_id == Submission.id))
        .where(Tenant.id == tenant.id)
        .execution_options(populate_existing=True)
    ).all()
    if not rows:
        return None, {}, None
    submission, _section, until = rows[0]
    return submission, {s.set_key: s for _u, s, _e in rows if s is not None}, until


def require_read(access: Access, tenant: Tenant) -> None:
    if not permissions.can_read(access, tenant):
        raise NotFound(_("Không tìm thấy đơn vị."))


def require(allowed: bool, access: Access, tenant: Tenant, message: str) -> None:
    require_read(access, tenant)
    if not allowed:
        raise Forbidden(message)


def _audit(db: Session, access: Access, submission: Submission, action: str,
           changes: dict[str, Any] | None = None, reason: str = "") -> None:
    # Every row lock of the change is taken before the audit chain's lock (see atomic.claim).
    db.flush()
    record(
        db, action, tenant_id=submission.tenant_id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="submission", object_id=submission.id,
        changes=changes, reason=reason, ip=access.ip,
    )


@dataclass
class Computed:
    """A report's scores and outcomes as its criteria sets give them now, not yet stored:
    per section (self score, outcomes, reviewer score), the totals, and what was read of the
    units below (``basis``; None when no set read them)."""

    sections: dict[str, tuple[float | None, dict[str, Any], float | None]] = field(default_factory=dict)
    self_score: float | None = None
    review_score: float | None = None
    outcomes: dict[str, Any] = field(default_factory=dict)
    classification: str | None = None
    basis: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        return {"self_score": self.self_score, "review_score": self.review_score,
                "classification": self.classification, "outcomes": self.outcomes}


def stored_summary(submission: Submission) -> dict[str, Any]:
    """The result a report holds: what a reviewer reads and approves."""
    return {"self_score": submission.self_score, "review_score": submission.review_score,
            "classification": submission.classification, "outcomes": dict(submission.outcomes or {})}


def summary_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{"self_score": [from, to], "outcomes.atantt": [from, to], …}`` for what differs."""
    changes: dict[str, list[Any]] = {}
    for name in ("self_score", "review_score", "classification"):
        if before.get(name) != after.get(name):
            changes[name] = [before.get(name), after.get(name)]
    old, new = before.get("outcomes") or {}, after.get("outcomes") or {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes[f"outcomes.{key}"] = [old.get(key), new.get(key)]
    return changes


def compute(db: Session, host: PluginHost, submission: Submission, tenant: Tenant,
            period: ReportingPeriod) -> Computed:
    """Score every section and the whole report from the values held now; writes nothing."""
    enabled = enabled_for(db, host, period, tenant)
    sections = sync_sections(db, submission, enabled, persist=False)
    weights = {item.row.key: item.row.weight for item in enabled}
    ctx = context_for(db, tenant, period)
    computed = Computed()
    pairs, per_section_outcomes, self_pairs, maxima = [], [], [], []
    reviewed = False
    for key, section in sections.items():
        criteria_set = host.criteria_set(key, section.set_version)
        if criteria_set is None or key not in weights:
            continue
        self_score, outcomes = None, {}
        if is_complete(criteria_set, section.values):
            errors, score, found = score_section(host, criteria_set, section.values, ctx)
            if not errors:
                self_score, outcomes = score, found
        review_score = scoring.reviewer_section_score(
            criteria_set, section.values, self_score, section.review or {}
        )
        computed.sections[key] = (self_score, outcomes, review_score)
        reviewed = reviewed or review_score is not None
        self_pairs.append((self_score, weights[key]))
        pairs.append((review_score if review_score is not None else self_score, weights[key]))
        maxima.append((pairs[-1][0], criteria_set.maximum, weights[key]))
        per_section_outcomes.append(outcomes)
    computed.self_score = scoring.weighted_total(self_pairs)
    computed.review_score = scoring.weighted_total(pairs) if reviewed else None
    computed.outcomes = scoring.merge_outcomes(per_section_outcomes)
    final = computed.review_score if computed.review_score is not None else computed.self_score
    computed.classification = scoring.classify(final, computed.outcomes, period.bands or [],
                                               scoring.scale_of(maxima))
    if hierarchy.CHILDREN in ctx.extra.asked:
        computed.basis = hierarchy.basis_of(ctx.extra[hierarchy.CHILDREN])
    return computed


def store(db: Session, host: PluginHost, submission: Submission, tenant: Tenant,
          period: ReportingPeriod, computed: Computed) -> None:
    """Keep ``computed`` on the report (call it after the change's claim)."""
    sections = sync_sections(db, submission, enabled_for(db, host, period, tenant))
    for key, section in sections.items():
        if key in computed.sections:
            section.self_score, section.outcomes, section.review_score = computed.sections[key]
        else:
            section.self_score, section.outcomes, section.review_score = None, {}, None
    submission.self_score = computed.self_score
    submission.review_score = computed.review_score
    submission.outcomes = computed.outcomes
    submission.classification = computed.classification
    hierarchy.recorded(db, submission, computed.basis)


def rescore(db: Session, host: PluginHost, submission: Submission, tenant: Tenant,
            period: ReportingPeriod) -> None:
    """Recompute every section's scores and outcomes, the total and the classification, and
    record what was read of the units below."""
    store(db, host, submission, tenant, period, compute(db, host, submission, tenant, period))


def get_or_start(db: Session, tenant: Tenant, period: ReportingPeriod) -> Submission:
    """The unit's report, started at version 0 when it has none. Several first saves may arrive
    at once: the insert gives way on the (unit, period) key instead of failing, and the change
    that follows claims version 0, which only one of them wins."""
    submission = find(db, tenant, period)
    if submission is None:
        insert_or_ignore(db, Submission, {
            "tenant_id": tenant.id, "period_id": period.id, "status": DRAFT, "version": 0,
        }, keys=("tenant_id", "period_id"))
        submission = find(db, tenant, period)
    return submission


def finish(db: Session, access: Access, host: PluginHost, submission: Submission, action: str,
           changes: dict[str, Any] | None = None, reason: str = "") -> None:
    """The end of every applied change, in its transaction: the reports above that used this
    unit's result are flagged (or unflagged), the rollups of the unit and its ancestors follow
    the report as now stored, then one audit entry (the audit chain's lock is taken last)."""
    tenant = db.get(Tenant, submission.tenant_id)
    if tenant is not None:
        hierarchy.child_changed(db, submission, tenant)
    rollups.refresh(db, host, submission)
    _audit(db, access, submission, action, changes, reason)


def save_draft(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    version: int, sections: Mapping[str, Mapping[str, Any]], now: datetime | None = None,
) -> Submission:
    """Replace the values of the given sections. ``version`` is the one the caller read (0 for a
    report not started); a stale version answers 409 with the current one and nothing is saved
    (of several saves naming the same version, exactly one is applied); any invalid value
    answers 422 naming each field and nothing is saved."""
    require(permissions.can_fill(access, tenant), access, tenant,
             _("Chỉ cán bộ báo cáo hoặc thủ trưởng đơn vị được nhập báo cáo."))
    now = now or utcnow()
    submission = find(db, tenant, period)
    state = deadlines.state_at(period, now, deadlines.granted_extension(db, tenant, period))
    if not state.open:
        raise conflict(_("Kỳ báo cáo không mở để nhập số liệu."), submission)
    current = submission.version if submission is not None else 0
    if submission is not None and not submission.editable:
        raise conflict(_("Báo cáo đã gửi hoặc đã duyệt nên không thể sửa."), submission)
    if version != current:
        raise StaleVersion(current)
    enabled = {item.row.key: item for item in enabled_for(db, host, period, tenant)}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    for key, values in sections.items():
        item = enabled.get(key)
        if item is None:
            errors[f"sections.{key}"] = [_("Bộ tiêu chí này không áp dụng cho đơn vị trong kỳ này.")]
            continue
        if item.criteria_set is None:
            errors[f"sections.{key}"] = [_("Bộ tiêu chí này tạm thời không dùng được.")]
            continue
        if not isinstance(values, Mapping):
            errors[f"sections.{key}"] = [_("Cần một đối tượng gồm các trường và giá trị.")]
            continue
        found, stored = check_draft(item.criteria_set, values)
        for name, messages in found.items():
            errors[f"sections.{key}.{name}"] = messages
        cleaned[key] = stored
    if errors:
        raise Invalid(errors)
    submission = get_or_start(db, tenant, period)
    claim(db, submission, version)
    stored_sections = sync_sections(db, submission, list(enabled.values()))
    changes: dict[str, Any] = {}
    for key, values in cleaned.items():
        section = stored_sections[key]
        before = dict(section.values or {})
        for name in sorted(set(before) | set(values)):
            if before.get(name) != values.get(name):
                changes[f"{key}.{name}"] = [before.get(name), values.get(name)]
        section.values = values
    rescore(db, host, submission, tenant, period)
    finish(db, access, host, submission, "report.save", changes)
    return submission


def missing(db: Session, host: PluginHost, submission: Submission, tenant: Tenant,
            period: ReportingPeriod, stored: Mapping[str, Section | StoredSection] | None = None,
            ) -> list[Missing]:
    """What keeps the report from being submitted: required fields left empty, invalid values,
    proofs (minh chứng) the sets require. ``stored``: the report's sections when the caller has
    read them already (:func:`find_with_sections`)."""
    enabled = enabled_for(db, host, period, tenant)
    sections = sync_sections(db, submission, enabled, persist=False, stored=stored)
    return missing_items(db, host, submission, enabled, sections, context_for(db, tenant, period))


def _move(db: Session, access: Access, host: PluginHost, submission: Submission, status: str,
          action: str, event: str, reason: str = "", notice: str = "",
          resubmitted: bool = False) -> None:
    """The one place a report's status changes, after the change's claim: the reports above
    are flagged if they used this unit, the move is audited once, the unit is told once
    (``notice`` adds a line to what it is told) and plugins hear of it once the transaction
    commits."""
    previous = submission.status
    submission.status = status
    finish(db, access, host, submission, action, {"status": [previous, status]}, reason)
    events.submission_moved(db, host, submission, event, reason, notice, resubmitted)


def submit(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    now: datetime | None = None, version: int | None = None,
) -> Submission:
    """The head signs off. Late after ``due_at``; refused after ``closes_at`` without an
    extension; refused with the list of what is missing. ``version``, when given, is the one the
    caller read (here and in every move below): a report changed since answers 409."""
    require(permissions.is_head(access, tenant), access, tenant,
             _("Chỉ thủ trưởng đơn vị được ký gửi báo cáo."))
    now = now or utcnow()
    # A report never started is checked as an empty one, written only if it may be sent.
    submission = find(db, tenant, period) or Submission(
        tenant_id=tenant.id, period_id=period.id, status=DRAFT, version=0, outcomes={})
    if not submission.editable:
        raise conflict(_("Báo cáo đã được gửi."), submission)
    state = deadlines.state_at(period, now, deadlines.granted_extension(db, tenant, period))
    if not state.open:
        raise conflict(_("Đã hết hạn nộp báo cáo. Đơn vị cần xin gia hạn để gửi báo cáo."), submission)
    if submission.explanation_required:
        raise conflict(_("Cần gửi giải trình trước khi gửi lại báo cáo."), submission)
    expect(submission, version)
    # Checked on the version read: the claim below fails if anything (a value, a file) changed.
    found = missing(db, host, submission, tenant, period)
    read = submission.version if version is None else version
    if found:
        still_read(db, submission, read)
        raise Incomplete(found)
    if submission.id is None:
        submission = get_or_start(db, tenant, period)
    claim(db, submission, read)
    rescore(db, host, submission, tenant, period)
    resubmitted = submission.submitted_at is not None
    submission.submitted_at = now
    submission.submitted_by_id = access.actor_id
    submission.late = state.late
    _move(db, access, host, submission, SUBMITTED, "report.submit", "submitted",
          _("Nộp muộn") if state.late else "", resubmitted=resubmitted)
    return submission


def require_review(db: Session, access: Access, tenant: Tenant, period: ReportingPeriod) -> Submission:
    require(permissions.can_review(access, tenant), access, tenant,
             _("Chỉ cán bộ thẩm định hoặc quản trị viên cấp trên được thẩm định báo cáo."))
    submission = find(db, tenant, period)
    if submission is None:
        raise NotFound(_("Đơn vị chưa có báo cáo trong kỳ này."))
    return submission


def require_reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({field: [_("Vui lòng nêu lý do.")]})
    if len(reason) > 5000:
        raise Invalid({field: [_("Lý do dài quá 5000 ký tự.")]})
    return reason


def return_report(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    reason: str, require_explanation: bool = False, extension_until: datetime | None = None,
    now: datetime | None = None, version: int | None = None,
) -> Submission:
    """Send a submitted report back to the unit, always with a reason; optionally ask for an
    explanation (giải trình) before it may be submitted again.

    After the period has closed for the unit, a returned report could never be sent again:
    ``extension_until`` grants the unit a new deadline in the same step (it must be in the
    future, else 422 on ``extension_until``), and the unit is told the date with the reason."""
    submission = require_review(db, access, tenant, period)
    reason = require_reason(reason)
    now = now or utcnow()
    if submission.status != SUBMITTED:
        raise conflict(_("Chỉ trả lại được báo cáo đã gửi."), submission)
    if extension_until is not None:
        deadlines.check_grant_date(extension_until, now, "extension_until")
    claim(db, submission, version)
    submission.returned_reason = reason
    submission.explanation_required = bool(require_explanation)
    db.add(Comment(tenant_id=tenant.id, submission_id=submission.id, kind="return", body=reason,
                   author_id=access.actor_id))
    notice, granted = "", None
    if extension_until is not None:
        granted = deadlines.grant(db, access, tenant, period, extension_until, reason, now)
        notice = _("Đơn vị được gia hạn gửi lại báo cáo đến %(when)s.",
                   when=deadlines.hanoi_text(extension_until))
    _move(db, access, host, submission, RETURNED, "report.return", "returned", reason, notice)
    if granted is not None:
        deadlines.audit(db, access, *granted, reason)
    return submission


class ResultChanged(Conflict):
    """Approval refused: computed again now, the report's result is not the one it holds (the
    units below changed since). ``changes`` is what would change, ``[from, to]`` by name."""

    def __init__(self, submission: Submission, changes: dict[str, list[Any]]) -> None:
        super().__init__(
            _("Kết quả của báo cáo đã thay đổi vì kết quả của đơn vị trực thuộc thay đổi sau khi "
              "báo cáo được tính. Hãy tính lại, xem lại kết quả mới rồi mới duyệt."),
            version=submission.version, changes=changes,
        )
        self.changes = changes


def approve(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    reason: str = "", now: datetime | None = None, version: int | None = None,
) -> Submission:
    """Approve a submitted report; it is locked from then on.

    The report is computed again first. When the units below changed since its computation
    and the result changes with them, the approval is refused (:class:`ResultChanged`): a
    reviewer never approves a stale result without seeing the new one (see :func:`recompute`).
    When their changes leave the result as it is, the new reading is recorded and the report
    approved."""
    submission = require_review(db, access, tenant, period)
    if submission.status != SUBMITTED:
        raise conflict(_("Chỉ duyệt được báo cáo đã gửi."), submission)
    computed = compute(db, host, submission, tenant, period)
    changes = summary_changes(stored_summary(submission), computed.summary())
    if changes:
        raise ResultChanged(submission, changes)
    claim(db, submission, version)
    store(db, host, submission, tenant, period, computed)
    submission.approved_at = now or utcnow()
    submission.approved_by_id = access.actor_id
    if reason.strip():
        db.add(Comment(tenant_id=tenant.id, submission_id=submission.id, kind="approve",
                       body=reason.strip(), author_id=access.actor_id))
    _move(db, access, host, submission, APPROVED, "report.approve", "approved", reason.strip())
    return submission


def recompute(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    version: int | None = None,
) -> Submission:
    """Compute the report again from its values and the units' results now, and keep it: the
    reviewer of a submitted report, or the unit's staff while it is editable. An approved report
    is locked: an admin reopens it first. Audited with the result's changes, from → to."""
    submission = find(db, tenant, period)
    if submission is None:
        require_read(access, tenant)
        raise NotFound(_("Đơn vị chưa có báo cáo trong kỳ này."))
    allowed = (permissions.can_review(access, tenant) if submission.status == SUBMITTED
               else permissions.can_fill(access, tenant) or permissions.can_review(access, tenant))
    require(allowed, access, tenant, _("Bạn không có quyền tính lại báo cáo này."))
    if submission.status == APPROVED:
        raise conflict(_("Báo cáo đã duyệt bị khóa; cần mở lại trước khi tính lại."), submission)
    claim(db, submission, version)
    before = stored_summary(submission)
    rescore(db, host, submission, tenant, period)
    finish(db, access, host, submission, "report.recompute",
           summary_changes(before, stored_summary(submission)))
    return submission


def reopen(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    reason: str, version: int | None = None,
) -> Submission:
    """An admin above the unit unlocks an approved report, with a reason."""
    require(permissions.can_reopen(access, tenant), access, tenant,
             _("Chỉ quản trị viên cấp trên được mở lại báo cáo đã duyệt."))
    submission = find(db, tenant, period)
    if submission is None:
        raise NotFound(_("Đơn vị chưa có báo cáo trong kỳ này."))
    reason = require_reason(reason)
    if submission.status != APPROVED:
        raise conflict(_("Chỉ mở lại được báo cáo đã duyệt."), submission)
    claim(db, submission, version)
    submission.returned_reason = reason
    submission.approved_at = None
    submission.approved_by_id = None
    db.add(Comment(tenant_id=tenant.id, submission_id=submission.id, kind="reopen", body=reason,
                   author_id=access.actor_id))
    _move(db, access, host, submission, RETURNED, "report.reopen", "reopened", reason)
    return submission


def explain(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, body: str,
    version: int | None = None,
) -> Comment:
    """The head answers a return that asked for an explanation (giải trình)."""
    require(permissions.is_head(access, tenant), access, tenant,
             _("Chỉ thủ trưởng đơn vị được gửi giải trình."))
    submission = find(db, tenant, period)
    if submission is None or submission.status != RETURNED or not submission.explanation_required:
        raise conflict(_("Báo cáo không cần giải trình."), submission)
    body = require_reason(body, "body")
    claim(db, submission, version)
    comment = Comment(tenant_id=tenant.id, submission_id=submission.id, kind="explanation", body=body,
                      author_id=access.actor_id)
    db.add(comment)
    submission.explanation_required = False
    _audit(db, access, submission, "report.explain", {"explanation_required": [True, False]}, body)
    events.explained(db, submission, body)
    return comment


def sections_by_key(db: Session, submission: Submission) -> dict[str, Section]:
    return sections_of(db, submission)
