"""The generated plugin page: title and description from the module docstring, every version of
every set with its fields, aggregates and rules; ``thidua plugins docs`` writes and checks pages."""

from __future__ import annotations

import pytest

from core.plugins import docgen
from core.plugins.testing import config_for_marker

SOURCE = '''"""Phòng cháy trong trường học

Tiêu chí về phòng cháy, chữa cháy của trường học (an example for the docs generator).
"""

from marshmallow import Schema, fields, validate

from core.plugins import CriteriaSet, hookimpl


class FireV1(Schema):
    has_team = fields.Boolean(
        required=True,
        metadata={"label": "Có đội phòng cháy cơ sở", "label_en": "Has an on-site fire team",
                  "points": 40, "evidence_required": True},
    )
    drills = fields.Integer(
        required=True, validate=validate.Range(min=0, max=50),
        metadata={"label": "Số buổi diễn tập", "label_en": "Drills held", "unit": "buổi",
                  "points": 20, "points_per_unit": 5, "help": "Mỗi buổi 5 điểm, tối đa 20 điểm.",
                  "help_en": "5 points per drill, at most 20 points."},
    )
    fires = fields.Integer(
        load_default=0, validate=validate.Range(min=0),
        metadata={"label": "Số vụ cháy", "label_en": "Fires", "unit": "vụ", "points": -10},
    )
    rating = fields.String(
        validate=validate.OneOf(["tot", "kha", "dat"]),
        metadata={"label": "Tự đánh giá | xếp loại", "label_en": "Self-rating",
                  "choices_en": {"tot": "Good", "kha": "Fair", "dat": "Pass"},
                  "points": {"tot": 40, "kha": 20}},
    )


class FireV2(FireV1):
    extinguishers = fields.Integer(
        required=True, validate=validate.Range(min=0, max=500),
        metadata={"label": "Số bình chữa cháy", "label_en": "Extinguishers", "unit": "bình",
                  "unit_en": "extinguishers",
                  "points": 10, "points_rule": "10 when at least one per classroom"},
    )


def drills_need_team(data, ctx):
    """Có diễn tập thì phải có đội phòng cháy cơ sở."""
    if data["drills"] and not data["has_team"]:
        return {"has_team": "Có diễn tập thì phải có đội phòng cháy cơ sở."}
    return None


def score_fire(data, ctx):
    """100 when there is a team and no fire, 50 with a team, otherwise 0."""
    if not data["has_team"]:
        return 0
    return 100 if data["fires"] == 0 else 50


def fire_safe(data, ctx):
    """"An toàn PCCC" when no fire happened."""
    return {"fire_safe": data["fires"] == 0}


@hookimpl
def thidua_criteria_sets():
    return [
        CriteriaSet(key="fire.school", version=1, title="Phòng cháy trường học",
                    title_en="School fire safety", applies_to={"school"}, schema=FireV1,
                    validate=drills_need_team, aggregates={"drills": "sum"}),
        CriteriaSet(key="fire.school", version=2, title="Phòng cháy trường học (2)",
                    title_en="School fire safety (2)", applies_to={"school", "enterprise"},
                    schema=FireV2, validate=drills_need_team, score=score_fire, outcomes=fire_safe,
                    aggregates={"drills": "sum", "has_team": "count_true"}),
    ]
'''


@pytest.fixture
def thidua_config(request, install_plugin):
    install_plugin("fire", {"thidua_fire.py": SOURCE})
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "fire"}


def section(page: str, start: str, end: str | None = None) -> str:
    begin = page.index(start)
    return page[begin:page.index(end, begin)] if end else page[begin:]


def test_the_page_starts_with_the_docstring_and_lists_every_version(plugin_host):
    page = docgen.render_plugin_page(plugin_host, "fire")
    assert page.startswith(docgen.GENERATED_NOTE + "\n\n# Phòng cháy trong trường học\n")
    assert "Plugin `fire`." in page
    assert "Tiêu chí về phòng cháy, chữa cháy của trường học" in page
    assert "- `fire.school` version 2: Phòng cháy trường học (2) (School fire safety (2))" in page
    assert "- `fire.school` version 1: Phòng cháy trường học (School fire safety)" in page
    # latest version first
    assert page.index("## `fire.school` version 2") < page.index("## `fire.school` version 1")
    assert page.endswith("\n") and not page.endswith("\n\n")


def test_each_field_is_a_table_row_with_labels_unit_range_points_and_evidence(plugin_host):
    page = docgen.render_plugin_page(plugin_host, "fire")
    v1 = section(page, "## `fire.school` version 1")
    assert "- Applies to: `school`\n" in v1
    assert ("| `has_team` | Có đội phòng cháy cơ sở | Has an on-site fire team | boolean | — | yes | — "
            "| 40 if yes | required |") in v1
    assert ("| `drills` | Số buổi diễn tập | Drills held | integer | buổi | yes | 0–50 "
            "| 5 per unit, capped at 20 | — |") in v1
    assert "| `fires` | Số vụ cháy | Fires | integer | vụ | no | ≥ 0 | −10 if > 0 | — |" in v1
    # a pipe inside a label cannot break the table
    assert ("| `rating` | Tự đánh giá \\| xếp loại | Self-rating | string | — | no "
            "| `tot` (Good), `kha` (Fair), `dat` (Pass) | tot: 40; kha: 20 | — |") in v1
    # the help, and its English beneath it
    assert ("- `drills`: Mỗi buổi 5 điểm, tối đa 20 điểm.\n"
            "  - English: 5 points per drill, at most 20 points.") in v1
    assert "default rule: the fields' points are summed (at most 100)" in v1
    assert "`extinguishers`" not in v1


def test_aggregates_and_rules_come_from_the_declaration(plugin_host):
    page = docgen.render_plugin_page(plugin_host, "fire")
    v2 = section(page, "## `fire.school` version 2", "## `fire.school` version 1")
    v1 = section(page, "## `fire.school` version 1")
    assert "- Applies to: `enterprise`, `school`" in v2
    # a set's own scorer may word a field's rule itself
    assert ("| `extinguishers` | Số bình chữa cháy | Extinguishers | integer | bình (extinguishers) | yes "
            "| 0–500 | 10 when at least one per classroom | — |") in v2
    assert "- `drills` (Số buổi diễn tập): sum\n- `has_team` (Có đội phòng cháy cơ sở): count_true" in v2
    assert "Scored by its own rule (see Rules below)" in v2
    assert "#### Validation: `drills_need_team`\n\nCó diễn tập thì phải có đội phòng cháy cơ sở." in v2
    assert "#### Scoring: `score_fire`\n\n100 when there is a team and no fire, 50 with a team" in v2
    assert '#### Standards (pass/fail): `fire_safe`\n\n"An toàn PCCC" when no fire happened.' in v2
    assert "#### Validation: `drills_need_team`" in v1
    assert "#### Scoring" not in v1 and "#### Standards" not in v1


def test_pages_are_written_and_checked(app, plugin_host, tmp_path):
    directory = tmp_path / "pages"
    assert docgen.documented_plugins(plugin_host) == ["fire"]
    assert docgen.stale_pages(plugin_host, directory) == [directory / "fire.md"]

    written = docgen.write_pages(plugin_host, directory)
    assert written == [directory / "fire.md"]
    assert written[0].read_text(encoding="utf-8") == docgen.render_plugin_page(plugin_host, "fire")
    assert docgen.stale_pages(plugin_host, directory) == []


def test_the_command_writes_then_check_fails_on_a_page_that_drifted(app, tmp_path):
    runner = app.test_cli_runner()
    directory = tmp_path / "docs"
    missing = runner.invoke(args=["plugins", "docs", "--check", "--dir", str(directory)])
    assert missing.exit_code == 1
    assert f"Out of date: {directory / 'fire.md'}" in missing.output

    wrote = runner.invoke(args=["plugins", "docs", "--dir", str(directory)])
    assert wrote.exit_code == 0, wrote.output
    assert f"Wrote {directory / 'fire.md'}" in wrote.output
    fresh = runner.invoke(args=["plugins", "docs", "--check", "--dir", str(directory)])
    assert fresh.exit_code == 0, fresh.output
    assert "up to date" in fresh.output

    page = directory / "fire.md"
    drift = page.read_text(encoding="utf-8").replace("capped at 20", "capped at 25")
    page.write_text(drift, encoding="utf-8")
    drifted = runner.invoke(args=["plugins", "docs", "--check", "--dir", str(directory)])
    assert drifted.exit_code == 1
    assert f"Out of date: {page}" in drifted.output


def test_an_unloaded_plugin_has_no_page(plugin_host):
    with pytest.raises(LookupError, match="not loaded"):
        docgen.render_plugin_page(plugin_host, "ghost")


def test_the_command_says_where_each_text_comes_from(app, tmp_path):
    wrote = app.test_cli_runner().invoke(args=["plugins", "docs", "--dir", str(tmp_path)])
    assert wrote.exit_code == 0, wrote.output
    assert wrote.stdout.splitlines() == [
        f"Wrote {tmp_path / 'fire.md'}",
        "    title and introduction: the docstring of module thidua_fire",
        "    fire.school v2, Validation: the docstring of thidua_fire.drills_need_team",
        "    fire.school v2, Scoring: the docstring of thidua_fire.score_fire",
        "    fire.school v2, Standards (pass/fail): the docstring of thidua_fire.fire_safe",
        "    fire.school v1, Validation: the docstring of thidua_fire.drills_need_team",
    ]
    assert wrote.stderr == ""


SCORER_DOCSTRING = '    """100 when there is a team and no fire, 50 with a team, otherwise 0."""\n'
UNDOCUMENTED = SOURCE.replace(SCORER_DOCSTRING, "")
HELP_EN = ',\n                  "help_en": "5 points per drill, at most 20 points."'
CHOICES_EN = '\n                  "choices_en": {"tot": "Good", "kha": "Fair", "dat": "Pass"},'
assert HELP_EN in SOURCE and CHOICES_EN in SOURCE
WITHOUT_ENGLISH = SOURCE.replace(HELP_EN, "").replace(CHOICES_EN, "")


@pytest.mark.parametrize(("source", "warnings"), [
    (UNDOCUMENTED.split("\n", 4)[4], [
        "Warning: fire: module thidua_fire has no docstring: the page is titled 'fire' and has no "
        "introduction",
        "Warning: fire: thidua_fire.score_fire has no docstring: the page's fire.school v2, Scoring "
        "says (no description)"]),
    ('"""fire: example criteria (replace this line with the sector\'s name)\n\nText.\n"""\n'
     + SOURCE.split("\n", 4)[4], [
         "Warning: fire: the docstring of module thidua_fire still has the scaffold's title line"]),
    (WITHOUT_ENGLISH, [
        f"Warning: fire: fire.school v{version}: field `{name}` lacks {what}: the English interface "
        "shows the Vietnamese"
        for version in (2, 1) for name, what in (("drills", "help_en"), ("rating", "choices_en"))]),
], ids=["missing docstrings", "scaffold title", "missing English"])
def test_missing_or_placeholder_texts_are_warned_about(install_plugin, thidua_database_url, tmp_path,
                                                        source, warnings):
    from core.app import create_app
    from core.db.engine import database

    install_plugin("fire", {"thidua_fire.py": source})
    app = create_app({"ENV": "testing", "SECRET_KEY": "test", "DATABASE_URL": thidua_database_url,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "THIDUA_PLUGINS": "fire"})
    try:
        result = app.test_cli_runner().invoke(args=["plugins", "docs", "--check", "--dir", str(tmp_path)])
    finally:
        database(app).dispose()
    assert result.stderr.splitlines()[:len(warnings)] == warnings
