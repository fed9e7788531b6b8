"""Job settings: read from the app's config, else from the environment, else the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import Flask

QUEUE_NAME = "thidua"


def setting(app: Flask, name: str, default: Any = None) -> Any:
    value = app.config.get(name)
    if value is None:
        value = os.environ.get(name)
    return default if value is None or value == "" else value


def _seconds(value: Any) -> tuple[int, ...]:
    if isinstance(value, list | tuple):
        return tuple(int(v) for v in value)
    return tuple(int(part) for part in str(value).split(",") if part.strip())


@dataclass(frozen=True)
class JobSettings:
    redis_url: str | None
    max_attempts: int
    # Seconds to wait before the 2nd, 3rd, … attempt; the last value repeats.
    backoff: tuple[int, ...]
    poll_seconds: float
    # A job started longer ago than this is taken to have died with its worker.
    stale_seconds: int
    keep_days: int

    @classmethod
    def of(cls, app: Flask) -> JobSettings:
        return cls(
            redis_url=setting(app, "REDIS_URL"),
            max_attempts=int(setting(app, "THIDUA_JOB_MAX_ATTEMPTS", 3)),
            backoff=_seconds(setting(app, "THIDUA_JOB_BACKOFF", "30,120,600")) or (0,),
            poll_seconds=float(setting(app, "THIDUA_WORKER_POLL_SECONDS", 5)),
            stale_seconds=int(setting(app, "THIDUA_JOB_STALE_SECONDS", 1800)),
            keep_days=int(setting(app, "THIDUA_JOB_KEEP_DAYS", 30)),
        )

    def delay_after(self, attempts: int) -> int:
        """Seconds before the next attempt once ``attempts`` have failed."""
        return self.backoff[min(attempts, len(self.backoff)) - 1] if attempts > 0 else 0
