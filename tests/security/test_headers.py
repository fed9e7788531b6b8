"""Headers on every answer: nothing dynamic is stored by a browser or proxy, HSTS only over HTTPS
(as the trusted proxy hops say), browser features switched off; and text evidence is served with
one charset."""

from __future__ import annotations

import io

import pytest

from core.app import HSTS, PERMISSIONS_POLICY

EVIDENCE = "/tenants/{tenant}/periods/{period}/report/evidence"


def test_signed_in_pages_api_answers_and_the_login_form_are_not_stored(app, client_as, api_as):
    page = client_as("ward_admin").get("/")
    api = api_as("ward_admin").get("/api/v1/me")
    login_form = app.test_client().get("/login")
    for response in (page, api, login_form):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY
    static = app.test_client().get("/static/thidua.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_only_over_https(app):
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    secure = app.test_client().get("/login", base_url="https://thidua.example")
    assert secure.headers["Strict-Transport-Security"] == HSTS
    # Without trusted proxies, a forwarded scheme is the client's word and changes nothing.
    forged = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers


class TestBehindAProxy:
    @pytest.fixture
    def thidua_config(self):
        return {"TRUSTED_PROXIES": 1}

    def test_the_trusted_proxy_says_https(self, app):
        forwarded = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https",
                                                             "X-Forwarded-For": "203.0.113.7"})
        assert forwarded.headers["Strict-Transport-Security"] == HSTS
        plain = app.test_client().get("/login", headers={"X-Forwarded-Proto": "http"})
        assert "Strict-Transport-Security" not in plain.headers


class TestTextEvidence:
    @pytest.fixture
    def thidua_config(self, install_plugin):
        from tests.reports.conftest import FIXTURE

        install_plugin("rpt", {"thidua_rpt.py": FIXTURE.read_text(encoding="utf-8")})
        return {"THIDUA_PLUGINS": "rpt"}

    def test_a_text_file_is_served_with_one_charset_on_the_page_and_the_api(
            self, world, enable_criteria_sets, client_as, api_as):
        enable_criteria_sets("rpt.safety")
        base = EVIDENCE.format(tenant=world.tenant("school-a1").id, period=world.period.id)
        uploaded = api_as("a1_head").post("/api/v1" + base, data={
            "file": (io.BytesIO("Biên bản họp".encode()), "bien-ban.txt")})
        assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
        item = uploaded.get_json()
        assert item["content_type"] == "text/plain; charset=utf-8"
        for response in (api_as("ward_admin").get(item["download_url"]),
                         client_as("ward_admin").get(f"{base}/{item['id']}")):
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert response.get_data().decode("utf-8") == "Biên bản họp"
            assert response.headers["Content-Disposition"].startswith("attachment;")
