"""Tables of the plugin host: the criteria sets a period enables, per tenant kind."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, ReferenceTable, new_id
from core.db.types import UTCDateTime, utcnow


class PeriodCriteriaSet(ReferenceTable, Base):
    """One criteria set enabled in a period for some tenant kinds.

    A reference table: every tenant reads which sets its period asks for. The set's version is
    pinned when it is enabled, so a later plugin upgrade does not change an open period's form.
    """

    __tablename__ = "period_criteria_set"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)
    tenant_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    weight: Mapped[float] = mapped_column(default=1.0)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("period_id", "key", name="uq_period_criteria_set_period_key"),)

    def applies_to_kind(self, kind: str) -> bool:
        return kind in (self.tenant_kinds or [])

    def __repr__(self) -> str:
        return f"<PeriodCriteriaSet {self.key} v{self.version} {self.tenant_kinds}>"


@dataclass(frozen=True)
class PeriodSetRow:
    """A :class:`PeriodCriteriaSet` as a reader sees it, read as plain columns: what a report's
    read takes along with its unit and period (building ORM objects for a period's twenty sets
    cost a report read more than its SQL did). Never written back."""

    id: uuid.UUID
    period_id: uuid.UUID
    key: str
    version: int
    tenant_kinds: list[str]
    weight: float
    position: int

    @staticmethod
    def columns() -> tuple[Any, ...]:
        """The columns to select, in the order of the fields."""
        c = PeriodCriteriaSet
        return (c.id, c.period_id, c.key, c.version, c.tenant_kinds, c.weight, c.position)

    @classmethod
    def of(cls, row: PeriodCriteriaSet) -> PeriodSetRow:
        """The plain row of a stored set."""
        return cls(row.id, row.period_id, row.key, row.version, row.tenant_kinds, row.weight, row.position)

    def applies_to_kind(self, kind: str) -> bool:
        return kind in (self.tenant_kinds or [])
