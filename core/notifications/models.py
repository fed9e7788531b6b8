"""Notification (an in-app notice to one user in one tenant) and OutboxMessage (an e-mail)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, GlobalTable, TenantScoped, new_id
from core.db.types import UTCDateTime, utcnow


class Notification(TenantScoped, Base):
    __tablename__ = "notification"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # The notice as message codes and values (core.notifications.messages): each reader reads it
    # in the page's language; title and body keep the Vietnamese text for mail and older readers.
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Reminders and other repeated notices name what they are about, so they are sent once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


OUTBOX_PENDING = "pending"
OUTBOX_SENT = "sent"
OUTBOX_RECORDED = "recorded"  # no SMTP configured: kept here, readable by admins
OUTBOX_FAILED = "failed"


class OutboxMessage(GlobalTable, Base):
    __tablename__ = "outbox_message"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OUTBOX_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
