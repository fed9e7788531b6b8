"""What a reader of a report sees, as plain data: the API serialises it, the web renders it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.criteria_defs.models import is_defined_key
from core.criteria_defs.targets import unit_targets
from core.db.types import utcnow
from core.periods.models import ReportingPeriod
from core.plugins.fields import describe
from core.plugins.manager import PluginHost
from core.reports import deadlines, hierarchy, history, permissions
from core.reports.models import APPROVED, DRAFT, SUBMITTED, Submission
from core.reports.operations import StoredReport, find, find_with_sections, missing, require_read
from core.reports.sections import enabled_for, sections_of
from core.tenants.models import Tenant
from core.users.access import Access


def _targets(db: Session, tenant: Tenant, period: ReportingPeriod) -> dict[str, dict[str, Any]]:
    """The plan period's values (chỉ tiêu) for the same unit, per set."""
    if period.plan_period_id is None:
        return {}
    plan = db.get(ReportingPeriod, period.plan_period_id)
    submission = find(db, tenant, plan) if plan is not None else None
    if submission is None:
        return {}
    return {key: dict(s.values or {}) for key, s in sections_of(db, submission).items()}


def report_view(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    now=None, stored_report: StoredReport | None = None,
) -> dict[str, Any]:
    """The report as its reader sees it. ``stored_report``: the report as the caller read it
    along with the unit and the period (:func:`~core.reports.operations.visible_report`), in a
    transaction that changed nothing since; read here otherwise."""
    require_read(access, tenant)
    if stored_report is not None:
        submission, stored = stored_report.submission, stored_report.sections
        extended_until = stored_report.extended_until
    else:
        submission, stored, extended_until = find_with_sections(db, tenant, period)
    enabled = enabled_for(db, host, period, tenant)
    targets = _targets(db, tenant, period)
    sections = []
    for item in enabled:
        key = item.row.key
        section = stored.get(key)
        version = section.set_version if section is not None else item.row.version
        criteria_set = host.criteria_set(key, version)
        sections.append({
            "key": key,
            "version": version,
            "title": criteria_set.title if criteria_set else key,
            "title_en": criteria_set.title_en if criteria_set else key,
            "available": criteria_set is not None,
            "weight": item.row.weight,
            # What the section scores out of (100 unless the set says more: a 1.000-point table).
            "maximum": (criteria_set.maximum if criteria_set and criteria_set.maximum else 100),
            "fields": [f.as_dict() for f in describe(criteria_set)] if criteria_set else [],
            "values": dict(section.values) if section is not None else {},
            "self_score": section.self_score if section is not None else None,
            "review": dict(section.review or {}) if section is not None else {},
            "review_score": section.review_score if section is not None else None,
            "outcomes": dict(section.outcomes or {}) if section is not None else {},
            "targets": {**targets.get(key, {}), **(
                unit_targets(db, key, version, tenant.id) if is_defined_key(key) else {})},
        })
    state = deadlines.state_until(period, now or utcnow(), extended_until)
    return {
        "tenant": {"id": tenant.id, "name": tenant.name, "kind": tenant.kind},
        "period": {"id": period.id, "key": period.key, "title": period.title,
                   "due_at": period.due_at, "closes_at": period.closes_at},
        "status": submission.status if submission else DRAFT,
        "version": submission.version if submission else 0,
        "late": submission.late if submission else False,
        "explanation_required": submission.explanation_required if submission else False,
        "returned_reason": submission.returned_reason if submission else "",
        "submitted_at": submission.submitted_at if submission else None,
        "approved_at": submission.approved_at if submission else None,
        "self_score": submission.self_score if submission else None,
        "review_score": submission.review_score if submission else None,
        "classification": submission.classification if submission else None,
        "provisional": submission.provisional if submission else True,
        "outcomes": dict(submission.outcomes or {}) if submission else {},
        "sections": sections,
        "missing": [m.as_dict() for m in missing(db, host, submission, tenant, period, stored)]
        if submission is not None and submission.editable else [],
        "deadline": {"open": state.open, "late": state.late, "extended_until": state.extended_until},
        "can": {
            "fill": permissions.can_fill(access, tenant) and _editable(submission) and state.open,
            "submit": permissions.is_head(access, tenant) and _editable(submission) and state.open,
            "review": permissions.can_review(access, tenant),
            "reopen": permissions.can_reopen(access, tenant),
            "recompute": _may_recompute(access, tenant, submission),
        },
        "children_changed": children_changed(db, submission),
    }


def _may_recompute(access: Access, tenant: Tenant, submission: Submission | None) -> bool:
    if submission is None or submission.status == APPROVED:
        return False
    if submission.status == SUBMITTED:
        return permissions.can_review(access, tenant)
    return permissions.can_fill(access, tenant) or permissions.can_review(access, tenant)


def children_changed(db: Session, submission: Submission | None) -> list[dict[str, Any]]:
    """The report's flags, for reading: each unit below whose result changed since the report's
    computation used it, with what changed (``label``) from → to."""
    flags = hierarchy.changes_of(db, submission)
    if not flags:
        return []
    units = {t.id: t for t in db.scalars(select(Tenant).where(
        Tenant.id.in_([f.child_tenant_id for f in flags])))}
    found = []
    for flag in flags:
        unit = units.get(flag.child_tenant_id)
        found.append({
            "tenant": {"id": flag.child_tenant_id, "name": unit.name if unit else "",
                       "kind": unit.kind if unit else ""},
            "detected_at": flag.detected_at,
            "changes": [dict(change, label=history.child_change_label(change))
                        for change in flag.changes or []],
        })
    return found


def _editable(submission: Submission | None) -> bool:
    return submission is None or submission.editable
