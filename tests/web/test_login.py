"""The login page, logout, and what happens to a session cookie afterwards."""

from __future__ import annotations

from core.testing.fixtures import csrf_token_from, login
from core.users import operations as user_ops
from core.users.access import SystemAccess
from tests.web.helpers import text_of

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def test_login_page_has_labelled_fields_and_works_on_a_phone(app, world):
    page = app.test_client().get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="vi">' in html
    assert '<label for="username">Tên đăng nhập</label>' in html
    assert '<label for="password">Mật khẩu</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "/static/thidua.css" in html


def test_the_name_field_says_how_a_unit_made_name_looks(app, world):
    html = app.test_client().get("/login").get_data(as_text=True)
    hint = html.split('<p class="hint" id="username-hint">', 1)[1].split("</p>", 1)[0]
    assert hint == "Tài khoản do quản trị viên đơn vị tạo có dạng tên@đơn-vị, ví dụ vana@phuong-ba-dinh."
    assert 'aria-describedby="username-hint"' in html
    english = app.test_client().get("/login?lang=en")
    assert ("Accounts created by a unit's admin look like name@unit, for example vana@phuong-ba-dinh."
            in text_of(english))


def test_stylesheet_is_served_by_the_app(app):
    response = app.test_client().get("/static/thidua.css")
    assert response.status_code == 200
    assert "@media (min-width: 48rem)" in response.get_data(as_text=True)


def test_login_success_lands_on_home(app, world):
    client = app.test_client()
    response = login(client, "ward_admin", world.password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Phường A" in text_of(home)


def test_unknown_user_and_wrong_password_get_the_same_answer(app, world):
    wrong_password = login(app.test_client(), "ward_admin", "not-the-password")
    unknown_user = login(app.test_client(), "nobody_here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert WRONG in text_of(wrong_password)
    assert WRONG in text_of(unknown_user)
    html = wrong_password.get_data(as_text=True)
    assert '<p class="flash flash-error" id="flash-1" role="alert">' in html
    # Both inputs point at the message, the name first at it and then at its hint.
    assert html.count('aria-describedby="flash-1 username-hint"') == 1
    assert html.count('aria-describedby="flash-1"') == 1


def test_anonymous_home_redirects_to_login(app, world):
    response = app.test_client().get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_without_csrf_token_is_refused(app, world):
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"username": "ward_admin", "password": world.password})
    assert response.status_code == 400
    assert "mã bảo vệ" in text_of(response)
    assert client.get("/").status_code == 302


def test_logout_is_a_post_with_csrf_and_ends_the_session(client_as):
    client = client_as("ward_admin")
    home = client.get("/")
    assert 'action="/logout"' in home.get_data(as_text=True)
    assert client.get("/logout").status_code == 405
    refused = client.post("/logout")
    assert refused.status_code == 400
    assert client.get("/").status_code == 200

    response = client.post("/logout", data={"csrf_token": csrf_token_from(home.get_data(as_text=True))})
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert "Bạn đã đăng xuất." in text_of(client.get("/login"))


def test_old_cookie_stops_working_after_password_change(app, client_as, world, db):
    client = client_as("ward_admin")
    cookie = client.get_cookie("thidua_session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("thidua_session", cookie.value)
    assert copy.get("/").status_code == 200

    with app.test_request_context():
        user_ops.set_password(
            db, SystemAccess(db=db, user=None), world.user("ward_admin"), "mat-khau-moi-2026"
        )
        db.commit()

    assert copy.get("/").status_code == 302
    assert client.get("/").status_code == 302
