"""Reporting tests run with one small plugin (fixtures/report_plugin.py), installed through its
entry point and enabled in the world's open period for schools, enterprises, wards and communes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins.testing import config_for_marker

FIXTURE = Path(__file__).parent / "fixtures" / "report_plugin.py"

COMPLETE = {"plan_issued": True, "staff": 20, "trained": 15, "incidents": 0}


@pytest.fixture
def thidua_config(request, install_plugin):
    # Installed before the app fixture builds the app, so the entry point is found.
    install_plugin("rpt", {"thidua_rpt.py": FIXTURE.read_text(encoding="utf-8")})
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "rpt"}


@pytest.fixture
def report_world(world, enable_criteria_sets):
    """The world with rpt.safety enabled for every kind it applies to and rpt.units for wards
    and communes (weight 1 each)."""
    enable_criteria_sets("rpt.safety", "rpt.units")
    return world


@pytest.fixture
def complete_values() -> dict:
    return dict(COMPLETE)


@pytest.fixture
def acting(app, report_world):
    """``acting("a1_head")`` → (session, access) scoped as that user would be in a request,
    inside a request context (messages are translated)."""
    from core.testing.fixtures import acting_in

    with acting_in(app, report_world) as make:
        yield make


@pytest.fixture
def host(app):
    from core.plugins.manager import plugin_host

    return plugin_host(app)
