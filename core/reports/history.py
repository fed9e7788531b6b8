"""The audit trail of one report, readable: who, when, what, from → to, why; and as CSV.

The rows come from the hash-chained audit log; this module only chooses the rows that belong to
one submission (its own changes, its extensions, its evidence) and words them for people."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.periods.models import TIME_ZONE, ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports.models import Extension
from core.reports.operations import find, require_read
from core.tenants.models import Tenant
from core.users.access import Access
from core.users.models import User

VN = ZoneInfo(TIME_ZONE)
# Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark.
BOM = "\ufeff"


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class TrailEntry:
    seq: int
    at: datetime
    who: str
    username: str
    action: str
    action_label: str
    object_type: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def action_labels() -> dict[str, str]:
    return {
        "report.save": _("Lưu số liệu"),
        "report.submit": _("Gửi báo cáo"),
        "report.return": _("Trả lại báo cáo"),
        "report.approve": _("Duyệt báo cáo"),
        "report.reopen": _("Mở lại báo cáo"),
        "report.explain": _("Gửi giải trình"),
        "report.comment": _("Góp ý"),
        "report.review_scores": _("Chấm điểm thẩm định"),
        "report.recompute": _("Tính lại kết quả"),
        "extension.request": _("Xin gia hạn"),
        "extension.grant": _("Chấp thuận gia hạn"),
        "extension.refuse": _("Từ chối gia hạn"),
        "evidence.add": _("Tải lên minh chứng"),
        "evidence.remove": _("Xóa minh chứng"),
    }


def field_labels() -> dict[str, str]:
    return {
        "status": _("Trạng thái"),
        "until": _("Gia hạn đến"),
        "criterion": _("Tiêu chí"),
        "explanation_required": _("Yêu cầu giải trình"),
        "evidence": _("Mã minh chứng"),
        "filename": _("Tên tệp"),
        "size": _("Dung lượng (byte)"),
        "sha256": _("Mã băm SHA-256"),
        "self_score": _("Điểm tự chấm"),
        "review_score": _("Điểm thẩm định"),
        "classification": _("Xếp loại"),
    }


def outcome_labels() -> dict[str, str]:
    """Names of the pass/fail standards the built-in criteria sets decide."""
    return {
        "atantt": _("An toàn về ANTT"),
        "force_atantt": _("Lực lượng cơ sở đạt tiêu chuẩn"),
        "safe_gate": _("Cổng trường an toàn giao thông"),
        "drug_violence_free": _("Không có ma túy, bạo lực học đường"),
        "students_committed": _("Học sinh ký cam kết"),
        "teams_compliant": _("Tổ hòa giải hoạt động đúng quy định"),
        "no_data_leak": _("Không để lộ, lọt thông tin"),
    }


def child_change_label(change: dict[str, Any]) -> str:
    """What a flag on a parent's report says changed in one unit below: its report's status, one
    of its standards (by name) or its figures."""
    if change.get("what") == "status":
        return _("Trạng thái báo cáo")
    if change.get("what") == "outcome":
        key = str(change.get("key") or "")
        return outcome_labels().get(key, key)
    return _("Số liệu báo cáo")


def _criterion_label(host: PluginHost, name: str) -> str:
    """``"rpt.safety.staff"`` → the field's label in its criteria set, when the set is known."""
    set_key, _dot, field_name = name.rpartition(".")
    criteria_set = host.criteria_set(set_key) if set_key else None
    if criteria_set is None:
        return name
    declared = criteria_set.schema._declared_fields.get(field_name)
    if declared is None:
        return name
    return f"{criteria_set.title} — {declared.metadata.get('label', field_name)}"


def _changes(host: PluginHost, action: str, changes: dict[str, Any]) -> list[Change]:
    labels = field_labels()
    labels.update({f"outcomes.{key}": label for key, label in outcome_labels().items()})
    # Most entries record [from, to]; some (a file added or removed) record plain facts, which
    # appear on the side the action moves them to.
    removal = action.endswith(".remove")
    found = []
    for name, pair in sorted((changes or {}).items()):
        if isinstance(pair, list | tuple) and len(pair) == 2:
            before, after = pair
        else:
            before, after = (pair, None) if removal else (None, pair)
        found.append(Change(name, labels.get(name) or _criterion_label(host, name), before, after))
    return found


def _entries_of(db: Session, tenant: Tenant, period: ReportingPeriod) -> Sequence[AuditEntry]:
    # Evidence is audited against its submission, so the submission's entries cover it.
    submission = find(db, tenant, period)
    extension_ids = [str(i) for i in db.scalars(select(Extension.id).where(
        Extension.tenant_id == tenant.id, Extension.period_id == period.id))]
    owned = [and_(AuditEntry.object_type == "extension", AuditEntry.object_id.in_(extension_ids))]
    if submission is not None:
        owned.append(and_(AuditEntry.object_type == "submission",
                          AuditEntry.object_id == str(submission.id)))
    return db.scalars(
        select(AuditEntry).where(AuditEntry.tenant_id == tenant.id, or_(*owned)).order_by(AuditEntry.seq)
    ).all()


def trail(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
) -> list[TrailEntry]:
    """Every audited change of the unit's report for ``period``, oldest first; readers only."""
    require_read(access, tenant)
    entries = _entries_of(db, tenant, period)
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    names = {u.id: u.full_name or u.username
             for u in db.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    labels = action_labels()
    return [
        TrailEntry(
            seq=e.seq, at=e.at, who=names.get(e.actor_id, e.actor_label), username=e.actor_label,
            action=e.action, action_label=labels.get(e.action, e.action), object_type=e.object_type,
            reason=e.reason, changes=_changes(host, e.action, e.changes),
        )
        for e in entries
    ]


def status_labels() -> dict[str, str]:
    """Every status a report (or an extension) shows, by its stored code; ``missing`` is a unit
    the period expects that has no report yet (the queue's, the matrix's and the dashboard's
    filter), so no surface ever falls back to printing the code."""
    return {
        "missing": _("Chưa bắt đầu"),
        "draft": _("Bản nháp"),
        "submitted": _("Đã gửi"),
        "returned": _("Bị trả lại"),
        "approved": _("Đã duyệt"),
        "requested": _("Chờ quyết định"),
        "granted": _("Được chấp thuận"),
        "refused": _("Bị từ chối"),
    }


def _cell(value: Any, name: str = "") -> str:
    if name == "status" and isinstance(value, str):
        return status_labels().get(value, value)
    if value is None:
        return ""
    if value is True:
        return _("Có")
    if value is False:
        return _("Không")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula when the file is opened in Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(entries: Sequence[TrailEntry]) -> str:
    """One row per changed field (one row for an entry without changes); times in Hanoi."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Thời điểm"), _("Người thực hiện"), _("Tài khoản"), _("Hành động"),
                     _("Nội dung thay đổi"), _("Giá trị cũ"), _("Giá trị mới"), _("Lý do")])
    for entry in entries:
        when = entry.at.astimezone(VN).strftime("%d/%m/%Y %H:%M:%S")
        rows = entry.changes or [None]
        for change in rows:
            cells = [when, entry.who, entry.username, entry.action_label,
                     change.label if change else "",
                     _cell(change.before, change.field) if change else "",
                     _cell(change.after, change.field) if change else "", entry.reason]
            writer.writerow([_csv_safe(c) for c in cells])
    return BOM + out.getvalue()
