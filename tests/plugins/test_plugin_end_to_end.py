"""A plugin installed through its entry point, end to end: listed, enabled for a period, listed
by the API for a tenant, its form rendered and validated, its values scored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.plugins import EvaluationContext, evaluate
from core.plugins.testing import config_for_marker
from core.testing import csrf_token_from, login


@pytest.fixture
def thidua_config(request, install_fixture_plugins):
    # Installed before the app fixture builds the app, so the entry points are found.
    install_fixture_plugins("demo", "raising", "scorer")
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "demo"}


def criteria_url(world, tenant=None):
    url = f"/api/v1/periods/{world.period.id}/criteria-sets"
    return f"{url}?tenant={world.tenant(tenant).id}" if tenant else url


def test_the_plugin_is_loaded_with_every_version(plugin_host):
    assert plugin_host.plugins["demo"].state == "loaded"
    assert plugin_host.plugins["demo"].distribution == "thidua-demo"
    assert plugin_host.versions("demo.safety") == [1, 2]
    assert plugin_host.criteria_set("demo.safety").version == 2
    assert plugin_host.criteria_set("demo.safety", 1).title == "An toàn trường học"
    assert plugin_host.owner_of("demo.cyber") == "demo"


def test_admin_enables_sets_through_the_api_and_it_is_audited(world, api_as, db):
    response = api_as("city_admin").put(criteria_url(world), json=[
        {"key": "demo.safety", "tenant_kinds": ["school"], "weight": 2},
        {"key": "demo.cyber", "tenant_kinds": ["school", "enterprise"], "version": 1},
    ])
    assert response.status_code == 200, response.get_json()
    listed = {s["key"]: s for s in response.get_json()["criteria_sets"]}
    assert listed["demo.safety"]["version"] == 2  # latest when not given, then pinned
    assert listed["demo.safety"]["weight"] == 2
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "period.criteria_sets")).one()
    assert entry.actor_label == "city_admin"
    assert entry.changes["demo.safety"][1] == {"version": 2, "tenant_kinds": ["school"], "weight": 2.0}


@pytest.mark.parametrize("username", ["ward_admin", "a1_reporter", "city_reviewer"])
def test_only_the_period_owners_admin_may_enable(world, api_as, username):
    body = [{"key": "demo.safety", "tenant_kinds": ["school"]}]
    assert api_as(username).put(criteria_url(world), json=body).status_code == 403


def test_unknown_keys_versions_and_kinds_answer_422_naming_the_item(world, api_as):
    client = api_as("city_admin")
    response = client.put(criteria_url(world), json=[
        {"key": "demo.safety", "tenant_kinds": ["school", "spaceship"]},
        {"key": "demo.nothing", "tenant_kinds": ["school"]},
        {"key": "demo.cyber", "tenant_kinds": ["school"], "version": 9},
        {"key": "demo.safety", "tenant_kinds": ["ward"]},
        {"tenant_kinds": ["school"]},
    ])
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "spaceship" in fields["0.tenant_kinds"][0]
    assert "demo.nothing" in fields["1.key"][0]
    assert "9" in fields["2.version"][0]
    assert set(fields) >= {"0.tenant_kinds", "1.key", "2.version", "4.key"}
    assert client.put(criteria_url(world), json=[
        {"key": "demo.safety", "tenant_kinds": ["ward"]}]).get_json()["error"]["fields"]["0.tenant_kinds"]
    assert client.get(criteria_url(world)).get_json()["criteria_sets"] == []  # nothing stored


def test_a_tenant_gets_the_sets_enabled_for_its_kind_with_their_fields(world, api_as, enable_criteria_sets):
    enable_criteria_sets("demo.safety", kinds=["school"])
    enable_criteria_sets("demo.safety", "demo.cyber", kinds=["school"])
    body = api_as("a1_reporter").get(criteria_url(world, "school-a1")).get_json()
    assert [s["key"] for s in body["criteria_sets"]] == ["demo.safety", "demo.cyber"]
    safety = body["criteria_sets"][0]
    assert safety["available"] is True and safety["plugin"] == "demo"
    assert safety["aggregates"] == {"drills": "sum", "cameras": "mean"}
    drills = next(f for f in safety["fields"] if f["name"] == "drills")
    assert drills == {
        "name": "drills", "type": "integer", "label": "Số buổi diễn tập phòng cháy", "unit": "buổi",
        "help": "Mỗi buổi 5 điểm, tối đa 20 điểm.", "points": 20, "required": True, "choices": None,
        "evidence_required": False, "minimum": 0, "maximum": 50, "code": None,
    }
    rating = next(f for f in safety["fields"] if f["name"] == "rating")
    assert rating["choices"] == ["Tốt", "Khá", "Trung bình"]
    assert rating["points"] == {"Tốt": 10, "Khá": 5}
    guard = next(f for f in safety["fields"] if f["name"] == "has_gate_guard")
    assert guard["type"] == "boolean" and guard["evidence_required"] is True


def test_a_tenant_of_another_kind_gets_none_of_them(world, api_as, enable_criteria_sets):
    enable_criteria_sets("demo.safety", "demo.cyber", kinds=["school"])
    enterprise = api_as("b1_reporter").get(criteria_url(world, "enterprise-b1")).get_json()
    assert enterprise["criteria_sets"] == []  # enabled for schools only


@pytest.mark.parametrize(("username", "tenant", "status"), [
    ("a1_reporter", "school-a2", 404),  # a sibling
    ("b1_reporter", "school-a1", 404),  # a cousin
    ("ward_reviewer", "school-a2", 200),  # below the reviewer's ward
])
def test_a_tenant_the_caller_cannot_see_answers_404(world, api_as, enable_criteria_sets, username, tenant,
                                                    status):
    enable_criteria_sets("demo.safety")
    assert api_as(username).get(criteria_url(world, tenant)).status_code == status


def test_the_openapi_document_describes_the_endpoints(app, world, api_as):
    document = api_as("a1_reporter").get("/api/v1/openapi.json").get_json()
    path = document["paths"]["/api/v1/periods/{period_id}/criteria-sets"]
    assert set(path) == {"get", "put"}
    assert "CriteriaSetList" in str(path["get"]["responses"]["200"])


def test_values_validate_and_score_in_one_call(app, plugin_host):
    safety_v1 = plugin_host.criteria_set("demo.safety", 1)
    with app.test_request_context():
        # default scorer: gate guard 10 + 3 drills × 5 + no incident + "Khá" 5
        assert evaluate(safety_v1, {"has_gate_guard": True, "drills": 3, "rating": "Khá"}) == ({}, 30.0)
        # drills capped at 20 points, one incident costs 10
        assert evaluate(safety_v1, {"has_gate_guard": True, "drills": 9, "incidents": 1})[1] == 20.0
        errors, score = evaluate(safety_v1, {"has_gate_guard": False, "drills": 2})
        assert errors == {"has_gate_guard": ["Trường có diễn tập thì phải có bảo vệ cổng."]}
        assert score is None
        errors, _ = evaluate(safety_v1, {"has_gate_guard": True, "drills": 1},
                             EvaluationContext(previous={"drills": 4}))
        assert errors == {"drills": ["Số buổi diễn tập ít hơn năm trước."]}
        errors, _ = evaluate(safety_v1, {"drills": "nhiều", "rating": "Xuất sắc", "extra": 1})
        assert errors["has_gate_guard"] == ["Vui lòng nhập trường này."]
        assert errors["drills"] == ["Vui lòng nhập một số nguyên."]
        assert errors["rating"] == ["Vui lòng chọn một trong các giá trị: Tốt, Khá, Trung bình."]
        assert errors["extra"] == ["Trường này không có trong bộ tiêu chí."]
        # a set's own score callable wins over the hooks
        assert evaluate(plugin_host.criteria_set("demo.cyber"), {"trained": True}) == ({}, 42)


@pytest.mark.thidua_plugins("demo", "scorer")
def test_thidua_score_answers_before_the_default_scorer(app, plugin_host):
    with app.test_request_context():
        v2 = {"has_gate_guard": True, "drills": 1, "cameras": 2}
        assert evaluate(plugin_host.criteria_set("demo.safety", 2), v2) == ({}, 99)
        v1 = {"has_gate_guard": True, "drills": 1}
        assert evaluate(plugin_host.criteria_set("demo.safety", 1), v1) == ({}, 15.0)


def form_url(world, tenant, key):
    return f"/periods/{world.period.id}/tenants/{world.tenant(tenant).id}/criteria-sets/{key}"


def test_the_generated_form_renders_labels_units_choices_and_required_marks(
    world, client_as, enable_criteria_sets
):
    enable_criteria_sets("demo.safety", kinds=["school"])
    page = client_as("a1_reporter").get(form_url(world, "school-a1", "demo.safety"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>An toàn trường học (2)</h1>" in html
    assert re.search(r'for="input-drills">Số buổi diễn tập phòng cháy <abbr class="required"[^>]*>\*</abbr> '
                     r'<span class="unit">\(buổi\)</span>', html)
    assert 'type="checkbox" name="has_gate_guard"' in html
    assert "Mỗi buổi 5 điểm, tối đa 20 điểm." in html
    assert '<option value="Khá">Khá</option>' in html
    assert "Cần đính kèm minh chứng." in html
    assert 'name="csrf_token"' in html


def test_the_form_shows_vietnamese_errors_inline_then_the_score(world, client_as, enable_criteria_sets):
    enable_criteria_sets("demo.safety", kinds=["school"])
    client = client_as("a1_reporter")
    url = form_url(world, "school-a1", "demo.safety")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    bad = client.post(url, data={"csrf_token": token, "drills": "ba", "rating": "Khá"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert '<p class="field-error" id="error-drills">Vui lòng nhập một số nguyên.</p>' in html
    assert '<p class="field-error" id="error-cameras">Vui lòng nhập trường này.</p>' in html
    assert 'aria-describedby="error-drills"' in html
    assert 'value="ba"' in html  # the input keeps what was typed

    good = client.post(url, data={"csrf_token": token, "has_gate_guard": "on", "drills": "2",
                                  "cameras": "3", "rating": "Tốt"})
    assert good.status_code == 200
    # default scorer: 10 + 2 × 5 + 5 (cameras > 0) + 10 (Tốt)
    assert '<strong class="score">35</strong>' in good.get_data(as_text=True)  # written the Vietnamese way


def test_the_form_is_404_for_hidden_tenants_and_sets_not_enabled_for_them(
    world, client_as, enable_criteria_sets
):
    enable_criteria_sets("demo.safety", kinds=["school"])
    client = client_as("a1_reporter")
    assert client.get(form_url(world, "school-a2", "demo.safety")).status_code == 404
    assert client.get(form_url(world, "school-a1", "demo.cyber")).status_code == 404


@pytest.mark.thidua_plugins("demo", "raising")
def test_a_raising_hook_does_not_break_the_request(world, client_as, enable_criteria_sets, caplog):
    enable_criteria_sets("demo.safety", kinds=["school"])
    client = client_as("a1_reporter")
    url = form_url(world, "school-a1", "demo.safety")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "has_gate_guard": "on", "drills": "1",
                                      "cameras": "0"})
    assert response.status_code == 200
    assert '<strong class="score">15</strong>' in response.get_data(as_text=True)
    assert "plugin raising raised in thidua_validate" in [r.getMessage() for r in caplog.records]


def test_the_admin_page_enables_sets_for_tenant_kinds(world, client_as, api_as):
    client = client_as("city_admin")
    url = f"/periods/{world.period.id}/criteria-sets"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="enable" value="demo.safety"' in html
    assert 'name="kinds-demo.cyber" value="enterprise"' in html
    token = csrf_token_from(html)
    saved = client.post(url, data={"csrf_token": token, "enable": ["demo.cyber"],
                                   "kinds-demo.cyber": ["enterprise"], "weight-demo.cyber": "1,5"})
    assert saved.status_code == 302
    listed = api_as("city_admin").get(criteria_url(world)).get_json()["criteria_sets"]
    assert [(s["key"], s["tenant_kinds"], s["weight"]) for s in listed] == [
        ("demo.cyber", ["enterprise"], 1.5)]
    # Shown as it is read back ("1,5", never "1.5", which the form would refuse as ambiguous).
    assert 'name="weight-demo.cyber" value="1,5"' in client.get(url).get_data(as_text=True)
    for typed in ("1.5", "1.500"):  # ambiguous; fifteen hundred, past the bound of 1000
        refused = client.post(url, data={"csrf_token": token, "enable": ["demo.cyber"],
                                         "kinds-demo.cyber": ["enterprise"], "weight-demo.cyber": typed})
        assert refused.status_code == 422, typed
    listed = api_as("city_admin").get(criteria_url(world)).get_json()["criteria_sets"]
    assert listed[0]["weight"] == 1.5
    refused = client.post(url, data={"csrf_token": token, "enable": ["demo.cyber"], "weight-demo.cyber": "1"})
    assert refused.status_code == 422
    # No tenant kind chosen: said in words an admin reads, not a length rule.
    assert "Hãy chọn ít nhất một loại đơn vị cho bộ tiêu chí này." in refused.get_data(as_text=True)
    assert "Phải có ít nhất" not in refused.get_data(as_text=True)
    # The kinds read as their names.
    assert 'value="enterprise"> Doanh nghiệp</label>' in html


def test_the_admin_page_is_for_the_period_owners_admin(world, client_as):
    assert client_as("ward_admin").get(f"/periods/{world.period.id}/criteria-sets").status_code == 403


def test_sets_of_a_plugin_that_is_not_loaded_stay_enabled_and_show_as_unavailable(
    app, world, api_as, enable_criteria_sets, thidua_database_url, tmp_path
):
    from core.app import create_app
    from core.db.engine import database

    enable_criteria_sets("demo.safety", "demo.cyber", kinds=["school"])
    token_client = api_as("city_admin")
    without_demo = create_app({
        "ENV": "testing", "SECRET_KEY": "test", "DATABASE_URL": thidua_database_url,
        "INSTANCE_PATH": str(tmp_path / "other"), "THIDUA_PLUGINS": "scorer",
    })
    try:
        client = without_demo.test_client()
        client.environ_base.update(token_client.environ_base)
        listed = client.get(criteria_url(world)).get_json()["criteria_sets"]
        assert [(s["key"], s["version"], s["available"]) for s in listed] == [
            ("demo.safety", 2, False), ("demo.cyber", 1, False)]
        assert listed[0]["fields"] == [] and listed[0]["tenant_kinds"] == ["school"]
        # Saving the period again keeps them as they were; a new unknown key is still refused.
        kept = client.put(criteria_url(world), json=[{"key": "demo.safety", "tenant_kinds": ["school"]}])
        assert kept.status_code == 200
        assert [(s["key"], s["version"]) for s in kept.get_json()["criteria_sets"]] == [("demo.safety", 2)]
        refused = client.put(criteria_url(world), json=[{"key": "demo.other", "tenant_kinds": ["school"]}])
        assert refused.status_code == 422

        browser = without_demo.test_client()
        login(browser, "city_admin", world.password)
        page = browser.get(f"/periods/{world.period.id}/criteria-sets").get_data(as_text=True)
        assert 'name="enable" value="demo.safety" id="enable-demo.safety" checked' in page
        assert "Không khả dụng: plugin của bộ tiêu chí này chưa được tải." in page
    finally:
        database(without_demo).dispose()
