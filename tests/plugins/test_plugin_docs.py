"""docs/plugins.md documents every hook: a section whose heading is the hook's signature."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.plugins.manager import PluginHost

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = PluginHost.hook_names()


def headings() -> set[str]:
    return set(re.findall(r"^#{2,4} `([^`]+)`\s*$", DOCS.read_text(encoding="utf-8"), flags=re.M))


def test_there_are_hooks_to_document():
    assert "thidua_criteria_sets" in HOOKS and "thidua_submission_event" in HOOKS
    assert len(HOOKS) == 12


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_reference_section_with_its_signature(hook):
    spec = getattr(PluginHost().pm.hook, hook).spec
    signature = f"{hook}({', '.join(spec.argnames)})"
    assert signature in headings(), f"docs/plugins.md has no section '### `{signature}`'"
    assert spec.function.__doc__ and ":return:" in spec.function.__doc__, "the hookspec states its return"


def test_the_tutorial_starts_from_the_scaffold_and_ends_with_a_passing_test():
    text = DOCS.read_text(encoding="utf-8")
    assert "thidua plugins new fire_safety" in text
    assert text.index("thidua plugins new") < text.index("pip install -e") < text.index("3 passed")


def section_of(heading: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def table_rows(section: str) -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[1:]]  # without the header


def test_every_public_name_is_documented_and_nothing_else_is_called_public():
    import core.plugins

    documented = set()
    for row in table_rows(section_of("Public names")):
        documented.update(re.findall(r"`([A-Za-z_]+)`", row[0]))
    assert documented == set(core.plugins.__all__)
    for name in ("init_app", "PluginHost", "plugin_host", "PluginLoadError"):
        assert not hasattr(core.plugins, name), f"core.plugins exports the host internal {name}"


def test_the_world_fixture_is_documented_user_by_user():
    from core.testing.world import TREE, USERS

    section = section_of("Testing plugins")
    users = [row for row in table_rows(section) if row[0].startswith("`") and len(row) == 3
             and row[0].strip("`") in {u for u, _t, _r in USERS}]
    assert [(u.strip("`"), t.strip("`"), r) for u, t, r in users] == list(USERS)
    for slug, _name, kind, _parent, _code in TREE:
        assert f"{slug} ({kind})" in section


def test_the_documented_aggregates_are_the_aggregates():
    from core.plugins import AGGREGATES

    assert sorted(row[0].strip("`") for row in table_rows(section_of("Aggregates"))) == sorted(AGGREGATES)


def test_every_api_call_the_guide_shows_exists(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    served = {(method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
              for path, operations in document["paths"].items() for method in operations}
    calls = r"\b(GET|PUT|POST|PATCH|DELETE) (/api/v1/[^\s`?]+)"
    shown = set(re.findall(calls, DOCS.read_text(encoding="utf-8")))
    assert len(shown) >= 6
    for method, path in shown:
        assert (method, re.sub(r"<[^>]+>", "{}", path)) in served, f"{method} {path} is not in the API"
    assert "/api/v1/openapi.json" in section_of("The report API")


def test_every_python_example_parses():
    import ast

    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) > 15
    for block in blocks:
        ast.parse(block)
