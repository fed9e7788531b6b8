"""Every built-in plugin's page under docs/plugins/ is exactly what its definitions generate, so
the docs cannot drift (regenerate with ``thidua plugins docs``)."""

from __future__ import annotations

import configparser
import difflib
from pathlib import Path

import pytest

from core.plugins import docgen
from core.plugins.manager import plugin_host

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins"


def built_in_plugins() -> list[str]:
    """The entry point names of setup.cfg's ``thidua.plugins`` group."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options.entry_points"]["thidua.plugins"].strip().splitlines()
    return [line.split("=", 1)[0].strip() for line in lines if line.strip()]


BUILT_IN = built_in_plugins()


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": ",".join(BUILT_IN)}


def test_setup_cfg_lists_the_built_in_plugins():
    assert "school_safety" in BUILT_IN and "individuals" in BUILT_IN
    assert len(BUILT_IN) == len(set(BUILT_IN)) >= 9


@pytest.mark.parametrize("name", BUILT_IN)
def test_the_committed_page_is_the_generated_one(app, name):
    host = plugin_host(app)
    assert host.plugins[name].state == "loaded", host.plugins[name].cause
    if not docgen.plugin_sets(host, name):
        return  # a plugin without criteria sets has no page
    expected = docgen.render_plugin_page(host, name)
    path = docgen.page_path(DOCS, name)
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run `thidua plugins docs`"
    committed = path.read_text(encoding="utf-8")
    diff = "".join(list(difflib.unified_diff(
        committed.splitlines(keepends=True), expected.splitlines(keepends=True),
        fromfile=f"committed {path.name}", tofile="generated",
    ))[:60])
    where = path.relative_to(ROOT)
    assert committed == expected, f"{where} is out of date; run `thidua plugins docs`\n{diff}"
