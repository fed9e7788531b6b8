"""The schedule lives in the database: periodic jobs get one row per time slot (a unique key,
so two schedulers cannot both add it), delayed jobs and retries wait for ``run_at``, and
``tick`` hands due rows to rq or runs them here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.engine import database
from core.db.types import utcnow
from core.jobs import backends, executor
from core.jobs.models import FAILED, FINISHED, SCHEDULED, STARTED, WAITING, Job
from core.jobs.settings import JobSettings

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Skips a slot when there is nothing to do (no mail waiting), to keep the table small.
    needed: Callable[[Session], bool] | None = None

    def slot(self, now: datetime) -> datetime:
        step = int(self.every.total_seconds())
        elapsed = int((now - EPOCH).total_seconds())
        return EPOCH + timedelta(seconds=elapsed - elapsed % step)

    def key(self, now: datetime) -> str:
        return f"periodic:{self.name}:{self.slot(now).isoformat()}"


def _outbox_waiting(db: Session) -> bool:
    from core.notifications.models import OUTBOX_PENDING, OutboxMessage

    return bool(db.scalar(select(exists().where(OutboxMessage.status == OUTBOX_PENDING))))


PERIODIC: tuple[Periodic, ...] = (
    Periodic("notifications.remind", timedelta(hours=1)),
    Periodic("notifications.send_outbox", timedelta(minutes=1), needed=_outbox_waiting),
)


def schedule_periodic(db: Session, now: datetime, periodic: tuple[Periodic, ...] = PERIODIC) -> int:
    """Add this slot's row of every periodic job that has none yet; commits."""
    added = 0
    for item in periodic:
        key = item.key(now)
        if db.scalar(select(Job.id).where(Job.unique_key == key)) is not None:
            continue
        if item.needed is not None and not item.needed(db):
            continue
        try:
            with db.begin_nested():
                backends.submit(db, item.name, dict(item.kwargs), run_at=item.slot(now), unique_key=key,
                                now=now)
            added += 1
        except IntegrityError:
            continue  # another scheduler added it first
    db.commit()
    return added


def recover_stale(db: Session, now: datetime, stale_seconds: int) -> int:
    """Jobs whose worker died mid-run: retried when attempts are left, failed otherwise."""
    cutoff = now - timedelta(seconds=stale_seconds)
    stale = db.scalars(select(Job).where(Job.status == STARTED, Job.started_at < cutoff)).all()
    for job in stale:
        job.error = (job.error + "\n" if job.error else "") + "interrupted: the worker stopped mid-run"
        if job.attempts < job.max_attempts:
            job.status, job.run_at, job.dispatched_at = SCHEDULED, now, None
        else:
            job.status, job.finished_at = FAILED, now
    db.commit()
    return len(stale)


def forget_old(db: Session, now: datetime, keep_days: int) -> int:
    cutoff = now - timedelta(days=keep_days)
    removed = db.execute(
        delete(Job).where(Job.status.in_((FINISHED, FAILED)), Job.finished_at < cutoff)
    ).rowcount
    db.commit()
    return removed or 0


def due_ids(db: Session, now: datetime, limit: int = 100) -> list:
    return list(db.scalars(
        select(Job.id)
        .where(Job.status.in_(WAITING), Job.dispatched_at.is_(None), Job.run_at <= now)
        .order_by(Job.run_at, Job.created_at)
        .limit(limit)
    ))


@dataclass
class TickResult:
    scheduled: int = 0
    recovered: int = 0
    handed_to_rq: int = 0
    ran: int = 0
    failed: int = 0

    @property
    def worked(self) -> int:
        return self.scheduled + self.recovered + self.handed_to_rq + self.ran


def tick(app: Flask, now: datetime | None = None, periodic: tuple[Periodic, ...] = PERIODIC,
         run_limit: int = 100) -> TickResult:
    """One pass of the scheduler: add periodic rows, recover stale ones, then hand every due
    job to rq (with Redis) or run it here (embedded)."""
    with app.app_context():
        return _tick(app, now or utcnow(), periodic, run_limit)


def _tick(app: Flask, now: datetime, periodic: tuple[Periodic, ...], run_limit: int) -> TickResult:
    settings = JobSettings.of(app)
    result = TickResult()
    db = database(app).new_session()
    try:
        result.scheduled = schedule_periodic(db, now, periodic)
        result.recovered = recover_stale(db, now, settings.stale_seconds)
        forget_old(db, now, settings.keep_days)
        ids = due_ids(db, now, run_limit)
        db.commit()
    finally:
        db.close()
    for job_id in ids:
        if settings.redis_url:
            try:
                result.handed_to_rq += backends.hand_to_rq(database(app).engine, settings.redis_url,
                                                           job_id, now)
            except Exception:  # noqa: BLE001 - Redis unreachable: the row waits for the next tick
                break
            continue
        job = executor.execute(app, job_id, now=now)
        if job is not None:
            result.ran += 1
            result.failed += job.status != FINISHED
    return result


def run_now(app: Flask, name: str, kwargs: dict[str, Any], now: datetime | None = None) -> Job | None:
    """Record a job and run it in this process at once, whatever the backend (the CLI's
    ``thidua jobs remind`` and ``send-outbox``)."""
    now = now or utcnow()
    db = database(app).new_session()
    try:
        with app.app_context():
            job = backends.submit(db, name, kwargs, run_at=now, now=now)
        db.commit()
        job_id = job.id
    finally:
        db.close()
    return executor.execute(app, job_id, now=now)

