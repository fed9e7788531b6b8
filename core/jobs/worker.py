"""``thidua worker``: rq workers on Redis, or the embedded loop that runs due jobs."""

from __future__ import annotations

import threading
import time

from flask import Flask

from core.jobs import rq_queue, scheduler
from core.jobs.settings import JobSettings


def run_embedded(app: Flask, *, burst: bool = False, poll: float | None = None) -> int:
    """Run due jobs until stopped (``burst``: until nothing is due); returns how many ran."""
    poll = JobSettings.of(app).poll_seconds if poll is None else poll
    ran = 0
    while True:
        result = scheduler.tick(app)
        ran += result.ran
        if result.worked == 0:
            if burst:
                return ran
            # A pause of real time between passes, not a reading of "now": what is due is
            # decided by core.clock in the pass itself, so a frozen clock changes nothing here.
            time.sleep(poll)


class SchedulerThread(threading.Thread):
    """Beside an rq worker: adds periodic rows and hands due ones to rq."""

    def __init__(self, app: Flask, poll: float) -> None:
        super().__init__(name="thidua-scheduler", daemon=True)
        self.app = app
        self.poll = poll
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            with self.app.app_context():
                try:
                    scheduler.tick(self.app)
                except Exception:  # noqa: BLE001 - the next tick tries again
                    self.app.logger.exception("scheduler tick failed")
            self.stopping.wait(self.poll)


def run_rq(app: Flask, *, burst: bool = False, poll: float | None = None) -> bool:
    """An rq worker on the ``thidua`` queue with the JSON serializer.

    ``SimpleWorker`` runs jobs in this process, where the app context is pushed and the
    database pool is ours (a forked work horse would share the parent's connections)."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    settings = JobSettings.of(app)
    poll = settings.poll_seconds if poll is None else poll
    thread = None
    if burst:
        scheduler.tick(app)
    else:
        thread = SchedulerThread(app, poll)
        thread.start()
    try:
        worker = SimpleWorker([rq_queue.queue(settings.redis_url)],
                              connection=rq_queue.connection(settings.redis_url),
                              serializer=JSONSerializer)
        return worker.work(burst=burst)
    finally:
        if thread is not None:
            thread.stopping.set()


class EmbeddedThread(threading.Thread):
    """The embedded loop in a daemon thread of a single-process deployment (no separate
    ``thidua worker``): runs due jobs until ``stop()``."""

    def __init__(self, app: Flask, poll: float | None = None) -> None:
        super().__init__(name="thidua-jobs", daemon=True)
        self.app = app
        self.poll = JobSettings.of(app).poll_seconds if poll is None else poll
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                result = scheduler.tick(self.app)
            except Exception:  # noqa: BLE001 - the next pass tries again
                self.app.logger.exception("job pass failed")
                result = None
            if result is None or result.worked == 0:
                self.stopping.wait(self.poll)

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.join(timeout)
