"""Running one job: claim it, set the tenant context in a fresh session, run, record.

A claim is a compare-and-set on the row's status, so two workers (or rq delivering twice)
never run the same attempt; the task itself is still written to be idempotent.
"""

from __future__ import annotations

import traceback
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import update

from core.db import scoping
from core.db.engine import database
from core.db.scoping import TenantContext
from core.db.types import utcnow
from core.jobs import backends, registry
from core.jobs.models import FAILED, FINISHED, QUEUED, SCHEDULED, STARTED, WAITING, Job
from core.jobs.settings import JobSettings
from core.tenants.models import Tenant

ERROR_LIMIT = 4000


class JobFailed(RuntimeError):
    """Raised to rq after the last attempt, so that rq's failed registry keeps it too."""


def error_summary(error: BaseException) -> str:
    """The exception and the innermost frames: enough to find the cause, bounded in size."""
    text = "".join(traceback.format_exception(error, limit=-5))
    return text[-ERROR_LIMIT:]


def context_for(db, tenant_id: uuid.UUID | None) -> TenantContext:
    """A job for a tenant reads and writes that tenant and the units below it; a job for no
    tenant is the platform's own (system context)."""
    if tenant_id is None:
        return TenantContext.system_context()
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"tenant {tenant_id} no longer exists")
    return TenantContext.for_grants(read_paths=[tenant.path], write_paths=[tenant.path])


def _claim(app: Flask, job_id: uuid.UUID, now: datetime, dispatched: bool) -> bool:
    table = Job.__table__
    condition = [table.c.id == job_id]
    if dispatched:
        condition += [table.c.status == QUEUED, table.c.dispatched_at.is_not(None)]
    else:
        condition += [table.c.status.in_(WAITING), table.c.dispatched_at.is_(None), table.c.run_at <= now]
    with database(app).engine.begin() as connection:
        return bool(connection.execute(
            update(table).where(*condition)
            .values(status=STARTED, attempts=table.c.attempts + 1, started_at=now)
        ).rowcount)


def execute(app: Flask, job_id: uuid.UUID, *, now: datetime | None = None,
            dispatched: bool = False) -> Job | None:
    """Run job ``job_id`` if it can be claimed; return its row afterwards, or ``None`` when
    someone else has it or it is done (a repeated delivery).

    ``now`` is the moment the job acts at, from :mod:`core.clock` by default. A caller that
    names a moment (``thidua jobs run-due --now``, a scheduler pass at a given time) has the
    job finish at that moment too, so a retry's ``run_at`` counts from it and never from the
    wall clock; otherwise the clock is read again when the job ends."""
    acting_at = now
    now = now or utcnow()
    if not _claim(app, job_id, now, dispatched):
        return None
    control = database(app).new_session()
    work = database(app).new_session()
    stack = ExitStack()
    try:
        job = control.get(Job, job_id)
        control.commit()
        error: BaseException | None = None
        result = None
        try:
            task = registry.get(job.name)
            stack.enter_context(app.app_context())  # tasks translate messages, read config
            scoping.set_context(work, context_for(work, job.tenant_id))
            ctx = registry.JobContext(app=app, db=work, job_id=job.id, tenant_id=job.tenant_id,
                                      attempt=job.attempts, now=now, submit=backends.submit)
            result = task.fn(ctx, **job.kwargs)
            work.commit()
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
            work.rollback()
            error = exc
        finally:
            scoping.clear_context(work)
            stack.close()
        _record(control, job, app, error, result, acting_at or utcnow())
        control.commit()
        if error is not None and job.status == FAILED and dispatched:
            raise JobFailed(job.error) from error
        return job
    finally:
        work.close()
        control.close()


def _record(control, job: Job, app: Flask, error: BaseException | None, result,
            finished: datetime) -> None:
    if error is None:
        job.status = FINISHED
        job.finished_at = finished
        job.result = result if isinstance(result, dict) else {}
        return
    job.error = error_summary(error)
    if job.attempts < job.max_attempts:
        # Retried with backoff: the scheduler picks it up again when run_at comes.
        job.status = SCHEDULED
        job.dispatched_at = None
        job.run_at = finished + timedelta(seconds=JobSettings.of(app).delay_after(job.attempts))
    else:
        job.status = FAILED
        job.finished_at = finished


def perform(job_id: str) -> None:
    """The function rq runs (by name, with the JSON serializer): the worker pushed the app
    context."""
    execute(current_app._get_current_object(), uuid.UUID(job_id), dispatched=True)
