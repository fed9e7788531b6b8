"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``.

With ``THIDUA_EMBEDDED_WORKER=1`` (what ``make run`` sets) each web process also runs due jobs
in a background thread, so the embedded default needs no separate ``thidua worker``.
"""

import os

from core.app import create_app

app = create_app()

if os.environ.get("THIDUA_EMBEDDED_WORKER") == "1":
    from core.jobs.worker import EmbeddedThread

    EmbeddedThread(app).start()
