"""Error pages in the user's language. Paths under /api/ are left to the API, which answers
in JSON."""

from __future__ import annotations

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from core.errors import ThiDuaError
from core.web import blueprint

API_PREFIX = "/api/"
LOGIN_ENDPOINT = "auth.login"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ"),
        403: _("Không có quyền truy cập"),
        404: _("Không tìm thấy"),
        405: _("Thao tác không được hỗ trợ"),
        409: _("Không thể thực hiện"),
        413: _("Dữ liệu gửi lên quá lớn"),
        422: _("Dữ liệu chưa hợp lệ"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Lỗi hệ thống"),
    }


def _messages() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy trang hoặc dữ liệu bạn yêu cầu."),
        405: _("Trang này không hỗ trợ thao tác bạn vừa gửi."),
        409: _("Thao tác không phù hợp với trạng thái hiện tại của dữ liệu."),
        413: _("Tệp hoặc dữ liệu gửi lên vượt quá dung lượng cho phép."),
        422: _("Dữ liệu chưa hợp lệ. Vui lòng kiểm tra lại."),
        429: _("Bạn đã gửi quá nhiều yêu cầu. Vui lòng đợi một lát rồi thử lại."),
        500: _("Đã có lỗi xảy ra phía máy chủ. Vui lòng thử lại sau."),
    }


def render_error(status: int, message: str | None = None):
    """The error page for ``status``; exposed so other surfaces can hand a page request over."""
    title = _titles().get(status, _("Đã có lỗi xảy ra"))
    message = message or _messages().get(status, title)
    return render_template("errors/error.html", status=status, title=title, message=message), status


@blueprint.app_errorhandler(ThiDuaError)
def operation_error(error: ThiDuaError):
    if is_api_request():
        return {"message": error.message}, error.status
    return render_error(error.status, error.message or None)


@blueprint.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    if is_api_request():
        return error
    return render_error(
        400, _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Vui lòng tải lại trang rồi thử lại.")
    )


@blueprint.app_errorhandler(429)
def too_many_requests(error: HTTPException):
    if is_api_request():
        return error
    if request.endpoint == LOGIN_ENDPOINT:
        return render_error(
            429, _("Bạn đã thử đăng nhập quá nhiều lần. Vui lòng đợi một lát rồi thử lại.")
        )
    return render_error(429)


@blueprint.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    if is_api_request():
        return error
    # The database may be what failed: the page must not query it again.
    g.plain_layout = True
    return render_error(500)


@blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if is_api_request() or error.code is None or error.code < 400:
        return error
    return render_error(error.code)
