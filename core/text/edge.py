"""What every input must satisfy before any schema reads it: the one validation layer at the
edge, shared by the API (JSON bodies, query strings, path values) and the web forms.

* Text is NFC (``"Hoàn thành"`` typed on a keyboard that decomposes accents equals the stored
  choice), so text that looks equal is equal.
* No control character: C0 and C1 controls, DEL, lone surrogates and the non-characters
  U+FFFE/U+FFFF. PostgreSQL refuses NUL in text (a 500 before this layer existed), the Excel
  form cannot hold C0 controls (every later download failed) and none of them can be typed.
  Tab, line feed and carriage return stay allowed: comments and reasons have lines. Fields that
  are a single line (names, titles, codes) refuse those too (:mod:`core.text.fields`).
* JSON: nesting at most :data:`MAX_DEPTH` deep, no ``NaN`` or ``Infinity`` (Python's reader
  accepts both, no standard JSON does), integers within 64 bits (the database's ``BIGINT``),
  finite floats.

Every refusal names the offending field (``sections.school.staff`` for JSON, the parameter's
name for a query string or a form) so that the surface can answer 4xx with it.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from core.text import labelled

#: Deepest nesting of arrays and objects a JSON body may have. The deepest body the API reads
#: (a report's sections → set → field → a list of rows → a row) is 5 levels.
MAX_DEPTH = 32
#: Integers must fit a signed 64-bit column (PostgreSQL ``BIGINT``, SQLite ``INTEGER``).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

# Allowed in multi-line text: tab, line feed, carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Not allowed in a single line either.
_LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[^\[\]{}]+")


class EdgeError(ValueError):
    """An input refused at the edge; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]], status: int = 422) -> None:
        super().__init__(labelled(errors))
        self.errors = errors
        self.status = status


def control_message() -> str:
    return _("Không được chứa ký tự điều khiển (như NUL, U+0001).")


def line_message() -> str:
    return _("Phải viết trên một dòng (không xuống dòng, không ký tự tab).")


def has_control(text: str) -> bool:
    """``text`` holds a character no input may hold (see the module's docstring)."""
    return _CONTROL.search(text) is not None


def has_line_break(text: str) -> bool:
    return _LINE_BREAK.search(text) is not None


def normalise(text: str) -> str:
    """NFC, without trimming (a surface or field type decides about spaces)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str, field: str) -> str:
    """``text`` in NFC.

    :raises EdgeError: it holds a control character (named after ``field``).
    """
    if has_control(text):
        raise EdgeError({field: [control_message()]})
    return normalise(text)


def _kept_raw(name: str) -> bool:
    # Passwords are compared as typed: normalising them would change what an existing hash
    # was made from. They are still refused with a control character.
    return "password" in name.lower()


def clean_pairs(pairs: Iterable[tuple[str, str]], field_prefix: str = "") -> list[tuple[str, str]]:
    """(name, value) pairs of a query string or a form: both in NFC, control characters
    refused (every offending field named at once).

    :raises EdgeError: with each offending parameter.
    """
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[str, str]] = []
    for name, value in pairs:
        if has_control(name) or (isinstance(value, str) and has_control(value)):
            label = "_schema" if has_control(name) else f"{field_prefix}{normalise(name)}"
            errors.setdefault(label, []).append(control_message())
            continue
        if isinstance(value, str) and not _kept_raw(name):
            value = normalise(value)
        cleaned.append((normalise(name), value))
    if errors:
        raise EdgeError(errors)
    return cleaned


def depth(raw: str) -> int:
    """How deep arrays and objects nest in the JSON text ``raw`` (0 for a scalar). Strings are
    skipped, so brackets inside them do not count; the text is not parsed, so a body nested
    deeper than Python's recursion limit is measured without recursing."""
    brackets = _BRACKETS.sub("", _STRING.sub("", raw))
    deepest = level = 0
    for char in brackets:
        if char in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def _constant(name: str) -> float:
    # NaN and Infinity become a non-finite float, refused by clean_value with the field's name.
    return math.nan


def _parse_int(text: str) -> int:
    # Python reads any number of digits in linear time, but the 4300-digit guard raises
    # ValueError; both bounds answer the same.
    if len(text.lstrip("-")) > 19:
        return INT_MAX + 1
    return int(text)


def _parse_float(text: str) -> float:
    return float(text)  # past the float range: inf, refused by clean_value


def load_json(raw: str) -> Any:
    """``raw`` parsed, every string in NFC, after the checks of the module's docstring.

    :raises EdgeError: the first offending field (``_schema`` for the body as a whole).
    :raises ValueError: ``raw`` is not JSON.
    """
    if depth(raw) > MAX_DEPTH:
        raise EdgeError({"_schema": [_("Dữ liệu lồng nhau quá %(n)d cấp.", n=MAX_DEPTH)]})
    value = json.loads(raw, parse_constant=_constant, parse_int=_parse_int,
                       parse_float=_parse_float)
    return clean_value(value)


def clean_value(value: Any, path: str = "") -> Any:
    """A parsed JSON value with every string (keys too) in NFC.

    :raises EdgeError: a string holds a control character, an integer is past 64 bits or a
        number is not finite; the error names its path (``a.b.0``).
    """
    field = path or "_schema"
    if isinstance(value, str):
        if has_control(value):
            raise EdgeError({field: [control_message()]})
        return value if _kept_raw(path.rsplit(".", 1)[-1]) else normalise(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise EdgeError({field: [_("Số nằm ngoài khoảng cho phép.")]})
        return value
    if isinstance(value, float):
        if math.isnan(value):
            raise EdgeError({field: [_("JSON không chấp nhận NaN hay Infinity; hãy gửi một số.")]})
        if not math.isfinite(value):
            raise EdgeError({field: [_("Số nằm ngoài khoảng cho phép.")]})
        return value
    if isinstance(value, Mapping):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            name = clean(key, field) if isinstance(key, str) else key
            child = f"{path}.{name}" if path else str(name)
            cleaned[name] = clean_value(item, child)
        return cleaned
    if isinstance(value, list):
        return [clean_value(item, f"{path}.{index}" if path else str(index))
                for index, item in enumerate(value)]
    return value
