"""Loading rules: installed ≠ loaded, every failure collected into one message, the degraded
mode, tracing, and hook isolation."""

from __future__ import annotations

import json
import logging

import pytest

from core.app import create_app
from core.db.engine import database
from core.plugins.manager import PluginLoadError, plugin_host, requirement_met


@pytest.fixture
def build(thidua_database_url, tmp_path):
    apps = []

    def make(**config):
        app = create_app({
            "ENV": "testing", "SECRET_KEY": "test", "DATABASE_URL": thidua_database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"), **config,
        })
        apps.append(app)
        return app

    yield make
    for app in apps:
        database(app).dispose()


def test_installed_plugins_load_by_default_and_thidua_plugins_chooses(install_fixture_plugins, build):
    install_fixture_plugins("demo", "scorer")
    everything = plugin_host(build())
    assert {"demo", "scorer"} <= set(everything.loaded_names())

    chosen = plugin_host(build(THIDUA_PLUGINS="scorer"))
    assert chosen.loaded_names() == ["scorer"]
    assert chosen.plugins["demo"].state == "disabled"
    assert "THIDUA_PLUGINS" in chosen.plugins["demo"].cause
    assert chosen.criteria_set("demo.safety") is None

    none = plugin_host(build(THIDUA_PLUGINS=""))
    assert none.loaded_names() == []


def test_the_environment_is_read_when_config_does_not_say(install_fixture_plugins, build, monkeypatch):
    install_fixture_plugins("demo", "scorer")
    monkeypatch.setenv("THIDUA_PLUGINS", "demo")
    assert plugin_host(build()).loaded_names() == ["demo"]


def test_every_failure_kind_is_reported_in_one_message(install_fixture_plugins, build):
    install_fixture_plugins("demo", "broken", "typo", "unmarked", "copycat", "future")
    with pytest.raises(PluginLoadError) as raised:
        build(THIDUA_PLUGINS="demo,broken,typo,unmarked,copycat,future,ghost")
    message = str(raised.value)
    failed = {info.name: info for info in raised.value.failures}
    assert set(failed) == {"broken", "typo", "unmarked", "copycat", "future", "ghost"}
    assert "Could not load 6 plugin(s)" in message
    # each line names the plugin, its distribution and version, and the cause
    assert "broken (thidua-broken 0.6.0): import error: ModuleNotFoundError" in message
    assert "thidua_missing_dependency" in failed["broken"].cause
    assert "typo (thidua-typo 0.4.0): unknown hook thidua_criteria_set at " in message
    assert "not marked with @hookimpl" in failed["unmarked"].cause
    assert "duplicate criteria set key 'demo.safety': already declared by plugin demo (thidua-demo 0.4.0)" \
        in failed["copycat"].cause
    assert "incompatible requires_core '>=2.0'" in failed["future"].cause
    assert failed["future"].cause.endswith(
        "this core provides plugin API 1.0; install a version of the plugin made for API 1.0, or "
        "widen requires_core if the plugin was tested with it")
    assert "ghost (no distribution): not installed" in message
    assert "THIDUA_SKIP_FAILED_PLUGINS=1" in message


def test_skip_failed_starts_without_them_and_keeps_their_sections_unavailable(
    install_fixture_plugins, build, thidua_database_url
):
    install_fixture_plugins("demo", "broken", "copycat")
    app = build(THIDUA_PLUGINS="demo,broken,copycat", THIDUA_SKIP_FAILED_PLUGINS="1")
    host = plugin_host(app)
    assert host.loaded_names() == ["demo"]
    assert host.plugins["broken"].state == "failed"
    assert host.plugins["copycat"].state == "failed"
    assert host.criteria_set("demo.safety", 7) is None  # the copy was not registered
    assert host.criteria_set("demo.safety").version == 2


def test_pluggy_is_never_left_with_a_failed_plugin(install_fixture_plugins, build):
    install_fixture_plugins("typo", "demo")
    host = plugin_host(build(THIDUA_PLUGINS="typo,demo", THIDUA_SKIP_FAILED_PLUGINS=True))
    assert not host.pm.has_plugin("typo")
    host.pm.check_pending()  # raises if an unknown hook were still registered


def test_requires_core_clauses():
    assert requirement_met(">=1.0,<2", "1.0")
    assert not requirement_met(">=1.1", "1.0")
    assert not requirement_met("<1", "1.0")
    with pytest.raises(ValueError):
        requirement_met("~=1", "1.0")


def test_a_raising_event_hook_is_logged_and_the_others_still_run(install_fixture_plugins, build, caplog):
    install_fixture_plugins("demo", "raising")
    host = plugin_host(build(THIDUA_PLUGINS="demo,raising"))
    import thidua_demo

    with caplog.at_level(logging.ERROR, logger="thidua.plugins"):
        host.submission_event("submission-1", "approved")
        panels = host.dashboard_panels(period=None, scope=None)
    assert thidua_demo.EVENTS == [("submission-1", "approved")]
    assert [p["key"] for p in panels] == ["demo.panel"]
    logged = [r.getMessage() for r in caplog.records]
    assert "plugin raising raised in thidua_submission_event" in logged
    assert "plugin raising raised in thidua_dashboard_panels" in logged


def test_trace_hooks_logs_every_hook_call(install_fixture_plugins, build, caplog):
    from core.plugins import EvaluationContext, evaluate

    install_fixture_plugins("demo")
    app = build(THIDUA_PLUGINS="demo", THIDUA_TRACE_HOOKS="1")
    host = plugin_host(app)
    with app.app_context(), caplog.at_level(logging.INFO, logger="thidua.plugins"):
        evaluate(host.criteria_set("demo.safety", 1), {"has_gate_guard": True, "drills": 1},
                 EvaluationContext())
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "hook thidua_validate → plugin demo" in logged
    assert "hook thidua_score(context, criteria_set, data) → core.defaults" in logged


def test_plugins_list_shows_states_and_sets(install_fixture_plugins, build):
    install_fixture_plugins("demo", "broken", "scorer")
    app = build(THIDUA_PLUGINS="demo,broken", THIDUA_SKIP_FAILED_PLUGINS="1")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plugins", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = {item["name"]: item for item in json.loads(result.output)}
    assert listed["demo"]["state"] == "loaded"
    assert listed["demo"]["distribution"] == "thidua-demo"
    assert listed["demo"]["version"] == "0.4.0"
    assert {"key": "demo.safety", "version": 2} in listed["demo"]["criteria_sets"]
    assert listed["broken"]["state"] == "failed"
    assert "ModuleNotFoundError" in listed["broken"]["cause"]
    assert listed["scorer"]["state"] == "disabled"

    text = runner.invoke(args=["plugins", "list"]).output
    assert "demo  thidua-demo 0.4.0  loaded" in text
    assert "criteria set demo.cyber v1" in text
    assert "broken  thidua-broken 0.6.0  failed" in text


def test_plugin_commands_and_blueprints_are_mounted(install_fixture_plugins, build):
    install_fixture_plugins("demo")
    app = build(THIDUA_PLUGINS="demo")
    assert app.test_cli_runner().invoke(args=["demo-hello"]).output.strip() == "xin chào từ plugin demo"
    assert app.test_client().get("/x/demo/ping").get_data(as_text=True) == "pong from demo"


def test_plugin_commands_and_blueprints_may_not_take_core_names(install_fixture_plugins, build):
    install_fixture_plugins("clash", "misnamed")
    with pytest.raises(PluginLoadError) as raised:
        build(THIDUA_PLUGINS="clash,misnamed")
    failed = {info.name: info.cause for info in raised.value.failures}
    assert failed["clash"] == "command 'db' clashes with an existing command"
    assert failed["misnamed"] == "blueprint 'reports' must be named 'plugin_…'"
