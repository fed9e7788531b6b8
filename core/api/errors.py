"""One error shape for every answer of the API:
``{"error": {"code": "...", "message": "...", "fields": {name: [messages]}}}``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions
from werkzeug.exceptions import NotFound as RouteNotFound

from core.api import blueprint
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid, NotFound, ThiDuaError

PREFIX_KEY = "thidua_api_prefix"


class MalformedJson(Exception):
    """The request body is not JSON."""


class MissingBody(Exception):
    """An operation whose body is required was sent none."""


class UnsupportedMediaType(Exception):
    """A body sent to a JSON operation under another content type (a form, plain text)."""


def error_response(
    status: int, code: str, message: Any, fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None, details: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    body.update(details or {})
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# marshmallow writes its own messages in English; the API answers in the user's language like
# every other surface, so the common ones are rewritten here.
def _exact_messages() -> dict[str, str]:
    return {
        "Missing data for required field.": _("Trường này là bắt buộc."),
        "Unknown field.": _("Trường này không được chấp nhận."),
        "Field may not be null.": _("Trường này không được để trống."),
        "Invalid input type.": _("Nội dung gửi lên phải là một đối tượng JSON."),
        "Invalid value.": _("Giá trị không hợp lệ."),
        "Not a valid string.": _("Phải là một chuỗi ký tự."),
        "Not a valid utf-8 string.": _("Phải là một chuỗi ký tự."),
        "Not a valid integer.": _("Phải là một số nguyên."),
        "Not a valid number.": _("Phải là một số."),
        "Not a valid boolean.": _("Phải là true hoặc false."),
        "Not a valid UUID.": _("Phải là một mã định danh (UUID) hợp lệ."),
        "Not a valid datetime.": _("Phải là thời điểm theo định dạng ISO 8601."),
        "Not a valid date.": _("Phải là ngày theo định dạng ISO 8601 (YYYY-MM-DD)."),
        "Not a valid mapping type.": _("Phải là một đối tượng JSON."),
        "Not a valid list.": _("Phải là một danh sách."),
        "String does not match expected pattern.": _("Giá trị không đúng định dạng."),
    }


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (re.compile(r"Must be one of: (?P<choices>.*)\.$"),
     lambda choices: _("Phải là một trong các giá trị: %(choices)s.", choices=choices)),
    (re.compile(r"Length must be between (?P<low>\d+) and (?P<high>\d+)\.$"),
     lambda low, high: _("Độ dài phải từ %(low)s đến %(high)s ký tự.", low=low, high=high)),
    (re.compile(r"Longer than maximum length (?P<high>\d+)\.$"),
     lambda high: _("Không được dài quá %(high)s ký tự.", high=high)),
    (re.compile(r"Shorter than minimum length (?P<low>\d+)\.$"),
     lambda low: _("Phải có ít nhất %(low)s ký tự.", low=low)),
    (re.compile(r"Must be greater than or equal to (?P<low>-?[\d.]+) "
                r"and less than or equal to (?P<high>-?[\d.]+)\.$"),
     lambda low, high: _("Phải nằm trong khoảng từ %(low)s đến %(high)s.", low=low, high=high)),
    (re.compile(r"Must be greater than or equal to (?P<low>-?[\d.]+)\.$"),
     lambda low: _("Phải lớn hơn hoặc bằng %(low)s.", low=low)),
    (re.compile(r"Must be less than or equal to (?P<high>-?[\d.]+)\.$"),
     lambda high: _("Phải nhỏ hơn hoặc bằng %(high)s.", high=high)),
)


def localise(message: Any) -> str:
    text = str(message)  # lazy strings become plain text here
    exact = _exact_messages().get(text)
    if exact is not None:
        return exact
    for pattern, render in _PATTERNS:
        match = pattern.match(text)
        if match:
            return render(**match.groupdict())
    return text


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow nests errors of nested fields and lists; the API names them ``a.b.0``."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, texts in flatten_messages(value, name).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    if isinstance(messages, list | tuple):
        if all(not isinstance(m, dict | list | tuple) for m in messages):
            return {prefix or "_schema": [localise(m) for m in messages]}
        flat = {}
        for item in messages:
            for field, texts in flatten_messages(item, prefix).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    return {prefix or "_schema": [localise(messages)]}


def invalid_response(fields: dict[str, list[str]]) -> Response:
    return error_response(422, "invalid", _("Dữ liệu gửi lên không hợp lệ."), fields)


_CODES: dict[type[ThiDuaError], str] = {
    NotFound: "not_found",
    Forbidden: "forbidden",
    Conflict: "conflict",
    Invalid: "invalid",
}


def _rollback() -> None:
    session().rollback()


@blueprint.errorhandler(ThiDuaError)
def operation_error(exc: ThiDuaError) -> Response:
    _rollback()
    if isinstance(exc, Invalid):
        return invalid_response(flatten_messages(exc.errors))
    code = next((name for cls, name in _CODES.items() if isinstance(exc, cls)), "bad_request")
    return error_response(exc.status, code, exc.message or _("Yêu cầu không thể thực hiện."),
                          details=exc.details)


@blueprint.errorhandler(ValidationError)
def validation_error(exc: ValidationError) -> Response:
    _rollback()
    return invalid_response(flatten_messages(exc.normalized_messages()))


@blueprint.errorhandler(MalformedJson)
def malformed_json(exc: MalformedJson) -> Response:
    return error_response(400, "malformed_json", _("Nội dung gửi lên không phải là JSON hợp lệ."))


@blueprint.errorhandler(MissingBody)
def missing_body(exc: MissingBody) -> Response:
    return error_response(400, "missing_body", _("Thao tác này cần nội dung JSON gửi kèm."))


@blueprint.errorhandler(UnsupportedMediaType)
def unsupported_media_type(exc: UnsupportedMediaType) -> Response:
    return error_response(415, "unsupported_media_type",
                          _("Nội dung gửi lên phải là JSON, với Content-Type: application/json."))


def _http_message(exc: HTTPException) -> str:
    messages = {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Bạn cần đăng nhập hoặc gửi mã truy cập (Bearer token) hợp lệ."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy địa chỉ này trong API."),
        405: _("Địa chỉ này không hỗ trợ phương thức %(method)s.", method=request.method),
        413: _("Nội dung gửi lên quá lớn."),
        414: _("Địa chỉ yêu cầu (đường dẫn hoặc tham số) quá dài."),
        429: _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau."),
    }
    return messages.get(exc.code or 500, _("Đã có lỗi xảy ra trên máy chủ."))


def http_error_response(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = re.sub(r"[^a-z0-9]+", "_", (exc.name or "error").lower()).strip("_")
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return error_response(status, code, _http_message(exc), headers=headers)


def http_error(exc: HTTPException) -> Response:
    _rollback()
    if exc.code == 400 and type(exc).__name__ == "CSRFError":
        return error_response(400, "csrf_failed", _(
            "Thiếu hoặc sai mã chống giả mạo (CSRF). Gửi kèm tiêu đề X-CSRFToken, "
            "hoặc dùng mã truy cập Bearer."
        ))
    return http_error_response(exc)


# One handler per status code as well as the catch-all: Flask prefers an app-wide handler for a
# code (the web pages register some) over a blueprint's handler for a class.
blueprint.register_error_handler(HTTPException, http_error)
for _code in default_exceptions:
    blueprint.register_error_handler(_code, http_error)


@blueprint.record_once
def _remember_prefix(state) -> None:
    state.app.extensions[PREFIX_KEY] = (state.url_prefix or "").rstrip("/") + "/"


@blueprint.before_app_request
def routing_errors() -> Response | None:
    """Unknown paths and methods below the API prefix answer JSON, not the site's HTML pages.

    Routing fails before any blueprint is chosen, so the blueprint's own error handlers never see
    these; this app-wide hook only answers for paths under the API prefix."""
    exc = request.routing_exception
    if not isinstance(exc, RouteNotFound | MethodNotAllowed):
        return None
    prefix = current_app.extensions.get(PREFIX_KEY)
    if not prefix or not (request.path + "/").startswith(prefix):
        return None
    return http_error_response(exc)
