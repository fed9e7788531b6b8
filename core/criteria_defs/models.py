"""Tables of the criteria sets owners define as data.

* :class:`CriteriaDefinition` — one table of criteria per (owner unit, key): its title, the unit
  kinds it applies to and its latest version.
* :class:`CriteriaDefinitionVersion` — one frozen version of the table: its rows in tree order.
  Versions are only ever inserted: a closed period keeps reading the version it used.
* :class:`CriteriaTarget` — a unit's own target (chỉ tiêu) for a ``Định lượng`` row of one
  version, in place of the row's target.

The definition also holds the table's reach beyond unit kinds (``unit_ids``: chosen units, or
``cluster_id``: the members of a cluster) and ``published``: the owner's consent that units
outside its line copy the table.

Both are tenant-owned (the owner's ``tenant_id``), behind row-level security; the units below the
owner fill the set through its ``set_key`` (looked up by the reviewed unscoped read of
:mod:`core.criteria_defs.operations`).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantScoped
from core.db.types import UTCDateTime, utcnow

NODES_JSON = JSON().with_variant(JSONB(), "postgresql")
SET_KEY = re.compile(r"^d[0-9a-f]{32}\.[a-z][a-z0-9_]{0,59}$")


def is_defined_key(key: Any) -> bool:
    """Whether ``key`` has the shape of a defined table's set key (``d<owner id hex>.<key>``)."""
    return isinstance(key, str) and SET_KEY.match(key) is not None


class CriteriaDefinition(TenantScoped, Base):
    """An owner's table of criteria. ``key`` is the owner's own name for it (unique per owner);
    ``set_key`` is the criteria-set key periods and reports use, unique everywhere."""

    __tablename__ = "criteria_definition"

    key: Mapped[str] = mapped_column(String(60))
    set_key: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    tenant_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    latest_version: Mapped[int] = mapped_column(default=1)
    # Chosen units (empty: every unit of the kinds) or a cluster's members (None: no cluster);
    # never both. Reach is who fills the table, not what it asks: it is not versioned.
    unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_criteria_definition_tenant_key"),)


class CriteriaDefinitionVersion(TenantScoped, Base):
    """One version of a table: its title and rows (:class:`core.criteria_defs.tree.Node` as
    dicts, in tree order) as they were imported."""

    __tablename__ = "criteria_definition_version"

    definition_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(255))
    tenant_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    nodes: Mapped[list[dict[str, Any]]] = mapped_column(NODES_JSON, default=list)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "definition_id"],
                             ["criteria_definition.tenant_id", "criteria_definition.id"],
                             ondelete="CASCADE",
                             name="fk_criteria_definition_version_definition"),
        UniqueConstraint("tenant_id", "definition_id", "version",
                         name="uq_criteria_definition_version_tenant_definition"),
    )


class CriteriaTarget(TenantScoped, Base):
    """A unit's target (chỉ tiêu) for the ``Định lượng`` leaf ``field`` of one version of a
    table; ``tenant_id`` is the table's owner (who sets it), ``unit_id`` the unit it is for."""

    __tablename__ = "criteria_target"

    definition_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(200))
    target: Mapped[float] = mapped_column()
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "definition_id"],
                             ["criteria_definition.tenant_id", "criteria_definition.id"],
                             ondelete="CASCADE", name="fk_criteria_target_definition"),
        UniqueConstraint("tenant_id", "definition_id", "version", "unit_id", "field",
                         name="uq_criteria_target_unit_field"),
    )
