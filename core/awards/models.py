"""Commendations (khen thưởng): award types, nomination dossiers and their nominees.

* :class:`AwardType` is reference data read by every unit: each form of commendation the movement
  ends in (Luật Thi đua, khen thưởng 06/2022/QH15, Art. 9: Huân chương, Bằng khen, Giấy khen; Cờ
  thi đua, Art. 25–26), with its granting authority, the kind of round it is given in (annual, or
  the five-year summary), the kinds of unit that may propose it, its eligibility requirements and
  its quotas. Migration 0017 seeds the movement's types; rows are data, not code.
* :class:`Dossier` (hồ sơ đề nghị khen thưởng) is owned by the proposing unit, one per unit and
  period (the round). It moves draft → proposed → vetted (Công an TP) → appraised (Sở Nội vụ,
  Ban Thi đua - Khen thưởng) → decided, or → forwarded to a higher authority → decided; a vetting
  or appraising unit may return it with a reason, and the unit proposes it again. Every move is a
  compare-and-set on ``version``.
* :class:`Nominee` is a collective (a unit of the proposer's subtree) or an individual (name,
  position, unit) proposed for one award type. ``subject_key`` names who is nominated; the pair
  (award type, subject) is unique within a period across every dossier, so the same unit or
  person cannot be proposed twice for the same award in the same round.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, ReferenceTable, TenantScoped, new_id
from core.db.types import UTCDateTime, utcnow

# Rounds: the award types given each year, and those given at the five-year summary (tổng kết).
ANNUAL = "annual"
FIVE_YEAR = "five_year"
ROUNDS: tuple[str, ...] = (ANNUAL, FIVE_YEAR)
# The period kinds that hold a round of commendations (core.periods.models.KINDS).
ROUND_OF_PERIOD_KIND: dict[str, str] = {"annual": ANNUAL, "summary": FIVE_YEAR}

COLLECTIVE = "collective"
INDIVIDUAL = "individual"
SUBJECTS: tuple[str, ...] = (COLLECTIVE, INDIVIDUAL)

# Who grants: the head of a unit or the commune's chairman, the City, the Government or the State.
# A dossier holding an award above the City is forwarded before it is decided.
LEVEL_UNIT = "unit"
LEVEL_CITY = "city"
LEVEL_GOVERNMENT = "government"
LEVEL_STATE = "state"
LEVELS: tuple[str, ...] = (LEVEL_UNIT, LEVEL_CITY, LEVEL_GOVERNMENT, LEVEL_STATE)
ABOVE_CITY: frozenset[str] = frozenset({LEVEL_GOVERNMENT, LEVEL_STATE})

DRAFT = "draft"
PROPOSED = "proposed"
VETTED = "vetted"
APPRAISED = "appraised"
FORWARDED = "forwarded"
DECIDED = "decided"
RETURNED = "returned"
STATUSES: tuple[str, ...] = (DRAFT, PROPOSED, VETTED, APPRAISED, FORWARDED, DECIDED, RETURNED)
# The proposing unit edits its dossier only before it is proposed, or once it came back.
EDITABLE: frozenset[str] = frozenset({DRAFT, RETURNED})


class AwardType(ReferenceTable, Base):
    """One form of commendation and how it is given.

    ``requires`` (eligibility hints, never a refusal): ``{"top_band": true}`` the collective's
    classification is the period's highest band; ``{"bands": ["Xuất sắc"]}`` one of these;
    ``{"standards": ["atantt"]}`` each standard passed ("An toàn về ANTT", TT 124/2021/TT-BCA);
    ``{"cluster_rank": 1}`` ranked at most this in its cluster (cụm, khối thi đua);
    ``{"years": 5}`` the classification and standard rules hold in each of that many consecutive
    years ending with the round's last year (:mod:`core.awards.eligibility`).
    ``quota`` (warnings before the dossier is proposed; no percentage cap was confirmed in a
    source, so every cap is configurable): ``max_collectives`` and ``max_individuals`` per
    dossier, ``max_share`` of the units in the proposer's subtree as collectives.
    """

    __tablename__ = "award_type"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    form: Mapped[str] = mapped_column(String(40))
    authority: Mapped[str] = mapped_column(String(255))
    authority_en: Mapped[str] = mapped_column(String(255), default="")
    level: Mapped[str] = mapped_column(String(20))
    round_kind: Mapped[str] = mapped_column(String(20))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    proposer_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The kinds of unit whose head grants it (a ward's chairman, a department's director): the
    # proposer's nearest unit of these kinds, itself included, is the issuing body. Empty:
    # ``authority`` names the one body that grants it.
    issuer_kinds: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    requires: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quota: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Dossier(TenantScoped, Base):
    """A unit's nomination dossier for one period; ``tenant_id`` is the proposing unit."""

    __tablename__ = "award_dossier"

    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    version: Mapped[int] = mapped_column(default=0)
    justification: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    returned_from: Mapped[str | None] = mapped_column(String(20))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_number: Mapped[str | None] = mapped_column(String(80))
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_authority: Mapped[str | None] = mapped_column(String(255))
    forwarded_to: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id", "period_id", name="uq_award_dossier_tenant_period"),)


class Nominee(TenantScoped, Base):
    """A collective or an individual proposed in a dossier for one award type."""

    __tablename__ = "award_nominee"

    dossier_id: Mapped[uuid.UUID] = mapped_column(index=True)
    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    award_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award_type.id", ondelete="RESTRICT"))
    subject: Mapped[str] = mapped_column(String(20))
    # The collective itself, or the individual's unit.
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(String(255), default="")
    person_position: Mapped[str] = mapped_column(String(255), default="")
    # Accent-free name for the registry's search ("Nguyễn Văn Đức" → "nguyen van duc").
    person_search: Mapped[str] = mapped_column(String(255), default="", index=True)
    # "unit:<id>" or "person:<unit id>:<accent-free name>": who is nominated, whoever proposes.
    subject_key: Mapped[str] = mapped_column(String(400))
    note: Mapped[str] = mapped_column(Text, default="")
    # An individual's achievement record (thành tích) copied from the individuals criteria set
    # of their unit's report when proposed: ``{"set_key", "set_version", "full_name", "position",
    # "category", "score"}``; None when none was attached.
    achievement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["award_dossier.tenant_id", "award_dossier.id"],
                             ondelete="CASCADE", name="fk_award_nominee_dossier"),
        UniqueConstraint("period_id", "award_type_id", "subject_key", name="uq_award_nominee_subject"),
    )


# The papers a dossier carries besides its nominees (NĐ 98/2023/NĐ-CP, Art. 84–85: the cover memo
# — tờ trình — and the minutes of the emulation council's meeting — biên bản họp hội đồng).
MEMO = "memo"
MINUTES = "minutes"
ATTACHMENT_KINDS: tuple[str, ...] = (MEMO, MINUTES)


class Attachment(TenantScoped, Base):
    """A file of a dossier, its bytes in the evidence store (:class:`core.reports.evidence.Store`)
    under the proposing unit and the content's sha256; ``kind`` is ``memo`` or ``minutes``."""

    __tablename__ = "award_attachment"

    dossier_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["award_dossier.tenant_id", "award_dossier.id"],
                             ondelete="CASCADE", name="fk_award_attachment_dossier"),
    )
