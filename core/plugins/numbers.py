"""Numbers in a criteria set's values, read the one way every surface reads them.

A value for a number field (``fields.Integer``, ``fields.Float``, ``fields.Decimal``…) may come
as a JSON number (the API), or as text: the API's string values, the web form's inputs and an
Excel text cell. Text is read by :func:`core.text.numbers.parse_number`, the Vietnamese
convention (``"1.500"`` is one thousand five hundred, ``"1.234,5"`` is 1234.5); marshmallow's
own reading (``float("1.500")`` = 1.5) never sees it. JSON numbers stay what they are.

A whole-number field refuses a value with a fraction, whether typed (``"2,5"``) or sent as a
JSON number (``2.5``); it is never truncated (marshmallow's ``Integer`` would make it 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import Schema
from marshmallow import fields as ma_fields

from core.text import numbers
from core.text.numbers import NumberFormatError

Errors = dict[str, list[str]]


def _as_field_type(field: ma_fields.Number, value: Decimal) -> Any:
    if isinstance(field, ma_fields.Integer):
        return int(value)
    if isinstance(field, ma_fields.Decimal):
        return value
    return float(value)


def read_number(field: ma_fields.Field, value: Any) -> Any:
    """``value`` for ``field`` with text read the Vietnamese way
    (:func:`core.text.numbers.read_number`); anything that is not a number field, not text or a
    number, or text without a digit, is returned as given for the schema to judge.

    :raises NumberFormatError: text that is not a number written the Vietnamese way, or a value
        with a fraction for a whole-number field (the message says how to write it).
    """
    if not isinstance(field, ma_fields.Number) or isinstance(value, bool):
        return value
    read = numbers.read_number(value, integer=isinstance(field, ma_fields.Integer))
    return _as_field_type(field, read) if isinstance(value, str) and read is not value else read


def read_numbers(schema: Schema, data: Mapping[str, Any]) -> tuple[Errors, dict[str, Any]]:
    """``data`` with every number field's value passed through :func:`read_number`; fields the
    schema does not declare are left for it to refuse. Returns (errors by field, values)."""
    errors: Errors = {}
    values = dict(data)
    for name, value in data.items():
        field = schema.fields.get(name)
        if field is None or value is None:
            continue
        try:
            values[name] = read_number(field, value)
        except NumberFormatError as error:
            errors[name] = [error.message]
    return errors, values
