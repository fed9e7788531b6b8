"""gunicorn settings read from the project directory (``make run``, ``gunicorn wsgi:app``).

Only a start-up check: the master builds the app once before starting any worker, so that a
configuration or plugin failure is printed once, not once by every worker.
"""

import sys


def on_starting(server):
    from core.app import StartupError, check_startup

    try:
        check_startup()
    except StartupError as error:
        print(error, file=sys.stderr, flush=True)
        sys.exit(4)  # gunicorn's "application failed to load"
