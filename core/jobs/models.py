"""Job: one run of a task, whatever the backend; the schedule and the record of what happened."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, GlobalTable, new_id
from core.db.types import UTCDateTime, utcnow

QUEUED = "queued"  # ready to run
SCHEDULED = "scheduled"  # waits for run_at: a delayed job or a retry after a failure
STARTED = "started"
FINISHED = "finished"
FAILED = "failed"  # every attempt failed
STATUSES: tuple[str, ...] = (QUEUED, SCHEDULED, STARTED, FINISHED, FAILED)
WAITING: tuple[str, ...] = (QUEUED, SCHEDULED)


class Job(GlobalTable, Base):
    """A global table: a job names the tenant it works for, and sets that tenant's context
    itself when it runs."""

    __tablename__ = "job"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), index=True)
    # The task's arguments: ids and primitives only.
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenant.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Periodic runs and other jobs that must exist once carry a unique key.
    unique_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set when the job was handed to rq; a due job without it is handed over by the scheduler.
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def done(self) -> bool:
        return self.status in (FINISHED, FAILED)

    def __repr__(self) -> str:
        return f"<Job {self.name} {self.status} {self.attempts}/{self.max_attempts}>"
