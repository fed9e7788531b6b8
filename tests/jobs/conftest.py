"""Jobs tests: a few test tasks, and a clean Redis queue when the rq backend is in use."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime

import pytest

from core import clock
from core.db import scoping
from core.jobs import task
from core.jobs.settings import JobSettings
from core.notifications.models import Notification

# The moment the jobs tests start at: 9:00 on 10 November in Hanoi, the units' deadline day.
START = datetime(2026, 11, 10, 9, 0, tzinfo=clock.HANOI)
# Set by tests.signal when it runs, so a test waits for a job in another thread without polling.
SIGNALS: dict[str, threading.Event] = {}

# Sessions the test tasks ran with, to check that their context was reset afterwards.
SEEN_SESSIONS: list = []
CALLS: dict[str, int] = {}


@task("tests.notice")
def notice_task(ctx, tenant_id: str | None, user_id: str, title: str, target: str | None = None) -> dict:
    """Writes one notice into ``target`` (default: the job's tenant): allowed only if the job's
    context reaches it."""
    SEEN_SESSIONS.append(ctx.db)
    CALLS[title] = CALLS.get(title, 0) + 1
    context = scoping.get_context(ctx.db)
    ctx.db.add(Notification(tenant_id=uuid.UUID(target or tenant_id), user_id=uuid.UUID(user_id), kind="test",
                            title=title))
    return {"system": context.system, "attempt": ctx.attempt}


@task("tests.write_elsewhere")
def write_elsewhere(ctx, tenant_id: str, other_tenant_id: str, user_id: str) -> None:
    """Runs for ``tenant_id`` but writes into another tenant: the context must refuse it."""
    ctx.db.add(Notification(tenant_id=uuid.UUID(other_tenant_id), user_id=uuid.UUID(user_id),
                            kind="test", title="elsewhere"))
    ctx.db.flush()


@task("tests.flaky", max_attempts=3)
def flaky(ctx, key: str, failures: int) -> dict:
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] <= failures:
        raise RuntimeError(f"flaky failure {CALLS[key]} of {key}")
    return {"calls": CALLS[key]}


@task("tests.signal")
def signal_task(ctx, key: str) -> dict:
    SIGNALS.setdefault(key, threading.Event()).set()
    return {"at": ctx.now.isoformat()}


@pytest.fixture
def frozen_clock():
    """The clock every part of the job layer reads (enqueue, scheduler, executor, retries),
    frozen at ``START``; the yielded function moves it."""
    with clock.frozen(START) as move_to:
        yield move_to


@pytest.fixture(autouse=True)
def _fresh_task_state():
    SEEN_SESSIONS.clear()
    CALLS.clear()
    SIGNALS.clear()
    yield


@pytest.fixture
def thidua_config() -> dict:
    # Retries wait a minute, so a test moves the clock to see them come back.
    return {"THIDUA_JOB_BACKOFF": "60,600", "THIDUA_JOB_MAX_ATTEMPTS": 3}


@pytest.fixture(autouse=True)
def _empty_queue(app):
    url = JobSettings.of(app).redis_url
    if url:
        from core.jobs.rq_queue import connection

        connection(url).flushdb()
    yield
