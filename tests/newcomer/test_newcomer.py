"""The newcomer's path, end to end: a plugin written only against docs/plugins.md
(``thidua-campus-watch/``, its own distribution), installed through its entry point, enabled for
a period, a school's report filled, proved and submitted through the API, the score checked.
It fails when the documented path breaks."""

from __future__ import annotations

import configparser
import io
from pathlib import Path

import pytest

from core.plugins.testing import imports_beyond_the_facade

DISTRIBUTION = Path(__file__).parent / "thidua-campus-watch"
KEY = "campus_watch.safety"
VALUES = {"has_team": True, "patrols": 2, "students": 400, "students_briefed": 380, "incidents": 0}
# has_team 30 + patrols 2 × 10 (capped at 20) + 40 × 380 / 400 + no incident 10
SCORE = 30 + 20 + 38 + 10


def sources() -> dict[str, str]:
    return {p.relative_to(DISTRIBUTION).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(DISTRIBUTION.rglob("*.py"))}


@pytest.fixture
def thidua_config(install_plugin):
    """Install the distribution the way pip would (its setup.cfg's entry point), then load it."""
    setup = configparser.ConfigParser()
    setup.read(DISTRIBUTION / "setup.cfg", encoding="utf-8")
    (line,) = [entry for entry in setup["options.entry_points"]["thidua.plugins"].splitlines() if entry]
    name, _, target = (part.strip() for part in line.partition("="))
    install_plugin(name, sources(), entry=target, distribution=setup["metadata"]["name"],
                   version=setup["metadata"]["version"])
    return {"THIDUA_PLUGINS": name}


def report_url(world, slug="school-a1"):
    return f"/api/v1/tenants/{world.tenant(slug).id}/periods/{world.period.id}/report"


@pytest.fixture
def enabled(world, api_as):
    """The city's admin enables the set for schools, as docs/plugins.md shows."""
    response = api_as("city_admin").put(f"/api/v1/periods/{world.period.id}/criteria-sets", json=[
        {"key": KEY, "tenant_kinds": ["school"], "weight": 1}])
    assert response.status_code == 200, response.get_json()
    return world


def test_the_plugin_keeps_the_contract():
    assert imports_beyond_the_facade(sources()) == []


def test_the_plugin_is_listed_as_loaded(plugin_host):
    info = plugin_host.plugins["campus_watch"]
    assert (info.state, info.distribution, info.version) == ("loaded", "thidua-campus-watch", "0.3.0")
    assert info.criteria_sets == [(KEY, 1)]


def test_a_school_fills_proves_and_submits_its_report_and_gets_the_score(enabled, api_as):
    world = enabled
    url = report_url(world)
    reporter, head = api_as("a1_reporter"), api_as("a1_head")

    report = reporter.get(url).get_json()
    assert [s["key"] for s in report["sections"]] == [KEY]
    saved = reporter.put(url, json={"version": report["version"], "sections": {KEY: VALUES}})
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["sections"][0]["self_score"] == SCORE
    assert [(m["field"], m["reason"]) for m in body["missing"]] == [("has_team", "evidence")]

    proof = reporter.post(f"{url}/evidence", data={
        "criterion": f"{KEY}.has_team",
        "file": (io.BytesIO("Quyết định thành lập đội tự quản.\n".encode()), "qd.txt"),
    }, content_type="multipart/form-data")
    assert proof.status_code == 201, proof.get_json()

    submitted = head.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    final = submitted.get_json()
    assert final["status"] == "submitted" and final["missing"] == []
    assert final["self_score"] == SCORE
    assert final["outcomes"] == {"atantt": True}
    # 98 ≥ 90 and the report passed "atantt", which the period's top band requires.
    assert final["classification"] == "Xuất sắc"


def test_a_failed_cross_field_check_is_saved_in_the_draft_and_blocks_the_submission(enabled, api_as):
    url = report_url(enabled)
    reporter, head = api_as("a1_reporter"), api_as("a1_head")
    inconsistent = {**VALUES, "students_briefed": 500}

    saved = reporter.put(url, json={"version": 0, "sections": {KEY: inconsistent}})
    assert saved.status_code == 200  # the draft keeps what was typed
    body = saved.get_json()
    assert body["sections"][0]["values"]["students_briefed"] == 500
    assert body["sections"][0]["self_score"] is None
    assert {"section": KEY, "field": "students_briefed", "reason": "invalid",
            "message": "Số học sinh được phổ biến không được lớn hơn tổng số học sinh."} in body["missing"]

    refused = head.post(f"{url}/submit")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "incomplete"
    assert ("students_briefed", "invalid") in {(m["field"], m["reason"]) for m in error["missing"]}


def test_a_value_the_schema_refuses_answers_422_and_saves_nothing(enabled, api_as):
    url = report_url(enabled)
    refused = api_as("a1_reporter").put(url, json={"version": 0, "sections": {KEY: {"patrols": 61}}})
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == [f"sections.{KEY}.patrols"]
    assert api_as("a1_reporter").get(url).get_json()["version"] == 0


def test_the_openapi_document_states_the_same_draft_and_submit_rules(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    report = document["paths"]["/api/v1/tenants/{tenant_id}/periods/{period_id}/report"]
    save = report["put"]["description"]
    assert "answers 422 with `fields` keyed `sections.<set key>.<field>`" in save
    assert "do not block a draft" in save and "reason `invalid`" in save
    submit = document["paths"]["/api/v1/tenants/{tenant_id}/periods/{period_id}/report/submit"]["post"]
    assert "`invalid`" in submit["description"] and "422" in submit["responses"]
