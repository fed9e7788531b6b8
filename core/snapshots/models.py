"""Snapshots: what a period's results were when it was closed.

* :class:`PeriodSnapshot` — one row per closing of a period (version 1, 2, … after each reopening
  and closing again); a reference table like the period itself, so that every unit the period
  covers can name the snapshot its report came from.
* :class:`SnapshotUnit` — one row per unit and snapshot: the report's status, score,
  classification, standards, lateness, the values of every criteria set and the unit's recorded
  contribution to the rollups.
* :class:`SnapshotRollup` — one row per (snapshot, tenant, kind of unit): the rollup's counters
  flattened into one mapping, with the census of that kind in the tenant's subtree at closing.

Rows are only ever inserted: reopening and closing again adds a new version beside the old.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, ReferenceTable, TenantScoped, new_id
from core.db.types import UTCDateTime, utcnow

FROZEN_JSON = JSON().with_variant(JSONB(), "postgresql")


class PeriodSnapshot(ReferenceTable, Base):
    """One frozen version of a period's results (``version`` counts from 1 per period)."""

    __tablename__ = "period_snapshot"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    # Why the period was reopened before this closing (empty for version 1).
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    units: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("period_id", "version", name="uq_period_snapshot_period_version"),)


class SnapshotUnit(TenantScoped, Base):
    """A unit's report as it stood when the period closed (``status`` None: no report)."""

    __tablename__ = "snapshot_unit"

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("period_snapshot.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    classification: Mapped[str | None] = mapped_column(String(80))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    outcomes: Mapped[dict[str, Any]] = mapped_column(FROZEN_JSON, default=dict)
    # Criteria set key → the values the report gave.
    values: Mapped[dict[str, Any]] = mapped_column(FROZEN_JSON, default=dict)
    # The unit's own contribution to the rollups (RollupSource.counters at closing).
    contribution: Mapped[dict[str, Any]] = mapped_column(FROZEN_JSON, default=dict)

    __table_args__ = (UniqueConstraint("tenant_id", "snapshot_id", name="uq_snapshot_unit_tenant_snapshot"),)


class SnapshotRollup(TenantScoped, Base):
    """A rollup row of the tenant's subtree at closing, with the census of its kind."""

    __tablename__ = "snapshot_rollup"

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("period_snapshot.id", ondelete="CASCADE"), index=True
    )
    unit_kind: Mapped[str] = mapped_column(String(40))
    units: Mapped[int] = mapped_column(default=0)
    counters: Mapped[dict[str, Any]] = mapped_column(FROZEN_JSON, default=dict)

    __table_args__ = (
        UniqueConstraint("tenant_id", "snapshot_id", "unit_kind",
                         name="uq_snapshot_rollup_tenant_snapshot_kind"),
    )
