"""Putting a job on the queue.

The row is added to the caller's session; nothing runs unless the caller commits. With Redis, a
job due now is handed to rq right after that commit (a listener on the session class); a job
due later, or one rq could not take, is handed over by the scheduler when due. Without Redis
the worker loop runs due rows itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from core.db.engine import ScopedSession, session
from core.db.types import utcnow
from core.jobs import registry, rq_queue
from core.jobs.models import QUEUED, WAITING, Job
from core.jobs.settings import JobSettings

PENDING_KEY = "jobs_to_dispatch"


def jsonable(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Ids become strings; anything else must already be a JSON primitive."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif not (value is None or isinstance(value, str | int | float | bool | list | dict)):
            raise TypeError(f"job argument {key!r} must be an id or a JSON value, not {type(value).__name__}")
        out[key] = value
    return out


def _tenant_of(kwargs: dict[str, Any]) -> uuid.UUID | None:
    value = kwargs.get("tenant_id")
    return uuid.UUID(str(value)) if value else None


def submit(
    db: Session,
    name: str,
    kwargs: dict[str, Any],
    *,
    redis_url: str | None = None,
    run_at: datetime | None = None,
    actor_id: uuid.UUID | None = None,
    unique_key: str | None = None,
    max_attempts: int | None = None,
    now: datetime | None = None,
) -> Job:
    """Add a job row to ``db``; a ``tenant_id`` argument is the tenant whose context it runs in."""
    task = registry.get(name)
    now = now or utcnow()
    job = Job(
        name=name, kwargs=jsonable(kwargs), tenant_id=_tenant_of(kwargs), created_by_id=actor_id,
        unique_key=unique_key, status=QUEUED, attempts=0, run_at=run_at or now,
        max_attempts=max_attempts or task.max_attempts or JobSettings.of(current_app).max_attempts,
    )
    db.add(job)
    db.flush()
    if redis_url and job.run_at <= now:
        db.info.setdefault(PENDING_KEY, []).append((redis_url, job.id))
    return job


def _caller_id() -> uuid.UUID | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def enqueue(name: str, **kwargs: Any) -> Job:
    """Run task ``name`` with ``kwargs`` as soon as a worker can, once the request commits."""
    return enqueue_at(name, None, **kwargs)


def enqueue_in(name: str, delay: timedelta, **kwargs: Any) -> Job:
    return enqueue_at(name, utcnow() + delay, **kwargs)


def enqueue_at(name: str, run_at: datetime | None, **kwargs: Any) -> Job:
    settings = JobSettings.of(current_app)
    return submit(session(), name, kwargs, redis_url=settings.redis_url, run_at=run_at,
                  actor_id=_caller_id())


def hand_to_rq(db_bind, redis_url: str, job_id: uuid.UUID, now: datetime | None = None) -> bool:
    """Mark a due job as handed over and put it on the rq queue; undo the mark when Redis
    refuses, so that the scheduler tries again."""
    now = now or utcnow()
    table = Job.__table__
    with db_bind.begin() as connection:
        claimed = connection.execute(
            update(table)
            .where(table.c.id == job_id, table.c.status.in_(WAITING), table.c.dispatched_at.is_(None),
                   table.c.run_at <= now)
            .values(status=QUEUED, dispatched_at=now)
        ).rowcount
        if not claimed:
            return False
        row = connection.execute(table.select().where(table.c.id == job_id)).one()
    try:
        rq_queue.push(redis_url, row.id, row.attempts, registry.get(row.name).timeout)
    except Exception:
        with db_bind.begin() as connection:
            connection.execute(update(table).where(table.c.id == job_id).values(dispatched_at=None))
        raise
    return True


@event.listens_for(ScopedSession, "after_commit")
def _dispatch_after_commit(db: Session) -> None:
    pending = db.info.pop(PENDING_KEY, None)
    for redis_url, job_id in pending or ():
        try:
            hand_to_rq(db.get_bind(), redis_url, job_id)
        except Exception:  # noqa: BLE001 - Redis down: the scheduler hands it over later
            continue


@event.listens_for(ScopedSession, "after_rollback")
def _forget_after_rollback(db: Session) -> None:
    db.info.pop(PENDING_KEY, None)
