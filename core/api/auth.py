"""Who is calling: a bearer token, or the web session cookie with a CSRF token on writes."""

from __future__ import annotations

from flask import Response, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from core.api import blueprint
from core.api.errors import error_response
from core.api.routing import Operation, is_public, respond, route
from core.api.schemas import CsrfTokenSchema
from core.auth.context import current_access
from core.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def unauthorized() -> Response:
    return error_response(
        401, "unauthorized",
        _("Bạn cần đăng nhập hoặc gửi mã truy cập (Bearer token) hợp lệ."),
        headers={"WWW-Authenticate": 'Bearer realm="thidua"'},
    )


@blueprint.before_request
def authenticate() -> Response | None:
    if is_public(request.endpoint):
        return None
    if not current_user.is_authenticated:
        return unauthorized()
    if current_user.password_must_change:
        # After an admin's reset, the temporary password opens only the page where the user
        # chooses a new one (its tokens were revoked with the reset).
        return error_response(403, "password_change_required", _(
            "Quản trị viên đã đặt lại mật khẩu của bạn: hãy đăng nhập trên trang web và chọn mật "
            "khẩu mới trước khi dùng API."))
    # A cookie rides along on requests other sites trigger; a bearer header never does.
    if request.method not in SAFE_METHODS and not g.get("authenticated_by_token"):
        csrf.protect()
    current_access()  # sets the tenant context on the request's session
    return None


@route("/csrf-token", ["GET"], Operation(
    summary="CSRF token for writes made with the web session cookie",
    description="Send it back in the X-CSRFToken header on POST, PATCH, PUT and DELETE. "
                "Callers using a bearer token do not need it.",
    tag="auth", response=CsrfTokenSchema,
))
def csrf_token() -> Response:
    return respond(CsrfTokenSchema(), {"csrf_token": generate_csrf()})
