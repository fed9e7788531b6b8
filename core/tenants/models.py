"""Tenant: a node of the tree, with a materialised path for subtree queries."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, ReferenceTable, new_id
from core.db.types import NAME_KEY_TYPE, UTCDateTime, utcnow


class Tenant(ReferenceTable, Base):
    """A reporting unit. ``path`` is ``/<root id>/…/<own id>/``: a subtree is a prefix match,
    so no recursive query is needed per request."""

    __tablename__ = "tenant"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Accent-free, lower-case name and code: what a search box matches against.
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)
    # The name's Vietnamese collation key (core.text.collation): lists sort by it in SQL.
    name_key: Mapped[str] = mapped_column(NAME_KEY_TYPE, default="", index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenant.id", ondelete="RESTRICT"), index=True
    )
    # "C" on PostgreSQL: a prefix LIKE (a subtree) then uses the index.
    path: Mapped[str] = mapped_column(
        String(2000).with_variant(String(2000, collation="C"), "postgresql"), index=True
    )
    depth: Mapped[int] = mapped_column(default=0)
    code: Mapped[str | None] = mapped_column(String(40), index=True)
    code_valid_from: Mapped[date | None] = mapped_column(Date)
    code_valid_to: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Tenant | None] = relationship(remote_side=[id], lazy="joined", innerjoin=False)

    __table_args__ = (Index("ix_tenant_kind_parent", "kind", "parent_id"),)

    def ancestor_ids(self) -> list[uuid.UUID]:
        """Ids from the root down to and including this tenant."""
        return [uuid.UUID(part) for part in self.path.strip("/").split("/") if part]

    def is_ancestor_or_self_of(self, other: Tenant) -> bool:
        return other.path.startswith(self.path)

    def code_valid_on(self, day: date) -> bool:
        if self.code is None:
            return False
        starts = self.code_valid_from is None or self.code_valid_from <= day
        ends = self.code_valid_to is None or day <= self.code_valid_to
        return starts and ends

    def lies_under(self, ancestor_id: uuid.UUID) -> bool:
        """Whether the unit ``ancestor_id`` is this unit or one above it, read from the
        materialised path (``/<root id>/…/<id>/``, one segment per unit): no query."""
        return f"/{ancestor_id}/" in self.path

    def __repr__(self) -> str:
        return f"<Tenant {self.slug} {self.kind}>"


def path_for(tenant_id: uuid.UUID, parent: Tenant | None) -> str:
    prefix = parent.path if parent is not None else "/"
    return f"{prefix}{tenant_id}/"
