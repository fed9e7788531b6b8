"""Background jobs: a task interface with two backends.

* rq on Redis when ``REDIS_URL`` is set (JSON serializer, ids and primitives only);
* in-process otherwise: the ``job`` table is the queue, drained by ``thidua worker``.

Either way every job has a row in the ``job`` table (status, attempts, errors, when it runs),
written in the caller's transaction, so a job exists only if the work that asked for it was
committed. Delivery is at-least-once: tasks are idempotent and take ids, never objects.
"""

from core.jobs.backends import enqueue, enqueue_at, enqueue_in
from core.jobs.registry import JobContext, task

__all__ = ["JobContext", "enqueue", "enqueue_at", "enqueue_in", "task"]
