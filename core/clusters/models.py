"""Clusters (cụm / khối thi đua): groups of units that cut across the tree, for ranking.

A cluster belongs to the unit whose admin defined it (``tenant_id``, e.g. the city) and holds
units of that unit's subtree only. ``kind`` says what binds its members: ``cum`` (cụm thi đua,
units of one area, e.g. the communes around the old districts) or ``khoi`` (khối thi đua, units
of one sector, e.g. the city's departments).

:class:`ClusterResult` is the ranking frozen when a period closes: the "leader" rule compares
each unit with the best of its cluster, so its points are final only once every report is in.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantScoped
from core.db.types import NAME_KEY_TYPE, UTCDateTime, utcnow

CUM = "cum"
KHOI = "khoi"
KINDS: tuple[str, ...] = (CUM, KHOI)


def _cluster_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "cluster_id"], ["cluster.tenant_id", "cluster.id"],
        ondelete="CASCADE", name=f"fk_{table}_cluster",
    )


class Cluster(TenantScoped, Base):
    """A named group of units; ``tenant_id`` is the unit that owns it."""

    __tablename__ = "cluster"

    # Unique per owning unit (uq_cluster_tenant_slug): a slug taken elsewhere is free here.
    slug: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(NAME_KEY_TYPE, default="")
    kind: Mapped[str] = mapped_column(String(20), default=CUM)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id", "slug", name="uq_cluster_tenant_slug"),)


class ClusterMember(TenantScoped, Base):
    """One unit of a cluster (``tenant_id`` is the cluster's owner, ``member_id`` the unit)."""

    __tablename__ = "cluster_member"

    cluster_id: Mapped[uuid.UUID] = mapped_column(index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)

    __table_args__ = (
        _cluster_fk("cluster_member"),
        UniqueConstraint("tenant_id", "cluster_id", "member_id", name="uq_cluster_member_unit"),
    )


class ClusterResult(TenantScoped, Base):
    """A unit's place in its cluster for one period, frozen when the period closed.

    ``score`` is the unit's final score with the leader rule applied within the cluster;
    ``rank`` follows it (equal scores share a rank); ``details`` keeps each leader-rule
    criterion's actual value, target, ratio and points.
    """

    __tablename__ = "cluster_result"

    cluster_id: Mapped[uuid.UUID] = mapped_column(index=True)
    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    score: Mapped[float | None]
    rank: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        _cluster_fk("cluster_result"),
        UniqueConstraint("tenant_id", "cluster_id", "period_id", "member_id", name="uq_cluster_result_unit"),
    )
