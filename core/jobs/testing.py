"""For tests: run every due job to the end, through rq on Redis when ``REDIS_URL`` is set (a
``SimpleWorker`` in burst mode, in this process), in-process otherwise."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from core.jobs import rq_queue, scheduler
from core.jobs.settings import JobSettings


def rq_worker(app: Flask):
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    url = JobSettings.of(app).redis_url
    return SimpleWorker([rq_queue.queue(url)], connection=rq_queue.connection(url),
                        serializer=JSONSerializer)


def drain(app: Flask, now: datetime | None = None, periodic: tuple = (), rounds: int = 10) -> int:
    """Pass the scheduler (without periodic jobs unless given) and work until nothing is due;
    returns how many passes did something."""
    busy = 0
    for _ in range(rounds):
        result = scheduler.tick(app, now, periodic=periodic)
        if JobSettings.of(app).redis_url:
            with app.app_context():
                rq_worker(app).work(burst=True)
        if result.worked == 0:
            return busy
        busy += 1
    return busy
