"""The rq side: one queue, the JSON serializer, job ids that rq accepts."""

from __future__ import annotations

import uuid
from functools import lru_cache

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from core.jobs.settings import QUEUE_NAME

# rq imports this by name in the worker; it receives the job row's id as a string.
PERFORM = "core.jobs.executor.perform"


@lru_cache(maxsize=4)
def connection(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


def queue(redis_url: str) -> Queue:
    return Queue(QUEUE_NAME, connection=connection(redis_url), serializer=JSONSerializer)


def rq_job_id(job_id: uuid.UUID, attempt: int) -> str:
    # One rq job per attempt: rq ids allow only [A-Za-z0-9_-], and must not repeat.
    return f"{job_id.hex}-{attempt}"


def push(redis_url: str, job_id: uuid.UUID, attempts: int, timeout: int) -> None:
    queue(redis_url).enqueue(
        PERFORM, str(job_id), job_id=rq_job_id(job_id, attempts + 1), job_timeout=timeout,
        result_ttl=3600, failure_ttl=30 * 24 * 3600,
    )
