"""Exports and the narrative an admin writes into a report.

* :class:`Export` — one file asked for: which report of which period and scope, in which format,
  who asked, the job that makes it (its state is the job's), the progress the job reports, the
  snapshot it was made from and where the file is kept until ``expires_at``. A global table like
  the job: access is checked against the scope on every read (the starter, or anyone who may read
  the scope).
* :class:`Narrative` — the text of the "assessment" section of a report, one per (period, scope,
  report); tenant-owned by the scope, and every change audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, GlobalTable, TenantScoped, new_id
from core.db.types import UTCDateTime, utcnow

REPORTS: tuple[str, ...] = ("unit", "subtree", "city", "raw", "matrix")
FORMATS: dict[str, tuple[str, ...]] = {
    "unit": ("xlsx", "pdf"),
    "subtree": ("xlsx", "pdf"),
    "city": ("xlsx", "pdf"),
    "raw": ("csv",),
    "matrix": ("xlsx",),
}
# Reports with a narrative section an admin may write before exporting.
NARRATED: tuple[str, ...] = ("unit", "subtree", "city")


class Export(GlobalTable, Base):
    __tablename__ = "report_export"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), unique=True)
    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    # The scope: the unit of a unit's report, the root of a subtree's, the city.
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    report: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # 0–100, written by the job as it goes (at least every 5 points).
    progress: Mapped[int] = mapped_column(default=0)
    snapshot_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("period_snapshot.id", ondelete="SET NULL")
    )
    snapshot_version: Mapped[int | None] = mapped_column()
    file_name: Mapped[str] = mapped_column(String(255), default="")
    # The stored file's name under the export folder (never a path from input).
    stored_as: Mapped[str] = mapped_column(String(80), default="")
    size: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Narrative(TenantScoped, Base):
    __tablename__ = "report_narrative"

    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    report: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("tenant_id", "period_id", "report", name="uq_report_narrative_tenant_period_report"),
    )
