"""Vietnamese validation messages for plugin schemas.

marshmallow's built-in messages are English; a fresh schema instance gets Vietnamese ones for
every message the plugin author did not write themselves.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import validate as ma_validate


@contextmanager
def default_locale_outside_requests() -> Iterator[None]:
    """Jobs and the CLI have no request to pick a locale from: use the app's default one."""
    if has_request_context() or not has_app_context():
        guard = nullcontext()
    else:
        guard = force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"))
    with guard:
        yield


def _field_messages() -> dict[str, str]:
    return {
        "required": _("Vui lòng nhập trường này."),
        "null": _("Trường này không được để trống."),
        "validator_failed": _("Giá trị không hợp lệ."),
        "invalid": _("Giá trị không hợp lệ."),
        "too_large": _("Số quá lớn."),
        "special": _("Không chấp nhận giá trị đặc biệt (NaN hoặc vô cực)."),
        "invalid_utf8": _("Chuỗi ký tự không hợp lệ."),
        "format": _("Không đọc được ngày tháng."),
    }


def _type_messages() -> dict[str, str]:
    return {
        "Boolean": _("Vui lòng chọn có hoặc không."),
        "Integer": _("Vui lòng nhập một số nguyên."),
        "Float": _("Vui lòng nhập một số."),
        "Decimal": _("Vui lòng nhập một số."),
        "Number": _("Vui lòng nhập một số."),
        "Date": _("Vui lòng nhập ngày theo dạng năm-tháng-ngày."),
        "DateTime": _("Vui lòng nhập ngày giờ hợp lệ."),
        "String": _("Vui lòng nhập văn bản."),
    }


def _translate_validator(validator: object) -> None:
    if isinstance(validator, ma_validate.OneOf):
        if validator.error == ma_validate.OneOf.default_message:  # not the plugin's own message
            validator.error = _("Vui lòng chọn một trong các giá trị: {choices}.")
        return
    if getattr(validator, "error", "set") is not None:
        return  # the plugin wrote its own message
    if isinstance(validator, ma_validate.Range):
        if validator.min is not None and validator.max is not None:
            validator.error = _("Giá trị phải từ {min} đến {max}.")
        elif validator.min is not None:
            validator.error = _("Giá trị không được nhỏ hơn {min}.")
        else:
            validator.error = _("Giá trị không được lớn hơn {max}.")
    elif isinstance(validator, ma_validate.Length):
        if validator.equal is not None:
            validator.error = _("Độ dài phải đúng {equal} ký tự.")
        elif validator.max is not None:
            validator.error = _("Không được dài quá {max} ký tự.")
        else:
            validator.error = _("Phải có ít nhất {min} ký tự.")


# (schema class, locale) → its localised instance. A criteria set's schema is a class fixed when
# its plugin loads, read on every report request; loading with an instance keeps no state on it.
_LOCALISED: dict[tuple[type[Schema], str], Schema] = {}
_LOCALISED_LIMIT = 512


def localised_schema(schema_class: type[Schema]) -> Schema:
    """An instance of ``schema_class`` whose default messages are in the current locale
    (Vietnamese first); one instance per class and locale, made on first use."""
    key = (schema_class, str(get_locale() or "vi"))
    schema = _LOCALISED.get(key)
    if schema is None:
        if len(_LOCALISED) >= _LOCALISED_LIMIT:
            _LOCALISED.clear()  # classes made at run time (tests, tables as data) must not pile up
        schema = _LOCALISED[key] = _localise(schema_class())
    return schema


def _localise(schema: Schema) -> Schema:
    schema.error_messages = {**schema.error_messages, "unknown": _("Trường này không có trong bộ tiêu chí.")}
    common = _field_messages()
    by_type = _type_messages()
    for field in schema.fields.values():
        defaults = {}
        for cls in reversed(type(field).__mro__):
            defaults.update(getattr(cls, "default_error_messages", {}) or {})
        for key, message in list(field.error_messages.items()):
            if defaults.get(key) != message:
                continue  # written by the plugin
            if key == "invalid":
                kind = next((c.__name__ for c in type(field).__mro__ if c.__name__ in by_type), None)
                field.error_messages[key] = by_type.get(kind, common["invalid"])
            elif key in common:
                field.error_messages[key] = common[key]
        if getattr(field, "validators", None):
            # The instance's fields share their validators with the class: translating them in
            # place would hand the first language's messages to every other one.
            field.validators = [copy.copy(v) for v in field.validators]
            for validator in field.validators:
                _translate_validator(validator)
    return schema
