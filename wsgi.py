"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``.

With ``THIDUA_EMBEDDED_WORKER=1`` (what ``make run`` sets) each web process also runs due jobs
in a background thread, so the embedded default needs no separate ``thidua worker``.

A configuration or a plugin that stops start-up is reported once, as its message alone (a
traceback through gunicorn adds nothing), and the process exits with gunicorn's "application
failed to load" status, so gunicorn stops instead of starting the next worker into the same
failure. ``gunicorn.conf.py`` runs the same check once in gunicorn's master before any worker.
"""

import os
import sys

from core.app import StartupError, create_app

# gunicorn's exit status for an application that cannot load: its master then stops.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except StartupError as error:
    print(error, file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)

if os.environ.get("THIDUA_EMBEDDED_WORKER") == "1":
    from core.jobs.worker import EmbeddedThread

    EmbeddedThread(app).start()
