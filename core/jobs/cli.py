"""``thidua worker`` and ``thidua jobs``: run, inspect and trigger background jobs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core.db.engine import database
from core.jobs import executor, scheduler, worker
from core.jobs.models import FINISHED, STATUSES, Job
from core.jobs.settings import JobSettings


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-12-01T08:00+07:00", param_hint="--now")
    return moment.astimezone(UTC)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when nothing is left to run.")
@click.option("--interval", type=float, default=None, help="Seconds between scheduler passes.")
@with_appcontext
def worker_command(burst: bool, interval: float | None) -> None:
    """Run background jobs: rq workers when REDIS_URL is set, the embedded loop otherwise."""
    app = current_app._get_current_object()
    if JobSettings.of(app).redis_url:
        click.echo("Worker: rq on Redis (queue thidua).")
        worker.run_rq(app, burst=burst, poll=interval)
    else:
        click.echo("Worker: embedded (no REDIS_URL); running due jobs from the database.")
        ran = worker.run_embedded(app, burst=burst, poll=interval)
        click.echo(f"{ran} job(s) run.")


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: list them, run what is due, send mail, send reminders."""


@jobs_group.command("run-due")
@click.option("--now", "now_text", default=None, help="Act as if it were this moment (ISO, with offset).")
@with_appcontext
def run_due_command(now_text: str | None) -> None:
    """One scheduler pass: add periodic jobs, then run (or hand to rq) every due job."""
    result = scheduler.tick(current_app._get_current_object(), _moment(now_text))
    click.echo(f"scheduled {result.scheduled}, ran {result.ran} ({result.failed} failed), "
               f"handed to rq {result.handed_to_rq}, recovered {result.recovered}")


@jobs_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--limit", type=int, default=20, show_default=True)
@with_appcontext
def list_command(status: str | None, limit: int) -> None:
    """The latest jobs, newest first."""
    db = database().new_session()
    try:
        query = select(Job).order_by(Job.created_at.desc()).limit(limit)
        if status:
            query = query.where(Job.status == status)
        for job in db.scalars(query):
            error = job.error.strip().splitlines()[-1] if job.error.strip() else ""
            click.echo(f"{job.id}  {job.name:<32} {job.status:<9} {job.attempts}/{job.max_attempts}  "
                       f"{job.run_at:%Y-%m-%d %H:%M}Z  {error}".rstrip())
    finally:
        db.close()


def _run(name: str, kwargs: dict) -> Job:
    job = scheduler.run_now(current_app._get_current_object(), name, kwargs)
    if job is None:
        raise click.ClickException("the job could not be started")
    click.echo(f"{job.name}: {job.status} {job.result}")
    if job.status != FINISHED:
        raise click.ClickException(job.error.strip().splitlines()[-1] if job.error.strip() else job.status)
    return job


@jobs_group.command("send-outbox")
@with_appcontext
def send_outbox_command() -> None:
    """Send pending e-mail now (or record it when no SMTP server is configured)."""
    _run("notifications.send_outbox", {})


@jobs_group.command("remind")
@click.option("--now", "now_text", default=None, help="Act as if it were this moment (ISO, with offset).")
@with_appcontext
def remind_command(now_text: str | None) -> None:
    """Queue the deadline reminders due now, then run them."""
    now = _moment(now_text)
    job = _run("notifications.remind", {"now": now.isoformat() if now else None})
    # The per-period jobs it queued run here too, so the command's output shows the counts.
    for child_id in job.result.get("jobs", []):
        app, job_id = current_app._get_current_object(), uuid.UUID(child_id)
        # With Redis it was already handed to rq: running it here first is safe, the claim
        # makes rq's delivery a no-op.
        try:
            child = executor.execute(app, job_id) or executor.execute(app, job_id, dispatched=True)
        except executor.JobFailed as error:
            raise click.ClickException(str(error).strip().splitlines()[-1]) from None
        if child is not None:
            click.echo(f"{child.name} {child.kwargs.get('period_id')}: {child.status} {child.result}")
