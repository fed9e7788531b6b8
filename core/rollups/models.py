"""Rollup tables: a period's figures per subtree, kept current by every move of a report.

* :class:`Rollup` — one row per (period, tenant, kind of unit): the figures of every unit of
  that kind in the tenant's subtree (the tenant itself included). A dashboard reads the row of
  its scope and the rows of the units directly below it, never the reports themselves.
* :class:`RollupSource` — one row per (period, reporting unit): what that unit's report adds to
  the rollups of the unit and every ancestor. A change applies the difference between the new
  contribution and this one, so an update costs one row per level of the tree and a repeated
  update adds nothing twice.
* :class:`SubtreeCount` — one row per (tenant, kind): how many active units of that kind the
  subtree holds. With the kinds a period enables, that is the number of reports it expects.

All three are tenant-owned (``tenant_id`` is the tenant whose subtree the row describes), so a
reader sees only the rows of tenants it may see: a commune never reads a sibling's figures.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantScoped
from core.db.types import UTCDateTime, utcnow

# Binary JSON on PostgreSQL: a dashboard picks single keys out of large rows, which plain JSON
# would parse whole for each key.
COUNTERS_JSON = JSON().with_variant(JSONB(), "postgresql")

# Status counters kept as columns (the other figures live in ``figures``).
COUNTERS: tuple[str, ...] = ("started", "drafts", "submitted", "returned", "approved", "late")


class Rollup(TenantScoped, Base):
    """The figures of the units of one kind in a tenant's subtree, in one period.

    Columns count reports by status: ``started`` (any report), ``drafts``, ``submitted``
    (awaiting review), ``returned``, ``approved``, and ``late`` (submitted or approved after the
    unit's deadline). ``figures`` holds scores, classifications and standards, ``aggregates``
    the criteria sets' aggregates, both as flat ``"<level>|<what>|…"`` keys (see
    :mod:`core.rollups.contribution`): level ``p`` counts every submitted or approved report
    (provisional), level ``f`` only approved ones (final). The aggregates are kept apart because
    they are many: a dashboard reads them for its scope and picks single keys for the units
    below.
    """

    __tablename__ = "rollup"

    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    unit_kind: Mapped[str] = mapped_column(String(40))
    started: Mapped[int] = mapped_column(default=0)
    drafts: Mapped[int] = mapped_column(default=0)
    submitted: Mapped[int] = mapped_column(default=0)
    returned: Mapped[int] = mapped_column(default=0)
    approved: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    figures: Mapped[dict[str, Any]] = mapped_column(COUNTERS_JSON, default=dict)
    aggregates: Mapped[dict[str, Any]] = mapped_column(COUNTERS_JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("tenant_id", "period_id", "unit_kind", name="uq_rollup_tenant_period_kind"),
    )


class RollupSource(TenantScoped, Base):
    """What one unit's report in one period adds to the rollups above it: ``counters`` holds the
    status counters and figures, ``aggregates`` the aggregates, in the same flat form."""

    __tablename__ = "rollup_source"

    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    unit_kind: Mapped[str] = mapped_column(String(40))
    counters: Mapped[dict[str, Any]] = mapped_column(COUNTERS_JSON, default=dict)
    aggregates: Mapped[dict[str, Any]] = mapped_column(COUNTERS_JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id", "period_id", name="uq_rollup_source_tenant_period"),)


class SubtreeCount(TenantScoped, Base):
    """How many active units of ``unit_kind`` the tenant's subtree holds (itself included)."""

    __tablename__ = "subtree_count"

    unit_kind: Mapped[str] = mapped_column(String(40))
    units: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("tenant_id", "unit_kind", name="uq_subtree_count_tenant_kind"),)
