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
    assert len(HOOKS) == 9


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
