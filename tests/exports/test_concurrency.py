"""Concurrent starts of the same export, from threads held at a barrier, each with its own
session: one job is made and every caller gets it (on PostgreSQL the second insert waits for the
first's commit on the job's unique key; SQLite serialises writers)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from core.db import scoping
from core.db.engine import database
from core.exports import operations as exports
from core.exports.models import Export
from core.periods.models import ReportingPeriod
from core.users.access import Access
from core.users.models import User


def test_identical_starts_at_once_make_one_job(app, report_world, db):
    callers = 4
    barrier = threading.Barrier(callers)
    answers: list = []
    errors: list = []

    def start() -> None:
        session = database(app).new_session()
        try:
            with app.test_request_context():
                user = session.get(User, report_world.user("city_admin").id)
                access = Access.for_user(session, user)
                scoping.set_context(session, access.tenant_context())
                period = session.get(ReportingPeriod, report_world.period.id)
                barrier.wait(timeout=30)
                started = exports.start(session, access, period,
                                        {"report": "city", "format": "xlsx",
                                         "scope": report_world.tenant("ha-noi").id}, redis_url=None)
                session.commit()
                answers.append((started.job.id, started.created))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=start) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len({job_id for job_id, _created in answers}) == 1
    assert sum(created for _job_id, created in answers) == 1
    assert db.scalar(select(func.count()).select_from(Export)) == 1
