"""Draining the outbox: each pending message is sent over SMTP when it is configured, or kept
as "recorded" for the admins when it is not.

Sending is claimed first (``pending`` → ``sending``, a compare-and-set committed before the
SMTP call), so a message is never sent twice: not by two workers, not by a re-delivered job. A
failed attempt puts it back to ``pending`` with the error and the count, until the last
attempt marks it ``failed``. A message left in ``sending`` by a dead worker is marked failed,
not resent, since it may have gone out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.types import utcnow
from core.jobs.registry import JobContext, task
from core.jobs.settings import setting
from core.notifications.models import (
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_RECORDED,
    OUTBOX_SENT,
    OutboxMessage,
)
from core.notifications.sender import Connection, SmtpSettings

OUTBOX_SENDING = "sending"
STUCK_AFTER = timedelta(minutes=30)


@dataclass
class OutboxRun:
    sent: int = 0
    recorded: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "recorded": self.recorded, "retried": self.retried, "failed": self.failed}


def max_attempts(app: Flask) -> int:
    return int(setting(app, "THIDUA_OUTBOX_MAX_ATTEMPTS", 5))


def with_base_url(body: str, base_url: str | None) -> str:
    """Links in notices are the app's own paths; in an e-mail they need the site's address."""
    if not base_url:
        return body
    base = base_url.rstrip("/")
    return "\n".join(base + line if line.startswith("/") and not line.startswith("//") else line
                     for line in body.split("\n"))


def _pending_ids(db: Session, limit: int) -> list[uuid.UUID]:
    return list(db.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == OUTBOX_PENDING)
        .order_by(OutboxMessage.created_at).limit(limit)
    ))


def _claim(db: Session, message_id: uuid.UUID, now: datetime) -> bool:
    claimed = db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OUTBOX_PENDING)
        .values(status=OUTBOX_SENDING, attempts=OutboxMessage.attempts + 1, sent_at=now)
    ).rowcount
    db.commit()
    return bool(claimed)


def record_all(db: Session, limit: int = 500) -> int:
    """No SMTP: every pending message is kept as recorded."""
    done = db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(_pending_ids(db, limit)), OutboxMessage.status == OUTBOX_PENDING)
        .values(status=OUTBOX_RECORDED)
    ).rowcount
    db.commit()
    return done or 0


def fail_stuck(db: Session, now: datetime) -> int:
    # sent_at holds the claim time while a message is being sent.
    stuck = db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OUTBOX_SENDING, OutboxMessage.sent_at < now - STUCK_AFTER)
        .values(status=OUTBOX_FAILED, sent_at=None,
                error="interrupted while sending; not resent, it may have been delivered")
    ).rowcount
    db.commit()
    return stuck or 0


def send_pending(db: Session, smtp: SmtpSettings | None, *, attempts_allowed: int = 5,
                 now: datetime | None = None, limit: int = 200, base_url: str | None = None) -> OutboxRun:
    """Send (or record) up to ``limit`` pending messages; commits after each one."""
    now = now or utcnow()
    run = OutboxRun()
    fail_stuck(db, now)
    if smtp is None:
        run.recorded = record_all(db, limit)
        return run
    ids = _pending_ids(db, limit)
    if not ids:
        return run
    try:
        connection = Connection(smtp).__enter__()
    except Exception as error:  # noqa: BLE001 - the server is down: one try each
        for message_id in ids:
            if _claim(db, message_id, now):
                _failed_attempt(db, message_id, error, attempts_allowed, run)
        return run
    try:
        for message_id in ids:
            if not _claim(db, message_id, now):
                continue  # another worker took it
            message = db.get(OutboxMessage, message_id)
            try:
                connection.send(message.to_address, message.subject, with_base_url(message.body, base_url))
            except Exception as error:  # noqa: BLE001 - recorded on the message
                _failed_attempt(db, message_id, error, attempts_allowed, run)
                continue
            message.status, message.sent_at, message.error = OUTBOX_SENT, utcnow(), ""
            db.commit()
            run.sent += 1
    finally:
        connection.__exit__(None, None, None)
    return run


def _failed_attempt(db: Session, message_id: uuid.UUID, error: BaseException, attempts_allowed: int,
                    run: OutboxRun) -> None:
    message = db.get(OutboxMessage, message_id)
    db.refresh(message)
    message.error = f"{type(error).__name__}: {error}"[:2000]
    message.sent_at = None
    if message.attempts >= attempts_allowed:
        message.status = OUTBOX_FAILED
        run.failed += 1
    else:
        message.status = OUTBOX_PENDING
        run.retried += 1
    run.errors.append(message.error)
    db.commit()


@task("notifications.send_outbox", max_attempts=1)
def send_outbox(ctx: JobContext) -> dict[str, Any]:
    """Periodic (every minute while mail waits); each message keeps its own attempts, so the job
    itself is not retried."""
    app = ctx.app
    run = send_pending(ctx.db, SmtpSettings.of(app), attempts_allowed=max_attempts(app), now=ctx.now,
                       base_url=setting(app, "THIDUA_BASE_URL"))
    return run.as_dict()
