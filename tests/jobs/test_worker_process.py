"""A real ``thidua worker`` process (rq on Redis with its scheduler thread, as deployed), not
the burst path in this process: it runs a job put on the queue here and the hourly reminder its
own scheduler adds.

The worker is another process, so it reads the system clock, not this test's injected one: the
world's period is built from the same system clock (due 14 days from now), which puts the
14-day reminder due whatever the date the suite runs on.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from core.db.engine import session
from core.jobs import enqueue
from core.jobs.models import FINISHED, Job
from core.jobs.settings import JobSettings
from core.notifications.models import OUTBOX_RECORDED, Notification, OutboxMessage
from core.testing import REQUIRE_REDIS, skip_unless_required

# A bound on a worker that hangs, not a timing: the test ends as soon as the work is seen done.
PATIENCE_SECONDS = 120


def thidua_command() -> str:
    beside = Path(sys.executable).with_name("thidua")
    return str(beside) if beside.exists() else (shutil.which("thidua") or "thidua")


def finished_remind_jobs(db) -> list[Job]:
    return db.scalars(select(Job).where(Job.name.like("notifications.remind%"),
                                        Job.status == FINISHED)).all()


def test_a_worker_process_runs_a_queued_job_and_the_scheduled_reminder(
        app, db, world, enable_criteria_sets, thidua_database_url, tmp_path):
    redis_url = JobSettings.of(app).redis_url
    if not redis_url:
        skip_unless_required(REQUIRE_REDIS, "REDIS_URL is not set: a worker process needs the rq queue")
    enable_criteria_sets("school.safe_gate")
    db.add(OutboxMessage(tenant_id=None, to_address="can-bo@example.vn", subject="Thử gửi thư",
                         body="Thư thử của hàng đợi."))
    db.commit()
    with app.test_request_context():
        queued = enqueue("notifications.send_outbox")
        session().commit()
    db.expire_all()
    assert db.get(Job, queued.id).dispatched_at is not None  # on the rq queue, not yet run

    env = {**os.environ, "DATABASE_URL": thidua_database_url, "REDIS_URL": redis_url,
           "THIDUA_ENV": "testing", "THIDUA_INSTANCE_PATH": str(tmp_path / "worker-instance")}
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen([thidua_command(), "worker", "--interval", "0.2"], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            db.rollback()  # a fresh read each time, holding no lock the worker waits for
            sent = db.get(Job, queued.id).status == FINISHED
            reminded = db.scalar(select(func.count()).select_from(Notification)
                                 .where(Notification.kind == "report.reminder"))
            if sent and reminded and len(finished_remind_jobs(db)) >= 2:
                break
            time.sleep(0.2)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)  # rq's warm shutdown
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        log.seek(0)
        output = log.read()
        log.close()

    db.rollback()
    job = db.get(Job, queued.id)
    assert job.status == FINISHED, output
    # Queued first, it ran first: the message is recorded (no SMTP server is configured).
    assert job.result["recorded"] == 1 and job.attempts == 1, job.result
    assert db.scalar(select(OutboxMessage.status)) == OUTBOX_RECORDED, output
    # The worker's own scheduler added the hourly reminder row, which queued the period's.
    periodic = db.scalar(select(Job).where(Job.name == "notifications.remind"))
    assert periodic is not None and periodic.unique_key.startswith("periodic:"), output
    assert periodic.status == FINISHED, output
    child = db.scalar(select(Job).where(Job.name == "notifications.remind_period"))
    assert child is not None and child.status == FINISHED, output
    assert child.result["days"] == 14 and child.result["notices"] >= 1, child.result
    heads = db.scalars(select(Notification.user_id).where(Notification.kind == "report.reminder")).all()
    assert world.user("a1_head").id in heads
    assert "Worker: rq on Redis" in output
