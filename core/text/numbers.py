"""Numbers as a Vietnamese user writes them: ``1.234,5``.

Vietnamese follows the convention of TCVN and of Nghị định 30/2020/NĐ-CP's document practice
(see the locale notes in the README): a dot groups thousands and a comma marks the decimals.
"1.500" is one thousand five hundred, never one and a half. One parser serves every surface
that receives a number as text (the API's string values, the web form, an Excel text cell), so
the same characters always mean the same number.

Text that cannot be read one way only is refused rather than guessed:

* ``1.5`` or ``0.500``: a dot that does not group exactly three digits after a non-zero lead
  could be an English decimal point;
* ``1,234.5``: English grouping;
* ``1e5``, ``0x10``, ``∞``, ``NaN``: not how anyone writes a count or an amount.

Spaces (including the no-break spaces spreadsheets insert) group thousands as dots do, in the
same three-digit shape.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

#: The most digits a number may carry, before and after the comma together. Counts and amounts
#: in the movement's criteria are far below this; it bounds the work and the column size.
MAX_DIGITS = 24

_SIGNS = {"-": -1, "+": 1, "\u2212": -1}
_SPACES = re.compile(r"[ \u00a0\u202f]")
_PLAIN = re.compile(r"^(?P<int>\d+)(?:,(?P<frac>\d+))?$")
_DOT_DECIMAL = re.compile(r"^\d+\.\d+$")
_GROUPED = re.compile(r"^(?P<int>[1-9]\d{0,2}(?:(?P<sep>[.\s])\d{3})(?:(?P=sep)\d{3})*)(?:,(?P<frac>\d+))?$")

HOW_TO_WRITE = _l("Viết số theo kiểu Việt Nam: dấu chấm ngăn cách hàng nghìn, dấu phẩy trước "
                  "phần thập phân, ví dụ 1.234,5 hoặc 1500.")
WHOLE_NUMBER = _l("Trường này cần một số nguyên; %(value)s có phần thập phân và không được làm tròn.")
DOT_DECIMAL = _l("Không rõ “%(value)s” là số nào: phần thập phân viết sau dấu phẩy (%(comma)s); "
                  "dấu chấm chỉ ngăn cách hàng nghìn (1.500).")
TOO_LONG = _l("Số có quá nhiều chữ số (tối đa %(digits)s).")


class NumberFormatError(ValueError):
    """Text that is not a number written the Vietnamese way; ``message`` says how to write it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_number(text: str, *, integer: bool = False) -> Decimal:
    """Read ``text`` written the Vietnamese way into an exact :class:`~decimal.Decimal`.

    ``"1.500"`` → ``Decimal("1500")``; ``"1.234,5"`` → ``Decimal("1234.5")``; ``"-0,25"`` →
    ``Decimal("-0.25")``; ``"1 500"`` → ``Decimal("1500")``.

    With ``integer=True`` a value with a non-zero fraction is refused, never truncated or
    rounded (``"2,0"`` is 2; ``"2,5"`` is an error).

    Raises :class:`NumberFormatError` with a Vietnamese message (lazy, rendered in the caller's
    language) for empty, ambiguous, over-long or non-numeric text.
    """
    raw = (text or "").strip()
    if not raw:
        raise NumberFormatError(str(HOW_TO_WRITE))
    sign = 1
    if raw[0] in _SIGNS:
        sign = _SIGNS[raw[0]]
        raw = raw[1:].strip()
    raw = _SPACES.sub(" ", raw)
    match = _PLAIN.match(raw) or _GROUPED.match(raw)
    if match is None:
        if _DOT_DECIMAL.match(raw):
            shown = text.strip()
            raise NumberFormatError(str(DOT_DECIMAL % {"value": shown, "comma": shown.replace(".", ",")}))
        raise NumberFormatError(str(HOW_TO_WRITE))
    whole = re.sub(r"[.\s]", "", match.group("int"))
    fraction = match.group("frac") or ""
    if len(whole.lstrip("0")) + len(fraction) > MAX_DIGITS:
        raise NumberFormatError(str(TOO_LONG % {"digits": MAX_DIGITS}))
    try:
        value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation as exc:  # pragma: no cover - the patterns admit digits only
        raise NumberFormatError(str(HOW_TO_WRITE)) from exc
    value = value * sign if value else Decimal(0)
    if integer:
        if value != value.to_integral_value():
            raise NumberFormatError(str(WHOLE_NUMBER % {"value": text.strip()}))
        return value.to_integral_value()
    return value


def read_number(value: Any, *, integer: bool = False) -> Any:
    """A number field's input as the surfaces receive it, read the one way: text through
    :func:`parse_number` (an exact :class:`~decimal.Decimal`, ``int`` when ``integer``), a JSON
    number as it is, except that a whole-number field refuses a fraction instead of truncating
    it. Anything else (``None``, booleans, lists, text without a digit such as ``"nhiều"``) is
    returned as given, for the field to refuse with its own message.

    :raises NumberFormatError: text that is not a number written the Vietnamese way, or a value
        with a fraction where a whole number is needed (the message says how to write it).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not any(character.isdigit() for character in value):
            return value
        number = parse_number(value, integer=integer)
        return int(number) if integer else number
    if integer and isinstance(value, float | Decimal):
        if not math.isfinite(value):
            return value  # the field refuses NaN and infinity with its own message
        if value != int(value):
            raise NumberFormatError(str(WHOLE_NUMBER % {"value": format_number(value)}))
        return int(value)
    return value


def format_number(value: Decimal | float | int, places: int | None = None) -> str:
    """Write a number the Vietnamese way: ``1234.5`` → ``"1.234,5"``.

    ``places`` fixes the digits after the comma (rounded half-even); without it the value's own
    digits are kept and trailing zeros dropped. :func:`parse_number` reads the result back to
    the same value.
    """
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    digits = f"{abs(number):f}"
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"
