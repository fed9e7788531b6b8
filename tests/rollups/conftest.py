"""Rollup, dashboard, cluster, matrix and queue tests run with the reporting tests' small plugin
(tests/reports/fixtures/report_plugin.py) enabled in the world's open period."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins.testing import config_for_marker

PLUGIN = Path(__file__).parents[1] / "reports" / "fixtures" / "report_plugin.py"
PANEL = Path(__file__).parent / "fixtures" / "panel_plugin.py"

COMPLETE = {"plan_issued": False, "staff": 20, "trained": 15, "incidents": 0}


@pytest.fixture
def thidua_config(request, install_plugin):
    install_plugin("rpt", {"thidua_rpt.py": PLUGIN.read_text(encoding="utf-8")})
    install_plugin("pnl", {"thidua_pnl.py": PANEL.read_text(encoding="utf-8")})
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "rpt"}


@pytest.fixture
def report_world(world, enable_criteria_sets):
    """The world with rpt.safety enabled for schools, enterprises, wards and communes and
    rpt.units for wards and communes."""
    enable_criteria_sets("rpt.safety", "rpt.units")
    return world


@pytest.fixture
def host(app):
    from core.plugins.manager import plugin_host

    return plugin_host(app)


@pytest.fixture
def system(db):
    from core.users.access import SystemAccess

    return SystemAccess(db=db, user=None)
