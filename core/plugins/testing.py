"""Pytest fixtures for plugin tests (part of the Thi Đua pytest plugin).

* ``@pytest.mark.thidua_plugins("a", "b")`` builds the test's ``app`` with exactly those plugins
  loaded (``@pytest.mark.thidua_plugins()`` loads none); extra keyword arguments become config,
  e.g. ``skip_failed=True`` sets ``THIDUA_SKIP_FAILED_PLUGINS``.
* ``plugin_host`` is the app's :class:`~core.plugins.PluginHost`.
* ``enable_criteria_sets("school.safe_gate", kinds=["school"])`` enables sets in the world's
  open period.
* ``install_plugin(name, files)`` installs a plugin for one test the way pip would: the files go
  into a temporary directory on ``sys.path`` beside a ``.dist-info`` with the
  ``thidua.plugins`` entry point, so :mod:`importlib.metadata` finds it.

:func:`imports_beyond_the_facade` is for the core's own tests: that a plugin's sources keep the
contract.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from core.plugins.manager import ENTRY_POINT_GROUP, PluginHost
from core.plugins.manager import plugin_host as host_of

__all__ = [
    "enable_criteria_sets_fixture",
    "imports_beyond_the_facade",
    "install_plugin_fixture",
    "plugin_host_fixture",
    "pytest_configure",
    "thidua_config",
]

MARKER = "thidua_plugins"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*names, skip_failed=False, trace=False): build the app with exactly these plugins",
    )


def config_for_marker(marker: pytest.Mark | None) -> dict[str, Any]:
    if marker is None:
        return {}
    config: dict[str, Any] = {"THIDUA_PLUGINS": ",".join(marker.args)}
    if marker.kwargs.get("skip_failed"):
        config["THIDUA_SKIP_FAILED_PLUGINS"] = True
    if marker.kwargs.get("trace"):
        config["THIDUA_TRACE_HOOKS"] = True
    return config


@pytest.fixture
def thidua_config(request: pytest.FixtureRequest) -> dict:
    """The app's config overrides; the ``thidua_plugins`` marker chooses the plugins."""
    return config_for_marker(request.node.get_closest_marker(MARKER))


@pytest.fixture(name="plugin_host")
def plugin_host_fixture(app: Flask) -> PluginHost:
    """The plugin host of the test's app."""
    return host_of(app)


@pytest.fixture(name="enable_criteria_sets")
def enable_criteria_sets_fixture(app: Flask, db, world) -> Callable[..., list[Any]]:
    """``enable_criteria_sets("a.b", "c.d", kinds=["school"], weight=1)`` enables sets in
    ``world.period`` (kinds default to each set's ``applies_to``) and commits."""
    from core.plugins.operations import configure_period
    from core.users.access import SystemAccess

    def enable(*keys: str, kinds: list[str] | None = None, weight: float = 1.0) -> list[Any]:
        host = host_of(app)
        items = []
        for key in keys:
            criteria_set = host.criteria_set(key)
            chosen = kinds or sorted(criteria_set.applies_to if criteria_set else [])
            items.append({"key": key, "tenant_kinds": chosen, "weight": weight})
        enabled = configure_period(db, SystemAccess(db=db, user=None), host, world.period, items)
        db.commit()
        return enabled

    return enable


def write_distribution(
    root: Path,
    name: str,
    files: Mapping[str, str],
    *,
    entry: str,
    distribution: str,
    version: str,
) -> Path:
    """Lay out an installed distribution under ``root``: its files and a dist-info whose
    ``entry_points.txt`` declares ``name = entry`` in ``thidua.plugins``."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    info = root / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {entry}\n", encoding="utf-8")
    (info / "top_level.txt").write_text(
        "\n".join(sorted({Path(p).parts[0].removesuffix(".py") for p in files})) + "\n", encoding="utf-8"
    )
    return root


@pytest.fixture(name="install_plugin")
def install_plugin_fixture(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``install_plugin("demo", {"thidua_demo.py": SOURCE})`` → the plugin ``demo`` is installed
    (entry point ``demo = thidua_demo``) until the test ends. ``entry`` defaults to the first
    file's module; ``distribution`` to ``thidua-<name>``; ``version`` to ``1.0.0``."""
    counter = itertools.count()
    added_paths: list[str] = []
    modules: set[str] = set()

    def install(name: str, files: Mapping[str, str], *, entry: str | None = None,
                distribution: str | None = None, version: str = "1.0.0") -> Path:
        first = next(iter(files))
        module = first.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        root = write_distribution(
            tmp_path / f"site-{next(counter)}", name, files, entry=entry or module,
            distribution=distribution or f"thidua-{name.replace('_', '-')}", version=version,
        )
        modules.update(Path(p).parts[0].removesuffix(".py") for p in files)
        sys.path.insert(0, str(root))
        added_paths.append(str(root))
        importlib.invalidate_caches()
        return root

    yield install
    for path in added_paths:
        if path in sys.path:
            sys.path.remove(path)
    for module in list(sys.modules):
        if module.split(".")[0] in modules:
            del sys.modules[module]
    importlib.invalidate_caches()


def imports_beyond_the_facade(sources: Mapping[str, str]) -> list[str]:
    """What plugin sources (path → Python source) import from the core other than the public names
    of :mod:`core.plugins`, one ``"path:line: from … import …"`` per statement; empty when they keep
    the plugin contract. Deferred imports inside functions count too."""
    from core import plugins as facade

    public = set(facade.__all__)
    found = []
    for path, source in sources.items():
        for node in ast.walk(ast.parse(source, filename=path)):
            if isinstance(node, ast.Import):
                found += [f"{path}:{node.lineno}: import {alias.name}" for alias in node.names
                          if alias.name.split(".")[0] == "core"]
            elif isinstance(node, ast.ImportFrom) and not node.level and (
                    (node.module or "").split(".")[0] == "core"):
                names = [alias.name for alias in node.names]
                if node.module != "core.plugins" or not set(names) <= public:
                    found.append(f"{path}:{node.lineno}: from {node.module} import {', '.join(names)}")
    return found
