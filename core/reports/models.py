"""Submission, its sections, comments, evidence and deadline extensions: all tenant-owned.

Every table keys on ``(tenant_id, id)`` and refers to its submission through
``(tenant_id, submission_id)``, so a row can never point into another tenant.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantScoped
from core.db.types import UTCDateTime, utcnow

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"
STATUSES: tuple[str, ...] = (DRAFT, SUBMITTED, RETURNED, APPROVED)
EDITABLE: frozenset[str] = frozenset({DRAFT, RETURNED})


def _submission_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "submission_id"], ["submission.tenant_id", "submission.id"],
        ondelete="CASCADE", name=f"fk_{table}_submission",
    )


class Submission(TenantScoped, Base):
    """One unit's report for one period."""

    __tablename__ = "submission"

    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # Every change is a compare-and-set on this number (``operations.claim``): a change names the
    # version it read, and a stale one answers 409 with the version now stored.
    version: Mapped[int] = mapped_column(default=1)
    self_score: Mapped[float | None]
    review_score: Mapped[float | None]
    classification: Mapped[str | None] = mapped_column(String(80))
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    late: Mapped[bool] = mapped_column(default=False)
    explanation_required: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    returned_reason: Mapped[str] = mapped_column(Text, default="")
    # What the last computation read of the units below (``core.reports.hierarchy``): child tenant
    # id → {"status", "outcomes", "values"} of each reported child; None when no criteria set of
    # the report looked at its children.
    children_basis: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id", "period_id", name="uq_submission_tenant_period"),)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def provisional(self) -> bool:
        """Scores and classification stay provisional until the report is approved."""
        return self.status != APPROVED


class Section(TenantScoped, Base):
    """The values of one criteria set, pinned to the set's (key, version)."""

    __tablename__ = "submission_section"

    submission_id: Mapped[uuid.UUID] = mapped_column(index=True)
    set_key: Mapped[str] = mapped_column(String(120))
    set_version: Mapped[int]
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    self_score: Mapped[float | None]
    # field → {"score": points the reviewer awards, "note": why}
    review: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    review_score: Mapped[float | None]
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        _submission_fk("submission_section"),
        UniqueConstraint("tenant_id", "submission_id", "set_key", name="uq_submission_section_set"),
    )


@dataclass(frozen=True, slots=True)
class StoredSection:
    """A section as a read of the report uses it: :class:`Section`'s attributes, read-only and
    never in a session (so nothing of it is ever written). Made plain, not as a transient
    ``Section``: setting a mapped object's ten attributes fires ten change events, and a read
    makes one per set."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    submission_id: uuid.UUID
    set_key: str
    set_version: int
    values: dict[str, Any]
    self_score: float | None
    review: dict[str, Any]
    review_score: float | None
    outcomes: dict[str, Any]


class ChildChange(TenantScoped, Base):
    """A unit below changed its result after this report's computation used it: which unit, and
    what changed from what the computation read to what it is now. Removed when the report is
    computed again, or when the unit's result returns to what was used."""

    __tablename__ = "submission_child_change"

    submission_id: Mapped[uuid.UUID] = mapped_column(index=True)
    child_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    # [{"what": "status" | "outcome" | "values" | "reported", "key": …, "from": …, "to": …}]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        _submission_fk("submission_child_change"),
        UniqueConstraint("tenant_id", "submission_id", "child_tenant_id",
                         name="uq_submission_child_change_child"),
    )


class Comment(TenantScoped, Base):
    """A remark on a report or on one criterion (``criterion`` = ``"<set key>.<field>"``)."""

    __tablename__ = "submission_comment"

    submission_id: Mapped[uuid.UUID] = mapped_column(index=True)
    criterion: Mapped[str | None] = mapped_column(String(200))
    # comment | return | explanation | approve | reopen
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    author_tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (_submission_fk("submission_comment"),)


class Evidence(TenantScoped, Base):
    """A file attached to a report or one criterion, stored under tenant and content hash."""

    __tablename__ = "evidence"

    submission_id: Mapped[uuid.UUID] = mapped_column(index=True)
    criterion: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (_submission_fk("evidence"),)


EXTENSION_REQUESTED = "requested"
EXTENSION_GRANTED = "granted"
EXTENSION_REFUSED = "refused"


class Extension(TenantScoped, Base):
    """A unit's request to report after the period closes, and the admin's decision."""

    __tablename__ = "deadline_extension"

    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=EXTENSION_REQUESTED)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# One request waits at a time per unit and period, even when two arrive at the same instant.
_PENDING = Extension.status == EXTENSION_REQUESTED
Index("uq_deadline_extension_pending", Extension.tenant_id, Extension.period_id, unique=True,
      sqlite_where=_PENDING, postgresql_where=_PENDING)
