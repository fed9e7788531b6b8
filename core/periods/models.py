"""ReportingPeriod: a reference table owned by the tenant that set it up (usually the city)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, ReferenceTable, new_id
from core.db.types import UTCDateTime, utcnow

KINDS: tuple[str, ...] = ("plan", "annual", "thematic", "summary")

DRAFT = "draft"
OPEN = "open"
CLOSED = "closed"
ARCHIVED = "archived"
STATES: tuple[str, ...] = (DRAFT, OPEN, CLOSED, ARCHIVED)

# The only moves a period may make; each is audited.
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({OPEN}),
    OPEN: frozenset({CLOSED}),
    CLOSED: frozenset({OPEN, ARCHIVED}),
    ARCHIVED: frozenset(),
}

TIME_ZONE = "Asia/Ho_Chi_Minh"


class ReportingPeriod(ReferenceTable, Base):
    __tablename__ = "reporting_period"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    owner_tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(String(80), unique=True)
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def can_move_to(self, state: str) -> bool:
        return state in TRANSITIONS[self.state]

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.key} {self.state}>"
