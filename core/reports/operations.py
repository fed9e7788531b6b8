"""The report of one unit for one period: read, save a draft, submit, return, approve, reopen,
explain. Web pages, the API and the Excel upload all call these; each rule lives here once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports import deadlines, events, permissions, scoring
from core.reports.models import APPROVED, DRAFT, RETURNED, SUBMITTED, Comment, Section, Submission
from core.reports.sections import (
    Missing,
    check_draft,
    context_for,
    enabled_for,
    is_complete,
    missing_items,
    score_section,
    sync_sections,
)
from core.rollups import operations as rollups
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
    return db.scalar(
        select(Submission).where(Submission.tenant_id == tenant.id, Submission.period_id == period.id)
    )


def require_read(access: Access, tenant: Tenant) -> None:
    if not permissions.can_read(access, tenant):
        raise NotFound(_("Không tìm thấy đơn vị."))


def require(allowed: bool, access: Access, tenant: Tenant, message: str) -> None:
    require_read(access, tenant)
    if not allowed:
        raise Forbidden(message)


def _audit(db: Session, access: Access, submission: Submission, action: str,
           changes: dict[str, Any] | None = None, reason: str = "") -> None:
    record(
        db, action, tenant_id=submission.tenant_id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="submission", object_id=submission.id,
        changes=changes, reason=reason, ip=access.ip,
    )


def rescore(db: Session, host: PluginHost, submission: Submission, tenant: Tenant,
            period: ReportingPeriod) -> None:
    """Recompute every section's scores and outcomes, the total and the classification."""
    enabled = enabled_for(db, host, period, tenant)
    sections = sync_sections(db, submission, enabled)
    weights = {item.row.key: item.row.weight for item in enabled}
    ctx = context_for(db, tenant, period)
    pairs, per_section_outcomes, self_pairs = [], [], []
    for key, section in sections.items():
        criteria_set = host.criteria_set(key, section.set_version)
        if criteria_set is None or key not in weights:
            continue
        section.self_score, section.outcomes = None, {}
        if is_complete(criteria_set, section.values):
            errors, score, outcomes = score_section(host, criteria_set, section.values, ctx)
            if not errors:
                section.self_score, section.outcomes = score, outcomes
        section.review_score = scoring.reviewer_section_score(
            criteria_set, section.values, section.self_score, section.review or {}
        )
        self_pairs.append((section.self_score, weights[key]))
        best = section.review_score if section.review_score is not None else section.self_score
        pairs.append((best, weights[key]))
        per_section_outcomes.append(section.outcomes)
    submission.self_score = scoring.weighted_total(self_pairs)
    reviewed = any(s.review_score is not None for s in sections.values())
    submission.review_score = scoring.weighted_total(pairs) if reviewed else None
    submission.outcomes = scoring.merge_outcomes(per_section_outcomes)
    final = submission.review_score if submission.review_score is not None else submission.self_score
    submission.classification = scoring.classify(final, submission.outcomes, period.bands or [])


def get_or_start(db: Session, tenant: Tenant, period: ReportingPeriod) -> Submission:
    submission = find(db, tenant, period)
    if submission is None:
        submission = Submission(tenant_id=tenant.id, period_id=period.id, status=DRAFT, version=0)
        db.add(submission)
        db.flush()
    return submission


def save_draft(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    version: int, sections: Mapping[str, Mapping[str, Any]], now: datetime | None = None,
) -> Submission:
    """Replace the values of the given sections. ``version`` is the one the caller read (0 for a
    report not started); a stale version answers 409 and nothing is saved; any invalid value
    answers 422 naming each field and nothing is saved."""
    require(permissions.can_fill(access, tenant), access, tenant,
             _("Chỉ cán bộ báo cáo hoặc thủ trưởng đơn vị được nhập báo cáo."))
    now = now or utcnow()
    state = deadlines.state_at(period, now, deadlines.granted_extension(db, tenant, period))
    if not state.open:
        raise Conflict(_("Kỳ báo cáo không mở để nhập số liệu."))
    submission = find(db, tenant, period)
    current = submission.version if submission is not None else 0
    if submission is not None and not submission.editable:
        raise Conflict(_("Báo cáo đã gửi hoặc đã duyệt nên không thể sửa."))
    if version != current:
        raise Conflict(_("Báo cáo đã được người khác cập nhật (phiên bản %(current)s). "
                         "Hãy tải lại để xem thay đổi; dữ liệu bạn nhập chưa bị mất.", current=current))
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
    stored_sections = sync_sections(db, submission, list(enabled.values()))
    changes: dict[str, Any] = {}
    for key, values in cleaned.items():
        section = stored_sections[key]
        before = dict(section.values or {})
        for name in sorted(set(before) | set(values)):
            if before.get(name) != values.get(name):
                changes[f"{key}.{name}"] = [before.get(name), values.get(name)]
        section.values = values
    submission.version = current + 1
    rescore(db, host, submission, tenant, period)
    _audit(db, access, submission, "report.save", changes)
    rollups.refresh(db, host, submission)
    return submission


def missing(db: Session, host: PluginHost, submission: Submission, tenant: Tenant,
            period: ReportingPeriod) -> list[Missing]:
    enabled = enabled_for(db, host, period, tenant)
    sections = sync_sections(db, submission, enabled)
    return missing_items(db, host, submission, enabled, sections, context_for(db, tenant, period))


def _move(db: Session, access: Access, host: PluginHost, submission: Submission, status: str,
          action: str, event: str, reason: str = "") -> None:
    previous = submission.status
    submission.status = status
    submission.version += 1
    _audit(db, access, submission, action, {"status": [previous, status]}, reason)
    rollups.refresh(db, host, submission)
    events.submission_moved(db, host, submission, event, reason)


def submit(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    now: datetime | None = None,
) -> Submission:
    """The head signs off. Late after ``due_at``; refused after ``closes_at`` without an
    extension; refused with the list of what is missing."""
    require(permissions.is_head(access, tenant), access, tenant,
             _("Chỉ thủ trưởng đơn vị được ký gửi báo cáo."))
    now = now or utcnow()
    submission = find(db, tenant, period)
    if submission is None:
        submission = get_or_start(db, tenant, period)
    if not submission.editable:
        raise Conflict(_("Báo cáo đã được gửi."))
    state = deadlines.state_at(period, now, deadlines.granted_extension(db, tenant, period))
    if not state.open:
        raise Conflict(_("Đã hết hạn nộp báo cáo. Đơn vị cần xin gia hạn để gửi báo cáo."))
    if submission.explanation_required:
        raise Conflict(_("Cần gửi giải trình trước khi gửi lại báo cáo."))
    found = missing(db, host, submission, tenant, period)
    if found:
        raise Incomplete(found)
    rescore(db, host, submission, tenant, period)
    submission.submitted_at = now
    submission.submitted_by_id = access.actor_id
    submission.late = state.late
    _move(db, access, host, submission, SUBMITTED, "report.submit", "submitted",
          _("Nộp muộn") if state.late else "")
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
    reason: str, require_explanation: bool = False,
) -> Submission:
    """Send a submitted report back to the unit, always with a reason; optionally ask for an
    explanation (giải trình) before it may be submitted again."""
    submission = require_review(db, access, tenant, period)
    reason = require_reason(reason)
    if submission.status != SUBMITTED:
        raise Conflict(_("Chỉ trả lại được báo cáo đã gửi."))
    submission.returned_reason = reason
    submission.explanation_required = bool(require_explanation)
    db.add(Comment(tenant_id=tenant.id, submission_id=submission.id, kind="return", body=reason,
                   author_id=access.actor_id))
    _move(db, access, host, submission, RETURNED, "report.return", "returned", reason)
    return submission


def approve(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    reason: str = "", now: datetime | None = None,
) -> Submission:
    """Approve a submitted report; it is locked from then on."""
    submission = require_review(db, access, tenant, period)
    if submission.status != SUBMITTED:
        raise Conflict(_("Chỉ duyệt được báo cáo đã gửi."))
    rescore(db, host, submission, tenant, period)
    submission.approved_at = now or utcnow()
    submission.approved_by_id = access.actor_id
    if reason.strip():
        db.add(Comment(tenant_id=tenant.id, submission_id=submission.id, kind="approve",
                       body=reason.strip(), author_id=access.actor_id))
    _move(db, access, host, submission, APPROVED, "report.approve", "approved", reason.strip())
    return submission


def reopen(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    reason: str,
) -> Submission:
    """An admin above the unit unlocks an approved report, with a reason."""
    require(permissions.can_reopen(access, tenant), access, tenant,
             _("Chỉ quản trị viên cấp trên được mở lại báo cáo đã duyệt."))
    submission = find(db, tenant, period)
    if submission is None:
        raise NotFound(_("Đơn vị chưa có báo cáo trong kỳ này."))
    reason = require_reason(reason)
    if submission.status != APPROVED:
        raise Conflict(_("Chỉ mở lại được báo cáo đã duyệt."))
    submission.returned_reason = reason
    submission.approved_at = None
    submission.approved_by_id = None
    db.add(Comment(tenant_id=tenant.id, submission_id=submission.id, kind="reopen", body=reason,
                   author_id=access.actor_id))
    _move(db, access, host, submission, RETURNED, "report.reopen", "reopened", reason)
    return submission


def explain(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, body: str,
) -> Comment:
    """The head answers a return that asked for an explanation (giải trình)."""
    require(permissions.is_head(access, tenant), access, tenant,
             _("Chỉ thủ trưởng đơn vị được gửi giải trình."))
    submission = find(db, tenant, period)
    if submission is None or submission.status != RETURNED or not submission.explanation_required:
        raise Conflict(_("Báo cáo không cần giải trình."))
    body = require_reason(body, "body")
    comment = Comment(tenant_id=tenant.id, submission_id=submission.id, kind="explanation", body=body,
                      author_id=access.actor_id)
    db.add(comment)
    submission.explanation_required = False
    submission.version += 1
    _audit(db, access, submission, "report.explain", {"explanation_required": [True, False]}, body)
    return comment


def sections_by_key(db: Session, submission: Submission) -> dict[str, Section]:
    from core.reports.sections import sections_of

    return sections_of(db, submission)
