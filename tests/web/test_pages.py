"""Layout essentials and the error pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string

from tests.web.helpers import free_of_inline_code, text_of

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


@pytest.mark.parametrize("url", ["/", "/admin/tenants", "/admin/users", "/admin/periods"])
def test_pages_render_on_a_narrow_viewport(client_as, url):
    response = client_as("city_admin").get(url, headers={
        "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert VIEWPORT in html
    # Scripts only as files of the site, never inline (the CSP allows 'self' only).
    assert free_of_inline_code(html)
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_header_names_the_product_the_unit_and_the_user(client_as):
    html = client_as("ward_admin").get("/").get_data(as_text=True)
    assert 'class="brand" href="/">Thi Đua</a>' in html
    assert '<span class="topbar-unit"' in html and "Phường A</span>" in html
    assert '<a class="topbar-user" href="/account" title="Tài khoản">ward_admin</a>' in html
    assert 'href="/?lang=en"' in html and 'href="/?lang=vi"' in html


def test_not_found_page(client_as):
    response = client_as("ward_admin").get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in text_of(response)
    assert VIEWPORT in response.get_data(as_text=True)


def test_error_pages_leave_the_api_alone(app, world):
    response = app.test_client().get("/api/v1/khong-co")
    assert response.status_code == 404
    assert 'class="topbar"' not in response.get_data(as_text=True)


def test_server_error_page(app, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/hong")
    def broken():
        raise RuntimeError("hỏng")

    response = app.test_client().get("/hong")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra phía máy chủ" in text_of(response)
    assert "hỏng" not in text_of(response)


def test_language_links_keep_the_search(client_as):
    html = client_as("city_admin").get("/admin/tenants?q=truong").get_data(as_text=True)
    assert 'href="/admin/tenants?q=truong&amp;lang=en"' in html


def test_moments_show_in_hanoi_time_across_midnight(app):
    with app.test_request_context("/?lang=en"):
        rendered = render_template_string(
            "{{ moment|when }} {{ day|day }}", moment=datetime(2026, 12, 31, 17, 30, tzinfo=UTC),
            day=date(2027, 1, 2),
        )
    assert rendered == "01/01/2027 00:30 02/01/2027"


def test_other_pages_can_add_navigation_links(app, client_as):
    from flask_login import login_required

    from core.web.layout import _NAV_LINKS, add_nav_link

    @app.route("/thu-nghiem")
    @login_required
    def trial_page():
        return "ok"

    add_nav_link("trial_page", lambda: "Trang thử", visible=lambda: True)
    add_nav_link("trial_page", "trùng lặp")
    add_nav_link("missing.endpoint", "Không có trang")
    try:
        html = client_as("a1_reporter").get("/").get_data(as_text=True)
        assert html.count('href="/thu-nghiem"') == 1 and "Trang thử" in html
        assert 'href="/thu-nghiem" aria-current' not in html
        assert "Không có trang" not in html
    finally:
        added = ("trial_page", "missing.endpoint")
        _NAV_LINKS[:] = [link for link in _NAV_LINKS if link.endpoint not in added]
