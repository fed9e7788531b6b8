"""ReportingPeriod: a reference table owned by the tenant that set it up (usually the city)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, ReferenceTable, new_id
from core.db.types import UTCDateTime, utcnow

KINDS: tuple[str, ...] = ("plan", "annual", "thematic", "summary")

DRAFT = "draft"
OPEN = "open"
CLOSED = "closed"
ARCHIVED = "archived"
STATES: tuple[str, ...] = (DRAFT, OPEN, CLOSED, ARCHIVED)
#: Each state as people read it (pages and messages never show the code).
STATE_NAMES = {DRAFT: _l("Nháp"), OPEN: _l("Đang mở"), CLOSED: _l("Đã khóa sổ"), ARCHIVED: _l("Đã lưu trữ")}

# The only moves a period may make; each is audited.
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({OPEN}),
    OPEN: frozenset({CLOSED}),
    CLOSED: frozenset({OPEN, ARCHIVED}),
    ARCHIVED: frozenset(),
}

TIME_ZONE = "Asia/Ho_Chi_Minh"

# The shape of QĐ 510/QĐ-BCA-V05's 100-point classification. The level names and thresholds were
# not found in a published source, so every period carries its own copy, editable by the admin.
DEFAULT_BANDS: tuple[dict[str, Any], ...] = (
    {"name": "Xuất sắc", "min": 90, "requires": ["atantt"]},
    {"name": "Khá", "min": 70},
    {"name": "Trung bình", "min": 50},
    {"name": "Yếu", "min": 0},
)
DEFAULT_REMINDER_DAYS: tuple[int, ...] = (14, 7, 1)


def default_bands() -> list[dict[str, Any]]:
    return [dict(band) for band in DEFAULT_BANDS]


class ReportingPeriod(ReferenceTable, Base):
    __tablename__ = "reporting_period"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    owner_tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="RESTRICT"), index=True
    )
    # Unique per owning unit: a unit choosing a key learns nothing of other units' periods.
    key: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    city_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(40), default=TIME_ZONE)
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=default_bands)
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: list(DEFAULT_REMINDER_DAYS))
    # The plan period whose targets (chỉ tiêu) are shown beside this period's results.
    plan_period_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("owner_tenant_id", "key", name="uq_reporting_period_owner_key"),)

    def can_move_to(self, state: str) -> bool:
        return state in TRANSITIONS[self.state]

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.key} {self.state}>"
