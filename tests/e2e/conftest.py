"""The reporting tests' small plugin for the browser tests: a test that uses ``report_world``
gets the plugin installed and its two sets enabled in the world's open period."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins.testing import config_for_marker

PLUGIN = Path(__file__).parents[1] / "reports" / "fixtures" / "report_plugin.py"


@pytest.fixture
def thidua_config(request):
    config = config_for_marker(request.node.get_closest_marker("thidua_plugins"))
    if "report_world" not in request.fixturenames:
        return config
    # Installed before the app fixture builds the app, so the entry point is found.
    request.getfixturevalue("install_plugin")("rpt", {"thidua_rpt.py": PLUGIN.read_text(encoding="utf-8")})
    return config or {"THIDUA_PLUGINS": "rpt"}


@pytest.fixture
def report_world(world, enable_criteria_sets):
    enable_criteria_sets("rpt.safety", "rpt.units")
    return world
