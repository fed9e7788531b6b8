"""``thidua plugins new`` writes a package whose own test passes once it is installed."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys

import pytest

from core.plugins.scaffold import create, files_for
from core.plugins.testing import imports_beyond_the_facade, write_distribution


def install_like_pip(package_root, site):
    """What ``pip install -e`` leaves behind for importlib.metadata: a dist-info with the entry
    points declared in setup.cfg (the package itself is importable from its source tree)."""
    config = configparser.ConfigParser()
    config.read(package_root / "setup.cfg", encoding="utf-8")
    (line,) = [entry for entry in config["options.entry_points"]["thidua.plugins"].splitlines() if entry]
    name, _, target = (part.strip() for part in line.partition("="))
    write_distribution(site, name, {}, entry=target, distribution=config["metadata"]["name"],
                       version=config["metadata"]["version"])


def test_plugins_new_writes_a_complete_package(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["plugins", "new", "fire_safety", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "thidua-fire-safety"
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == {
        "setup.cfg", "pyproject.toml", "README.md", "thidua_fire_safety/__init__.py",
        "thidua_fire_safety/plugin.py", "thidua_fire_safety/criteria.py", "tests/test_fire_safety.py",
    }
    setup_cfg = (root / "setup.cfg").read_text(encoding="utf-8")
    assert "thidua.plugins =\n    fire_safety = thidua_fire_safety.plugin" in setup_cfg
    again = app.test_cli_runner().invoke(args=["plugins", "new", "fire_safety", "--dir", str(tmp_path)])
    assert again.exit_code != 0 and "already exists" in again.output


@pytest.mark.parametrize("name", ["Fire", "1fire", "fire-safety", "x", "fire.safety"])
def test_plugins_new_refuses_names_that_are_not_identifiers(app, tmp_path, name):
    result = app.test_cli_runner().invoke(args=["plugins", "new", name, "--dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "must be 2-40 lower-case letters" in result.output


def test_the_scaffolds_own_test_passes_once_installed(tmp_path):
    root = create("gate_watch", tmp_path / "src")
    site = tmp_path / "site"
    install_like_pip(root, site)
    env = {k: v for k, v in os.environ.items()
           if k not in {"THIDUA_TEST_DATABASE_URL", "DATABASE_URL", "THIDUA_PLUGINS", "PYTEST_ADDOPTS"}}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(site), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_the_scaffold_imports_nothing_of_the_core_but_the_facade():
    files = {path: text for path, text in files_for("gate_watch").items() if path.endswith(".py")}
    assert set(files) == {"thidua_gate_watch/__init__.py", "thidua_gate_watch/plugin.py",
                          "thidua_gate_watch/criteria.py", "tests/test_gate_watch.py"}
    assert imports_beyond_the_facade(files) == []


def test_the_facade_check_finds_what_the_old_scaffold_imported():
    old_test = (
        "import core.plugins.manager\n"
        "from core.plugins import EvaluationContext, evaluate, plugin_host\n"
        "from core.plugins.operations import configure_period\n"
        "def helper():\n"
        "    from core.users.access import SystemAccess\n"
    )
    assert imports_beyond_the_facade({"tests/test_x.py": old_test}) == [
        "tests/test_x.py:1: import core.plugins.manager",
        "tests/test_x.py:2: from core.plugins import EvaluationContext, evaluate, plugin_host",
        "tests/test_x.py:3: from core.plugins.operations import configure_period",
        "tests/test_x.py:5: from core.users.access import SystemAccess",
    ]
