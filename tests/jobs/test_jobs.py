"""The job layer end to end: enqueue in the caller's transaction, run through rq (with
REDIS_URL) or in-process, tenant context per job, retries with backoff, failures recorded.

Every test runs on the injected clock (``frozen_clock``): the executor, the scheduler and rq's
worker all read it, so a retry lands exactly one backoff after the failure, however long the
attempt took in real time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import scoping
from core.db.engine import session
from core.jobs import enqueue, executor, scheduler
from core.jobs.backends import submit
from core.jobs.models import FAILED, FINISHED, QUEUED, SCHEDULED, STARTED, Job
from core.jobs.settings import JobSettings
from core.jobs.testing import drain
from core.notifications.models import Notification
from core.testing import REQUIRE_REDIS, skip_unless_required
from tests.jobs.conftest import CALLS, SEEN_SESSIONS, SIGNALS, START

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _job(db, job_id) -> Job:
    db.expire_all()
    return db.get(Job, job_id)


def _enqueue(app, name, **kwargs) -> Job:
    with app.test_request_context():
        job = enqueue(name, **kwargs)
        session().commit()
        return job


def test_enqueued_job_runs_once_in_its_tenant_context(app, db, world):
    school = world.tenant("school-a1")
    job = _enqueue(app, "tests.notice", tenant_id=school.id, user_id=world.user("a1_head").id,
                   title="xin chào")
    stored = _job(db, job.id)
    assert stored.status == QUEUED and stored.tenant_id == school.id
    assert stored.kwargs["tenant_id"] == str(school.id)  # ids travel as strings (JSON)

    drain(app)

    stored = _job(db, job.id)
    assert stored.status == FINISHED, stored.error
    assert stored.attempts == 1
    assert stored.result == {"system": False, "attempt": 1}
    assert db.scalar(select(func.count()).select_from(Notification).where(
        Notification.tenant_id == school.id, Notification.title == "xin chào")) == 1
    # The job's session had its context reset when the job ended.
    assert SEEN_SESSIONS and all(scoping.get_context(s) is None for s in SEEN_SESSIONS)

    drain(app)  # nothing due: it does not run again
    assert CALLS["xin chào"] == 1


def test_job_for_a_tenant_cannot_write_into_a_sibling(app, db, world):
    job = _enqueue(app, "tests.write_elsewhere", tenant_id=world.tenant("school-a1").id,
                   other_tenant_id=world.tenant("school-a2").id, user_id=world.user("a2_head").id)
    drain(app)  # one attempt: the retry waits a minute
    stored = _job(db, job.id)
    assert stored.status == SCHEDULED  # retried later
    assert "TenantWriteRefused" in stored.error
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_job_without_tenant_runs_in_the_system_context(app, db, world):
    job = _enqueue(app, "tests.notice", tenant_id=None, target=world.tenant("enterprise-b1").id,
                   user_id=world.user("b1_reporter").id, title="hệ thống")
    drain(app)
    ran = _job(db, job.id)
    assert ran.status == FINISHED, ran.error
    assert ran.tenant_id is None and ran.result["system"] is True


def test_a_rolled_back_request_leaves_no_job(app, db, world):
    with app.test_request_context():
        enqueue("tests.flaky", key="gone", failures=0)
        session().rollback()
    drain(app)
    assert db.scalar(select(func.count()).select_from(Job)) == 0
    assert "gone" not in CALLS


def test_failures_are_retried_with_backoff_and_recorded(app, db, world, frozen_clock):
    job = _enqueue(app, "tests.flaky", key="k", failures=2)
    start = clock.now()
    assert start == START
    drain(app)
    stored = _job(db, job.id)
    assert stored.status == SCHEDULED and stored.attempts == 1
    assert "RuntimeError: flaky failure 1 of k" in stored.error
    assert "Traceback" in stored.error and len(stored.error) <= executor.ERROR_LIMIT
    assert stored.run_at == start + timedelta(seconds=60)  # first backoff, from the clock

    frozen_clock(start + timedelta(seconds=30))  # not due yet
    drain(app)
    assert _job(db, job.id).attempts == 1

    frozen_clock(start + timedelta(seconds=61))
    drain(app)
    stored = _job(db, job.id)
    assert stored.status == SCHEDULED and stored.attempts == 2
    assert stored.run_at == start + timedelta(seconds=61 + 600)  # second backoff

    frozen_clock(start + timedelta(seconds=700))
    drain(app)
    stored = _job(db, job.id)
    assert stored.status == FINISHED and stored.attempts == 3 and stored.result == {"calls": 3}
    assert stored.finished_at == start + timedelta(seconds=700)


def test_a_pass_at_a_named_moment_counts_the_retry_from_that_moment(app, db, world):
    """``thidua jobs run-due --now``: the job acts and finishes at the moment named."""
    with app.app_context():
        job = submit(db, "tests.flaky", {"key": "named", "failures": 1})  # not handed to rq
        db.commit()
    later = START + timedelta(days=2)
    ran = executor.execute(app, job.id, now=later)
    assert ran.status == SCHEDULED and ran.started_at == later
    assert _job(db, job.id).run_at == later + timedelta(seconds=60)


def test_the_last_failure_marks_the_job_failed(app, db, world, frozen_clock):
    job = _enqueue(app, "tests.flaky", key="never", failures=99)
    for step in range(4):
        frozen_clock(START + timedelta(seconds=700 * step))
        drain(app)
    stored = _job(db, job.id)
    assert stored.status == FAILED and stored.attempts == stored.max_attempts == 3
    assert "flaky failure 3 of never" in stored.error
    assert stored.finished_at == START + timedelta(seconds=1400)
    assert CALLS["never"] == 3


def test_a_claimed_job_is_not_run_twice(app, db, world):
    job = _enqueue(app, "tests.flaky", key="once", failures=0)
    if JobSettings.of(app).redis_url:
        drain(app)
        # rq delivering the same job again (at-least-once) finds it finished.
        with app.app_context():
            assert executor.execute(app, job.id, dispatched=True) is None
    else:
        with app.app_context():
            assert executor.execute(app, job.id) is not None
            assert executor.execute(app, job.id) is None
    assert CALLS["once"] == 1


def test_periodic_jobs_get_one_row_per_slot(app, db, world):
    periodic = (scheduler.Periodic("tests.flaky", timedelta(hours=1), {"key": "p", "failures": 0}),)
    now = clock.now().replace(minute=10)
    with app.app_context():
        scheduler.schedule_periodic(db, now, periodic)
        scheduler.schedule_periodic(db, now + timedelta(minutes=40), periodic)  # same hour
        scheduler.schedule_periodic(db, now + timedelta(hours=1), periodic)
    keys = db.scalars(select(Job.unique_key).order_by(Job.run_at)).all()
    assert len(keys) == 2 and keys[0].startswith("periodic:tests.flaky:")
    drain(app, now + timedelta(hours=1))
    assert CALLS["p"] == 2


def test_the_core_schedule_is_hourly_reminders_and_outbox_when_mail_waits(app, db, world):
    now = clock.now()
    with app.app_context():
        scheduler.schedule_periodic(db, now)
    names = db.scalars(select(Job.name)).all()
    assert names == ["notifications.remind"]  # no mail waiting: no outbox job
    remind = next(p for p in scheduler.PERIODIC if p.name == "notifications.remind")
    assert remind.every == timedelta(hours=1)


def test_a_job_whose_worker_died_is_run_again(app, db, world):
    with app.app_context():
        job = submit(db, "tests.flaky", {"key": "stale", "failures": 0})
        db.commit()
    long_ago = clock.now() - timedelta(hours=2)
    stored = _job(db, job.id)
    stored.status, stored.started_at, stored.attempts = STARTED, long_ago, 1
    db.commit()
    drain(app)
    stored = _job(db, job.id)
    assert stored.status == FINISHED and stored.attempts == 2
    assert "interrupted" in stored.error


def test_job_arguments_must_be_ids_or_json(app, db, world):
    with app.app_context(), pytest.raises(TypeError):
        submit(db, "tests.flaky", {"key": object(), "failures": 0})


def test_unknown_task_is_refused_when_enqueued(app, db, world):
    from core.jobs.registry import UnknownTask

    with app.app_context(), pytest.raises(UnknownTask):
        submit(db, "tests.nope", {})


def test_with_redis_the_job_goes_through_rq_with_the_json_serializer(app, db, world):
    url = JobSettings.of(app).redis_url
    if not url:
        skip_unless_required(REQUIRE_REDIS, "REDIS_URL is not set: the in-process backend is tested instead")
    from rq.job import Job as RqJob
    from rq.serializers import JSONSerializer

    from core.jobs import rq_queue
    from core.jobs.testing import rq_worker

    job = _enqueue(app, "tests.flaky", key="rq", failures=0)
    queue = rq_queue.queue(url)
    assert queue.job_ids == [rq_queue.rq_job_id(job.id, 1)]  # handed over right after the commit
    rq_job = queue.jobs[0]
    assert rq_job.func_name == rq_queue.PERFORM and rq_job.args == [str(job.id)]
    assert _job(db, job.id).dispatched_at is not None
    with app.app_context():
        rq_worker(app).work(burst=True)
    assert _job(db, job.id).status == FINISHED
    fetched = RqJob.fetch(rq_queue.rq_job_id(job.id, 1), connection=rq_queue.connection(url),
                          serializer=JSONSerializer)
    assert fetched.get_status() == "finished"


def test_cli_lists_and_runs_due_jobs(app, db, world):
    _enqueue(app, "tests.flaky", key="cli", failures=0)
    runner = app.test_cli_runner()
    if JobSettings.of(app).redis_url:
        drain(app)
    else:
        result = runner.invoke(args=["jobs", "run-due"])
        assert result.exit_code == 0 and "(0 failed)" in result.output, result.output
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0
    assert "tests.flaky" in listing.output and "finished" in listing.output
    burst = runner.invoke(args=["worker", "--burst"])
    assert burst.exit_code == 0, burst.output


def test_the_embedded_thread_runs_due_jobs(app, db, world):
    """The thread of a single-process deployment, on this leg's database (SQLite or
    PostgreSQL); without Redis, as such a deployment runs."""
    import threading

    from core.jobs.worker import EmbeddedThread

    app.config["REDIS_URL"] = ""  # the embedded backend, whatever this leg's REDIS_URL
    assert JobSettings.of(app).redis_url is None
    done = SIGNALS.setdefault("thread", threading.Event())
    job = _enqueue(app, "tests.signal", key="thread")
    assert _job(db, job.id).dispatched_at is None  # not handed to rq
    thread = EmbeddedThread(app, poll=0.05)
    thread.start()
    try:
        # A bound on a hung thread, not a timing: the task sets the event when it runs.
        ran = done.wait(timeout=60)
    finally:
        thread.stop()  # the pass that ran the task records it before the thread stops
    assert ran, "the embedded thread did not run the job"
    assert not thread.is_alive()
    stored = _job(db, job.id)
    assert stored.status == FINISHED, stored.error
    assert stored.result == {"at": START.astimezone(stored.run_at.tzinfo).isoformat()}
