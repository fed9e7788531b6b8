"""Review: comments per criterion, reviewer scores beside the unit's own and bulk approval with
one logged reason (the reviewer's queue is :mod:`core.reports.queue`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.errors import Invalid, NotFound, ThiDuaError
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports import operations, permissions
from core.reports.atomic import claim, conflict
from core.reports.models import SUBMITTED, Comment, Submission
from core.reports.sections import sections_of
from core.tenants.models import Tenant
from core.text.numbers import NumberFormatError, parse_number
from core.users.access import Access


def comment(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, body: str,
    criterion: str | None = None,
) -> Comment:
    """Anyone who fills or reviews the report may comment, on it or on one criterion."""
    allowed = permissions.can_fill(access, tenant) or permissions.can_review(access, tenant)
    operations.require(allowed, access, tenant, _("Bạn không có quyền góp ý báo cáo này."))
    submission = operations.find(db, tenant, period)
    if submission is None:
        raise NotFound(_("Đơn vị chưa có báo cáo trong kỳ này."))
    body = (body or "").strip()
    if not body:
        raise Invalid({"body": [_("Vui lòng nhập nội dung góp ý.")]})
    if criterion is not None and criterion.count(".") < 2:
        raise Invalid({"criterion": [_("Tiêu chí phải có dạng <bộ tiêu chí>.<trường>.")]})
    entry = Comment(tenant_id=tenant.id, submission_id=submission.id, criterion=criterion,
                    kind="comment", body=body[:5000], author_id=access.actor_id)
    db.add(entry)
    record(db, "report.comment", tenant_id=tenant.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="submission", object_id=submission.id,
           changes={"criterion": [None, criterion]}, reason=body[:5000], ip=access.ip)
    return entry


def comments(db: Session, access: Access, tenant: Tenant, period: ReportingPeriod) -> Sequence[Comment]:
    operations.require_read(access, tenant)
    submission = operations.find(db, tenant, period)
    if submission is None:
        return []
    return db.scalars(
        select(Comment).where(Comment.tenant_id == tenant.id, Comment.submission_id == submission.id)
        .order_by(Comment.created_at)
    ).all()


def score_criteria(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
    set_key: str, scores: Mapping[str, Mapping[str, Any]], version: int | None = None,
) -> Submission:
    """Reviewer points per criterion with a note, beside the unit's self-score:
    ``{"field": {"score": 8, "note": "…"}}``; a score of ``None`` removes the reviewer's."""
    submission = operations.require_review(db, access, tenant, period)
    if submission.status != SUBMITTED:
        raise conflict(_("Chỉ chấm điểm được báo cáo đã gửi."), submission)
    section = sections_of(db, submission).get(set_key)
    criteria_set = host.criteria_set(set_key, section.set_version) if section else None
    if section is None or criteria_set is None:
        raise Invalid({"set": [_("Báo cáo không có bộ tiêu chí này.")]})
    fields = criteria_set.schema._declared_fields
    errors: dict[str, list[str]] = {}
    review = dict(section.review or {})
    changes: dict[str, Any] = {}
    for name, entry in scores.items():
        if name not in fields or not isinstance(entry, Mapping):
            errors[name] = [_("Không có tiêu chí này.")]
            continue
        score = entry.get("score")
        if isinstance(score, str) and score.strip():
            # Text is read as every surface reads numbers ("8,5" is 8.5), never by float().
            try:
                read = parse_number(score)
            except NumberFormatError as error:
                errors[f"{name}.score"] = [_("Điểm phải là số từ 0 đến 100."), error.message]
                continue
            score = int(read) if read == read.to_integral_value() else float(read)
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)
                                  or not 0 <= score <= 100):
            errors[f"{name}.score"] = [_("Điểm phải là số từ 0 đến 100.")]
            continue
        note = str(entry.get("note") or "")[:2000]
        before = review.get(name)
        review[name] = {"score": score, "note": note}
        if before != review[name]:
            changes[f"{set_key}.{name}"] = [before, review[name]]
    if errors:
        raise Invalid(errors)
    claim(db, submission, version)
    section.review = review
    operations.rescore(db, host, submission, tenant, period)
    operations.finish(db, access, host, submission, "report.review_scores", changes)
    return submission


def bulk_approve(
    db: Session, access: Access, host: PluginHost, period: ReportingPeriod,
    tenant_ids: Sequence[uuid.UUID], reason: str,
) -> dict[str, str]:
    """Approve several submitted reports with one optional comment (as a single approval);
    returns tenant id → "approved" or why not. Each approval is audited on its own, with the
    shared comment, and committed on its own: one report's refusal leaves nothing half-written,
    and no lock of one approval is held while the next one waits for another report's."""
    reason = (reason or "").strip()
    if len(reason) > 5000:
        raise Invalid({"reason": [_("Lý do dài quá 5000 ký tự.")]})
    results: dict[str, str] = {}
    for tenant_id in tenant_ids:
        tenant = db.get(Tenant, tenant_id)
        try:
            if tenant is None or not access.can_see(tenant):
                raise NotFound(_("Không tìm thấy đơn vị."))
            operations.approve(db, access, host, tenant, period, reason)
        except ThiDuaError as error:
            db.rollback()
            results[str(tenant_id)] = error.message
        else:
            db.commit()
            results[str(tenant_id)] = "approved"
    return results
