"""Task names and the functions behind them; what a task receives when it runs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from core.users.access import SystemAccess

# Modules whose import registers the core's tasks.
TASK_MODULES: tuple[str, ...] = (
    "core.notifications.reminders",
    "core.notifications.outbox",
    "core.dashboards.reminders",
    "core.exports.tasks",
)


class UnknownTask(LookupError):
    pass


@dataclass(frozen=True)
class Task:
    name: str
    fn: Callable[..., dict[str, Any] | None]
    max_attempts: int | None
    timeout: int


@dataclass
class JobContext:
    """What a running task works with: a fresh session whose tenant context the runner set, the
    job's ids and the moment it started."""

    app: Flask
    db: Session
    job_id: uuid.UUID
    tenant_id: uuid.UUID | None
    attempt: int
    now: datetime
    # The backends' ``submit``, handed in by the runner: the registry sits below the backends.
    submit: Callable[..., Any]

    @property
    def access(self) -> SystemAccess:
        """Jobs act as the platform; their audit entries say ``system``."""
        return SystemAccess(db=self.db, user=None)

    def enqueue(self, name: str, **kwargs: Any):
        """A follow-up job, committed with this job's work."""
        return self.submit(self.db, name, kwargs, redis_url=_redis_url(self.app), now=self.now)


def _redis_url(app: Flask) -> str | None:
    from core.jobs.settings import JobSettings

    return JobSettings.of(app).redis_url


TASKS: dict[str, Task] = {}


def task(name: str, *, max_attempts: int | None = None, timeout: int = 180) -> Callable:
    """Register ``fn(ctx: JobContext, **kwargs)`` under ``name``; kwargs are JSON primitives."""

    def decorator(fn: Callable) -> Callable:
        TASKS[name] = Task(name=name, fn=fn, max_attempts=max_attempts, timeout=timeout)
        return fn

    return decorator


def load_tasks() -> None:
    for module in TASK_MODULES:
        import_module(module)


def get(name: str) -> Task:
    load_tasks()
    try:
        return TASKS[name]
    except KeyError:
        raise UnknownTask(f"no task named {name!r}") from None
