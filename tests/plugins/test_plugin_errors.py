"""Load errors say what to do: the plugin's file and line, the hook it probably meant, the
arguments a hook accepts, the dependency to declare; and gunicorn's start-up prints each failure
once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.app import create_app
from core.db.engine import database
from core.plugins.manager import PluginHost, PluginLoadError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def failures(install_plugin, thidua_database_url, tmp_path):
    """``failures({"name": ({"file.py": source}, entry point)})`` installs the plugins (``None``:
    not installed), loads them → plugin name → (cause, the directory it is installed in)."""

    def load(plugins: dict[str, tuple[dict[str, str], str] | None]) -> dict[str, tuple[str, Path | None]]:
        roots = {name: install_plugin(name, spec[0], entry=spec[1]) for name, spec in plugins.items() if spec}
        config = {"ENV": "testing", "SECRET_KEY": "test", "DATABASE_URL": thidua_database_url,
                  "INSTANCE_PATH": str(tmp_path / "instance"), "THIDUA_PLUGINS": ",".join(plugins)}
        with pytest.raises(PluginLoadError) as raised:
            database(create_app(config)).dispose()
        return {info.name: (info.cause, roots.get(info.name)) for info in raised.value.failures}

    return load


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


TYPO = '''\
from core.plugins import hookimpl


@hookimpl
def thidua_criteria_set():
    return []


@hookimpl
def thidua_nothing_like_a_hook():
    return []
'''


def test_a_misspelled_hook_gets_the_nearest_name_and_the_plugins_file_and_line(failures):
    cause, root = failures({"typo": ({"thidua_typo.py": TYPO}, "thidua_typo")})["typo"]
    source = root / "thidua_typo.py"
    assert (f"unknown hook thidua_criteria_set at {source}:{line_of(source, 'def thidua_criteria_set')}: "
            "did you mean thidua_criteria_sets?") in cause
    # No near name: the message lists the hooks instead of guessing.
    line = line_of(source, "def thidua_nothing_like_a_hook")
    assert (f"unknown hook thidua_nothing_like_a_hook at {source}:{line}: "
            "the hooks are thidua_award_rules, ") in cause


def test_an_unmarked_hook_says_how_to_mark_it_and_where(failures):
    source_text = "def thidua_criteria_sets():\n    return []\n"
    cause, root = failures({"plain": ({"thidua_plain.py": source_text}, "thidua_plain")})["plain"]
    assert cause == (f"thidua_criteria_sets at {root / 'thidua_plain.py'}:1 looks like a hook but is not "
                     "marked with @hookimpl: add `from core.plugins import hookimpl` and decorate it with "
                     "@hookimpl")


WRONG_ARGUMENTS = '''\
from core.plugins import hookimpl


class Plugin:
    @hookimpl
    def thidua_score(self, criteria_set, values):
        return None

    @hookimpl
    def thidua_validate(self, criteria_set, data, context=None):
        return None


plugin = Plugin()
'''


def test_a_wrong_argument_lists_the_arguments_the_hook_accepts(failures):
    found = failures({"wrongarg": ({"thidua_wrongarg.py": WRONG_ARGUMENTS}, "thidua_wrongarg:plugin")})
    cause, root = found["wrongarg"]
    source = root / "thidua_wrongarg.py"
    accepted = PluginHost().pm.hook.thidua_score.spec.argnames
    assert accepted == ("criteria_set", "data", "context")
    assert (f"hook thidua_score at {source}:{line_of(source, 'def thidua_score')} takes values, which the "
            "hook does not pass: thidua_score accepts criteria_set, data, context") in cause
    assert (f"hook thidua_validate at {source}:{line_of(source, 'def thidua_validate')} gives context a "
            "default value, so it is never passed (pluggy ignores defaults): remove the default") in cause


def test_an_import_error_names_the_module_path_and_the_dependency_to_declare(failures):
    files = {"thidua_needy/__init__.py": "",
             "thidua_needy/plugin.py": '"""Needs a library."""\n\nimport thidua_absent_library\n'}
    cause, root = failures({"needy": (files, "thidua_needy.plugin")})["needy"]
    assert cause == (
        "import error: ModuleNotFoundError: No module named 'thidua_absent_library' at "
        f"{root / 'thidua_needy' / 'plugin.py'}:3, while importing thidua_needy.plugin: "
        "thidua_absent_library is not installed; install it, and declare it in the plugin's "
        "install_requires (setup.cfg or pyproject.toml) so that installing the plugin installs it too"
    )


def test_an_import_error_inside_a_library_points_at_the_plugins_own_line(install_plugin, failures):
    install_plugin("library", {"thidua_library.py": "import thidua_absent_engine\n"})
    files = {"thidua_user.py": "import os\n\nimport thidua_library  # noqa\n"}
    cause, root = failures({"user": (files, "thidua_user")})["user"]
    assert f"at {root / 'thidua_user.py'}:3, while importing thidua_user" in cause
    assert "thidua_absent_engine is not installed" in cause


def test_a_missing_module_of_the_plugin_itself_is_not_called_a_dependency(failures):
    files = {"thidua_own/__init__.py": "from thidua_own.critera import RULES  # noqa\n"}
    cause, _root = failures({"own": (files, "thidua_own")})["own"]
    assert "thidua_own.critera is part of the plugin itself; check its name" in cause
    assert "install_requires" not in cause


def test_a_syntax_error_points_at_the_plugins_line(failures):
    files = {"thidua_typing.py": "x = 1\nif x\n    y = 2\n"}
    cause, root = failures({"typing": (files, "thidua_typing")})["typing"]
    assert cause == ("import error: SyntaxError: expected ':' at "
                     f"{root / 'thidua_typing.py'}:2, while importing thidua_typing")


def test_a_plugin_name_not_installed_gets_the_nearest_installed_one(failures):
    cause, _root = failures({"school_safty": None})["school_safty"]
    assert cause.startswith("not installed: no entry point 'school_safty' in group 'thidua.plugins' "
                            "(did you mean school_safety? installed: ")


@pytest.mark.parametrize("workers, config", [(2, "gunicorn.conf.py"), (1, None)],
                         ids=["master checks once", "each worker once"])
def test_gunicorn_prints_each_failure_once(tmp_path, workers, config):
    """With the project's gunicorn.conf.py the master checks the app before starting any worker;
    without it each worker prints the failure once (no traceback repeating it) and gunicorn stops
    instead of starting workers into the same failure."""
    config_file = ROOT / "gunicorn.conf.py" if config else tmp_path / "empty.conf.py"
    config_file.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "SECRET", "DATABASE_URL"))}
    env.update(THIDUA_ENV="development", THIDUA_INSTANCE_PATH=str(tmp_path), THIDUA_PLUGINS="ghost,mediation",
               DATABASE_URL="sqlite:///" + str(tmp_path / "thidua.db"))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--config", str(config_file), "--workers", str(workers), "--bind", "127.0.0.1:0",
         "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 4, output
    assert output.count("Could not load 1 plugin(s):") == 1, output
    assert output.count("not installed: no entry point 'ghost'") == 1, output
    assert "Traceback" not in output
