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
help, unit, points and whether evidence is required; `validate.OneOf` gives choices. Bump the
set's `version` whenever a field or the scoring changes and keep the old version in
`thidua_criteria_sets()` so closed periods stay readable.
"""

INIT = '''\
"""Thi Đua plugin {name}."""
'''

PLUGIN = '''\
"""Hook implementations of the {name} plugin (entry point ``{group}``: ``{name}``)."""

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

from marshmallow import Schema, fields, validate

from core.plugins import CriteriaSet


# core.plugins also builds such fields for you: count_field, yes_no_field, choice_field, text_field
# (see "Helpers for criteria sets" in the plugin guide).
class ExampleSchema(Schema):
    has_plan = fields.Boolean(
        required=True,
        metadata={{"label": "Có kế hoạch thực hiện phong trào", "points": 10, "evidence_required": True}},
    )
    meetings = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=366),
        metadata={{"label": "Số buổi sinh hoạt, tuyên truyền", "unit": "buổi",
                   "points": 20, "points_per_unit": 5,
                   "help": "Mỗi buổi được 5 điểm, tối đa 20 điểm."}},
    )
    rating = fields.String(
        required=False,
        validate=validate.OneOf(["Tốt", "Khá", "Trung bình"]),
        metadata={{"label": "Tự đánh giá", "points": {{"Tốt": 10, "Khá": 5}}}},
    )


def check(data, ctx):
    """Cross-field rule: meetings without a plan are not credible."""
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
"""Tests of the {name} plugin, using the fixtures of the Thi Đua pytest plugin (core.testing)."""

import pytest

from core.plugins import EvaluationContext, evaluate, plugin_host
from core.plugins.operations import configure_period
from core.users.access import SystemAccess

from {pkg}.criteria import EXAMPLE_V1


@pytest.fixture
def thidua_config():
    # Load only this plugin, whatever else is installed.
    return {{"THIDUA_PLUGINS": "{name}"}}


def test_the_plugin_loads_with_its_criteria_set(app):
    host = plugin_host(app)
    assert host.plugins["{name}"].state == "loaded"
    assert host.criteria_set("{name}.example") is EXAMPLE_V1


def test_values_validate_and_score(app):
    with app.test_request_context():
        errors, score = evaluate(EXAMPLE_V1, {{"has_plan": True, "meetings": 3, "rating": "Khá"}},
                                 EvaluationContext())
        assert errors == {{}}
        assert score == 10 + 15 + 5

        errors, score = evaluate(EXAMPLE_V1, {{"has_plan": False, "meetings": 2}}, EvaluationContext())
        assert "has_plan" in errors and score is None


def test_a_school_sees_the_set_once_the_period_enables_it(app, db, world, api_as):
    configure_period(db, SystemAccess(db=db, user=None), plugin_host(app), world.period,
                     [{{"key": "{name}.example", "tenant_kinds": ["school"]}}])
    db.commit()
    school = world.tenant("school-a1")
    response = api_as("a1_reporter").get(
        f"/api/v1/periods/{{world.period.id}}/criteria-sets?tenant={{school.id}}")
    assert response.status_code == 200
    (listed,) = response.get_json()["criteria_sets"]
    assert listed["key"] == "{name}.example"
    assert [f["name"] for f in listed["fields"]] == ["has_plan", "meetings", "rating"]
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
