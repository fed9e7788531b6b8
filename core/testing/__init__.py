"""The Thi Đua pytest plugin (entry point ``pytest11``): a real database, an app, a tenant tree
with siblings, users per role, an open period, clients signed in as any of them, and the
end-to-end harness (a live server and headless Chromium).

The database is SQLite in a temporary directory, or the PostgreSQL database named by
``THIDUA_TEST_DATABASE_URL`` (or ``DATABASE_URL``); the schema is built once per session with
the real migrations and every table is emptied after each test.
"""

from __future__ import annotations

from core.plugins.testing import *  # noqa: F403  (thidua_config: the app's config overrides)
from core.testing.browser import *  # noqa: F403
from core.testing.fixtures import *  # noqa: F403
from core.testing.switches import *  # noqa: F403
