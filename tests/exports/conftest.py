"""Snapshot and export tests run with the reporting tests' small plugin (rpt.safety for schools,
enterprises, wards and communes; rpt.units for wards and communes) and a Redis queue emptied
before each test when the rq backend is in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.jobs.settings import JobSettings
from core.plugins.testing import config_for_marker

PLUGIN = Path(__file__).parents[1] / "reports" / "fixtures" / "report_plugin.py"


@pytest.fixture
def thidua_config(request, install_plugin, tmp_path):
    install_plugin("rpt", {"thidua_rpt.py": PLUGIN.read_text(encoding="utf-8")})
    config = config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "rpt"}
    return {**config, "THIDUA_EXPORT_DIR": str(tmp_path / "exports"), "THIDUA_EXPORT_KEEP_HOURS": 2}


@pytest.fixture
def report_world(world, enable_criteria_sets):
    enable_criteria_sets("rpt.safety", "rpt.units")
    return world


@pytest.fixture
def host(app):
    from core.plugins.manager import plugin_host

    return plugin_host(app)


@pytest.fixture(autouse=True)
def _empty_queue(app):
    url = JobSettings.of(app).redis_url
    if url:
        from core.jobs.rq_queue import connection

        connection(url).flushdb()
    yield
