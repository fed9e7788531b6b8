"""Human names for the codes stored in the database (kinds, roles, period states)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.periods import models as period_models
from core.tenants import kinds

TENANT_KINDS = kinds.LABELS

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
