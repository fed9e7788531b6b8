"""Plugin tests use the plugin fixtures of the Thi Đua pytest plugin, and real plugin files from
``fixtures/`` installed through their entry points."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins.testing import *  # noqa: F403

FIXTURES = Path(__file__).parent / "fixtures"

# entry point name → (fixture file, module name, entry point target)
PLUGINS = {
    "demo": ("demo_plugin.py", "thidua_demo", "thidua_demo"),
    "raising": ("raising_plugin.py", "thidua_raising", "thidua_raising:plugin"),
    "broken": ("broken_import.py", "thidua_broken", "thidua_broken"),
    "typo": ("unknown_hook.py", "thidua_typo", "thidua_typo"),
    "unmarked": ("unmarked_hook.py", "thidua_unmarked", "thidua_unmarked"),
    "copycat": ("duplicate_key.py", "thidua_copycat", "thidua_copycat"),
    "future": ("old_core.py", "thidua_future", "thidua_future"),
    "scorer": ("scoring_plugin.py", "thidua_scorer", "thidua_scorer"),
    "clash": ("clashing_command.py", "thidua_clash", "thidua_clash"),
    "misnamed": ("misnamed_blueprint.py", "thidua_misnamed", "thidua_misnamed"),
    "wrongarg": ("wrong_argument.py", "thidua_wrongarg", "thidua_wrongarg"),
}


@pytest.fixture
def install_fixture_plugins(install_plugin):
    """``install_fixture_plugins("demo", "broken")`` installs those fixture plugins."""

    def install(*names: str) -> None:
        for name in names:
            filename, module, entry = PLUGINS[name]
            install_plugin(name, {f"{module}.py": (FIXTURES / filename).read_text(encoding="utf-8")},
                           entry=entry, version=f"0.{len(name)}.0")

    return install
