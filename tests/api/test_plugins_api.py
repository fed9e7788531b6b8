"""``GET /api/v1/plugins``: the plugins the platform runs, their state and criteria sets."""

from __future__ import annotations

import pytest


@pytest.fixture
def thidua_config(request, install_plugin):
    from pathlib import Path

    source = (Path(__file__).parents[1] / "plugins" / "fixtures" / "broken_import.py").read_text()
    install_plugin("broken", {"thidua_broken.py": source})
    return {"THIDUA_PLUGINS": "school_safety,broken", "THIDUA_SKIP_FAILED_PLUGINS": True}


def test_lists_loaded_and_failed_plugins_with_their_sets(world, api_as):
    answer = api_as("a1_reporter").get("/api/v1/plugins")
    assert answer.status_code == 200
    plugins = {p["name"]: p for p in answer.get_json()["plugins"]}
    assert plugins["school_safety"]["state"] == "loaded"
    assert {"key": "school.atantt", "version": 1} in plugins["school_safety"]["criteria_sets"]
    assert plugins["broken"]["state"] == "failed"
    assert plugins["broken"]["cause"] is None, "failure details are for administrators"


def test_administrators_see_why_a_plugin_failed(world, api_as):
    plugins = {p["name"]: p for p in api_as("ward_admin").get("/api/v1/plugins").get_json()["plugins"]}
    assert plugins["broken"]["cause"]


def test_anonymous_callers_are_refused(world, app):
    assert app.test_client().get("/api/v1/plugins").status_code == 401
