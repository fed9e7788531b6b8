"""``thidua plugins new NAME``: a complete, installable plugin package whose test passes right
after ``pip install -e``."""

from __future__ import annotations

import re
from pathlib import Path

from core.plugins.manager import API_VERSION, ENTRY_POINT_GROUP

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(ValueError):
    pass


def package_name(name: str) -> str:
    return f"thidua_{name}"


def distribution_name(name: str) -> str:
    return f"thidua-{name.replace('_', '-')}"


def files_for(name: str) -> dict[str, str]:
    """Relative path → content of every file of the new package."""
    pkg = package_name(name)
    dist = distribution_name(name)
    major = API_VERSION.split(".")[0]
    values = {
        "name": name, "pkg": pkg, "dist": dist, "group": ENTRY_POINT_GROUP,
        "requires": f">={API_VERSION},<{int(major) + 1}",
    }
    return {path.format(**values): template.format(**values) for path, template in TEMPLATES.items()}


def create(name: str, directory: Path) -> Path:
    """Write the package into ``directory/<distribution name>``; refuses to overwrite."""
    if not NAME_PATTERN.match(name):
        raise ScaffoldError(
            f"plugin name {name!r} must be 2-40 lower-case letters, digits or underscores, "
            "starting with a letter"
        )
    root = Path(directory) / distribution_name(name)
    if root.exists():
        raise ScaffoldError(f"{root} already exists")
    for relative, content in files_for(name).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


SETUP_CFG = """\
[metadata]
name = {dist}
version = 0.1.0
description = Thi Đua plugin: {name}
long_description = file: README.md
long_description_content_type = text/markdown
classifiers =
    Framework :: Thi Dua

[options]
packages = find:
python_requires = >=3.11
install_requires =
    thidua

[options.packages.find]
include =
    {pkg}
    {pkg}.*

[options.entry_points]
{group} =
    {name} = {pkg}.plugin

[options.extras_require]
test =
    pytest>=8

[tool:pytest]
testpaths = tests
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"
"""

README = """\
# {dist}

A Thi Đua plugin adding the criteria set `{name}.example`.

```
pip install -e '.[test]'
thidua plugins list          # shows {name}: loaded
pytest                       # runs tests/test_{name}.py
```

Edit `{pkg}/criteria.py` to describe your criteria: every field's `metadata` gives its label,
help, unit, points and whether evidence is required. Bump the set's `version` whenever a field
or the scoring changes and keep the old version in `thidua_criteria_sets()` so closed periods
stay readable. The plugin imports only `core.plugins`; the guide is the core's
`docs/plugins.md`.
"""

INIT = '''\
"""Thi Đua plugin {name}."""
'''

PLUGIN = '''\
"""{name}: example criteria (replace this line with the sector's name)

The first line of this docstring is the title of the plugin's page that `thidua plugins docs`
generates, and the rest is the page's introduction: say which units the criteria apply to and
where each rule comes from (the plan, the circular and its article).
"""

from core.plugins import hookimpl

from {pkg}.criteria import EXAMPLE_V1

# The plugin API versions this plugin works with.
requires_core = "{requires}"


@hookimpl
def thidua_criteria_sets():
    return [EXAMPLE_V1]
'''

CRITERIA = '''\
"""The criteria sets of the {name} plugin."""

from marshmallow import Schema

from core.plugins import CriteriaSet, choice_field, count_field, yes_no_field


# One field per criterion: the Vietnamese and English labels, then what the form and the default
# scorer use (points, points_per_unit, evidence_required, help); the English interface reads
# help_en beside help and choices_en beside the choices.
class ExampleSchema(Schema):
    has_plan = yes_no_field(
        "Có kế hoạch thực hiện phong trào", "A plan for the movement", points=10, evidence_required=True,
    )
    meetings = count_field(
        "Số buổi sinh hoạt, tuyên truyền", "Meetings and awareness sessions", "buổi", maximum=366,
        points=20, points_per_unit=5, help="Mỗi buổi được 5 điểm, tối đa 20 điểm.",
        help_en="5 points per session, at most 20 points.",
    )
    rating = choice_field(
        "Tự đánh giá", "Self-assessment", ["Tốt", "Khá", "Trung bình"], required=False,
        choices_en={{"Tốt": "Good", "Khá": "Fair", "Trung bình": "Average"}}, points={{"Tốt": 10, "Khá": 5}},
    )


def check(data, ctx):
    """A unit that held meetings must have a plan."""
    if data["meetings"] > 0 and not data["has_plan"]:
        return {{"has_plan": ["Đơn vị có tổ chức sinh hoạt thì phải có kế hoạch."]}}
    return None


EXAMPLE_V1 = CriteriaSet(
    key="{name}.example",
    version=1,
    title="Tiêu chí mẫu của plugin {name}",
    title_en="Example criteria of the {name} plugin",
    applies_to={{"school", "enterprise"}},
    schema=ExampleSchema,
    validate=check,
    aggregates={{"has_plan": "count_true", "meetings": "sum"}},
)
'''

TEST = '''\
"""Tests of the {name} plugin, with the fixtures of the Thi Đua pytest plugin (the core's
docs/plugins.md, "Testing plugins")."""

import pytest

from core.plugins import evaluate

from {pkg}.criteria import EXAMPLE_V1


@pytest.fixture
def thidua_config():
    # Load only this plugin, whatever else is installed.
    return {{"THIDUA_PLUGINS": "{name}"}}


def test_the_plugin_loads_with_its_criteria_set(plugin_host):
    assert plugin_host.plugins["{name}"].state == "loaded"
    assert plugin_host.criteria_set("{name}.example") is EXAMPLE_V1


def test_values_validate_and_score(app):
    with app.app_context():  # evaluate reads the app's loaded plugins
        errors, score = evaluate(EXAMPLE_V1, {{"has_plan": True, "meetings": 3, "rating": "Khá"}})
        assert errors == {{}}
        assert score == 10 + 15 + 5

        errors, score = evaluate(EXAMPLE_V1, {{"has_plan": False, "meetings": 2}})
        assert "has_plan" in errors and score is None


def test_a_school_fills_the_set_through_the_report_api(world, enable_criteria_sets, api_as):
    enable_criteria_sets("{name}.example", kinds=["school"])
    school = world.tenant("school-a1")
    url = f"/api/v1/tenants/{{school.id}}/periods/{{world.period.id}}/report"
    reporter = api_as("a1_reporter")  # the reporter of school-a1
    report = reporter.get(url).get_json()
    assert [section["key"] for section in report["sections"]] == ["{name}.example"]

    saved = reporter.put(url, json={{"version": report["version"], "sections": {{
        "{name}.example": {{"has_plan": True, "meetings": 3, "rating": "Khá"}}}}}})
    assert saved.status_code == 200, saved.get_json()
    (section,) = saved.get_json()["sections"]
    assert section["self_score"] == 30
'''

TEMPLATES: dict[str, str] = {
    "setup.cfg": SETUP_CFG,
    "pyproject.toml": PYPROJECT,
    "README.md": README,
    "{pkg}/__init__.py": INIT,
    "{pkg}/plugin.py": PLUGIN,
    "{pkg}/criteria.py": CRITERIA,
    "tests/test_{name}.py": TEST,
}
