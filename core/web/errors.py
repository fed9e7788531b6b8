"""Error pages in the user's language. Paths under /api/ are left to the API, which answers
in JSON."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from core.errors import ThiDuaError
from core.extensions import login_manager
from core.web import blueprint

API_PREFIX = "/api/"
LOGIN_ENDPOINT = "auth.login"


def is_api_request() -> bool:
    return is_api_path(request.path)


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


def render_error(status: int, message: str | None = None, back: str | None = None):
    """The error page for ``status``; exposed so other surfaces can hand a page request over.
    ``back`` offers a way back to the page the user came from (a form to send again)."""
    title = _titles().get(status, _("Đã có lỗi xảy ra"))
    message = message or _messages().get(status, title)
    return render_template("errors/error.html", status=status, title=title, message=message,
                           back=back), status


def page_before() -> str | None:
    """The page a form was sent from, when it is a page of this site (the Referer's path)."""
    if not request.referrer:
        return None
    parts = urlsplit(request.referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//") or is_api_path(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def to_login():
    """Where a browser goes when its session has ended (logged out on another device, expired):
    the login page, whose ``next`` brings the user back to the page they were on. After a form
    post that page is the form (the Referer), not the address the form posts to, which may have
    no page of its own; the report form then restores what was typed (``report-draft.js``)."""
    if request.method == "GET":
        target = request.full_path.rstrip("?")
        message = login_manager.login_message
    else:
        allows_get = request.url_rule is not None and "GET" in (request.url_rule.methods or ())
        target = page_before() or (request.path if allows_get else None)
        message = _("Phiên đăng nhập đã kết thúc nên thao tác vừa rồi chưa được thực hiện. "
                    "Vui lòng đăng nhập lại để tiếp tục.")
    flash(str(message), login_manager.login_message_category)
    return redirect(url_for(LOGIN_ENDPOINT, next=target) if target else url_for(LOGIN_ENDPOINT))


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
        400, _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Vui lòng tải lại trang rồi thử lại."),
        back=page_before(),
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
