"""The ``thidua`` command line needs no server secret: no command signs a session. ``--help`` and
``plugins new`` do not even build the app; ``thidua run``, which serves pages, asks for a key in
one line; the web server's start-up (``wsgi.py``) still requires one in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from core.app import create_app
from core.cli.main import main
from core.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]

HELLO_PLUGIN = """
import click

from core.plugins import hookimpl


@click.command("hello-world")
def hello():
    click.echo("xin chào")


@hookimpl
def thidua_cli_commands():
    return [hello]
"""


@pytest.fixture
def production(tmp_path):
    """The environment of a production host without SECRET_KEY (nothing from the test run)."""
    return {
        "THIDUA_ENV": None, "SECRET_KEY": None, "THIDUA_PLUGINS": None,
        "THIDUA_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.db"),
        "FLASK_RUN_FROM_CLI": None,  # set by Flask's group; restored after each run
    }


def run(args: list[str], env: dict) -> click.testing.Result:
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


@pytest.mark.parametrize("path", command_paths(main), ids=" ".join)
def test_every_commands_help_prints_without_building_the_app(production, path):
    # A configuration the app refuses: had the help built the app, it would fail.
    result = run([*path, "--help"], {**production, "THIDUA_ENV": "nonsense"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ") and not result.stderr


def listed_commands(help_text: str) -> set[str]:
    return {line.split()[0] for line in help_text.split("Commands:")[1].splitlines() if line.strip()}


def test_thidua_help_lists_plugin_commands_without_a_secret(production, install_plugin):
    install_plugin("hello", {"thidua_hello.py": HELLO_PLUGIN})
    result = run(["--help"], production)
    assert result.exit_code == 0 and not result.stderr
    assert {"db", "demo", "periods", "plugins", "tenants", "users", "worker", "hello-world"} <= (
        listed_commands(result.stdout))


def test_thidua_help_without_an_app_lists_the_core_commands_and_says_why_in_one_line(production):
    result = run(["--help"], {**production, "THIDUA_ENV": "nonsense"})
    assert result.exit_code == 0
    core_commands = {"db", "demo", "periods", "plugins", "tenants", "users", "worker"}
    assert core_commands <= listed_commands(result.stdout)
    assert result.stderr.splitlines() == [
        "Plugin commands are not listed: THIDUA_ENV must be one of production, development, testing, "
        "not 'nonsense'"]


def test_plugins_new_does_not_build_the_app(production, tmp_path):
    broken = {**production, "THIDUA_ENV": "nonsense"}
    result = run(["plugins", "new", "gate_watch", "--dir", str(tmp_path)], broken)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "thidua-gate-watch" / "thidua_gate_watch" / "plugin.py").is_file()


def test_plugins_list_and_docs_run_in_production_without_a_secret(production):
    listed = run(["plugins", "list"], production)
    assert listed.exit_code == 0, listed.output
    assert "school_safety  thidua 0.1.0  loaded" in listed.output
    checked = run(["plugins", "docs", "--check", "--dir", str(ROOT / "docs" / "plugins")], production)
    assert checked.exit_code == 0, checked.output
    assert "Plugin pages are up to date." in checked.output


def test_the_installed_command_runs_without_a_secret(production):
    env = {k: v for k, v in os.environ.items() if k not in production}
    env.update({k: v for k, v in production.items() if v is not None})
    thidua = Path(sys.executable).with_name("thidua")
    result = subprocess.run([str(thidua), "plugins", "list", "--json"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert '"name": "cyber_safety"' in result.stdout


def test_run_asks_for_a_secret_in_one_line(production):
    result = CliRunner().invoke(main, ["run", "--port", "0"], env=production)
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: SECRET_KEY is not set: for development run with THIDUA_ENV=development")


def test_the_web_server_still_requires_a_secret_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("THIDUA_ENV", raising=False)
    with pytest.raises(ConfigError) as raised:
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert "\n" not in str(raised.value)
    assert "THIDUA_ENV=development" in str(raised.value)
