"""Human names for the codes stored in the database (kinds, roles, period states)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.periods import models as period_models

TENANT_KINDS = {
    "city": _l("Thành phố"),
    "ward": _l("Phường"),
    "commune": _l("Xã"),
    "department": _l("Sở, ban, ngành"),
    "front_org": _l("Mặt trận, đoàn thể"),
    "agency": _l("Cơ quan"),
    "enterprise": _l("Doanh nghiệp"),
    "school": _l("Trường học"),
}

ROLES = {
    "reporter": _l("Cán bộ báo cáo"),
    "head": _l("Thủ trưởng đơn vị"),
    "reviewer": _l("Cán bộ thẩm định"),
    "admin": _l("Quản trị viên"),
    "viewer": _l("Người theo dõi"),
}

PERIOD_KINDS = {
    "plan": _l("Kế hoạch"),
    "annual": _l("Báo cáo năm"),
    "thematic": _l("Chuyên đề"),
    "summary": _l("Sơ kết, tổng kết"),
}

PERIOD_STATES = period_models.STATE_NAMES


def label(table: dict, code: str | None) -> str:
    """The translated name of ``code``; a code nobody named yet (e.g. a kind a directory added)
    shows as itself rather than disappearing."""
    if code is None:
        return ""
    return str(table.get(code, code))
