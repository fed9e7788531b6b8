"""The field types every input schema is built from (marshmallow), so that one rule holds for a
kind of value wherever it is accepted: the API, the web forms' schemas and the command line.

* :class:`Text` and :class:`Line`: NFC, no control character (:mod:`core.text.edge`), a length
  bound that matches the column; a :class:`Line` (a name, a title, a code, a key) holds no line
  break either. Lengths count characters after normalisation, as the database does.
* :class:`Integer`: within 64 bits unless a narrower range is given; JSON numbers only when
  ``strict``. Text is read the Vietnamese way (:func:`core.text.numbers.read_number`:
  ``"1.500"`` is 1500) and a fraction is refused, never truncated (``2.5`` is not 2).
* :class:`Number`: a finite float (no NaN, no Infinity); text read the Vietnamese way
  (``"1.234,5"`` is 1234.5, ``"1.500"`` is 1500, ``"1.5"`` refused as ambiguous).
* :class:`Moment` and :class:`Deadline`: ISO 8601, read in Hanoi time when no offset is given,
  between :data:`FIRST_YEAR` and :data:`LAST_YEAR`. A :class:`Deadline` given as a date only
  (``2026-12-10``) means the end of that day in Hanoi (23:59:59.999999); one typed to the minute
  (``2026-12-10T17:00``) covers that whole minute. A :class:`Moment` (when something opens)
  given as a date means the start of the day.
* :class:`Day`: an ISO date in the same years.
* :class:`Objects`: in answers, a list of objects an operation built as plain JSON (a set's field
  descriptions, a dashboard's rows), written as they are.

These are the "validation at the edge" of the security rules: a value that passes them can be
stored by either database and written into the Excel form and the PDF documents.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from core.clock import HANOI
from core.text.edge import (
    INT_MAX,
    INT_MIN,
    control_message,
    has_control,
    has_line_break,
    line_message,
    normalise,
)
from core.text.numbers import NumberFormatError, read_number

#: Dates before or after these years are refused: no period, deadline or founding date of the
#: movement lies outside them, and every year in between converts to UTC and back.
FIRST_YEAR, LAST_YEAR = 1900, 2200

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A time of day given to the minute, no seconds: "2026-12-10T17:00", "…T17:00+07:00", "…Z".
_TO_THE_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
END_OF_DAY = time(23, 59, 59, 999999)
REST_OF_MINUTE = timedelta(seconds=59, microseconds=999999)


class Text(fields.String):
    """Text of at most ``max_length`` characters (after NFC), without control characters;
    lines allowed. ``strip`` trims surrounding white space first."""

    def __init__(self, max_length: int, *, min_length: int | None = None, strip: bool = False,
                 **kwargs: Any) -> None:
        given = kwargs.pop("validate", None) or []
        validators = [given] if callable(given) else list(given)
        validators.insert(0, validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)
        self.max_length = max_length
        self.strip = strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_control(text):
            raise ValidationError(control_message())
        text = normalise(text)
        return text.strip() if self.strip else text


class Line(Text):
    """One line of text: a name, a title, a code, a key, a search term."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_line_break(text):
            raise ValidationError(line_message())
        return text


def _vietnamese(value: Any, *, integer: bool) -> Any:
    """A number field's input read by the one parser; its message as the field's error."""
    try:
        return read_number(value, integer=integer)
    except NumberFormatError as error:
        raise ValidationError(error.message) from None


class Integer(fields.Integer):
    """An integer within 64 bits, or within ``minimum``–``maximum``. Text is read the Vietnamese
    way; a fraction (``2.5``, ``"2,5"``) is refused, never truncated."""

    def __init__(self, *, minimum: int = INT_MIN, maximum: int = INT_MAX, **kwargs: Any) -> None:
        given = kwargs.pop("validate", None) or []
        validators = [given] if callable(given) else list(given)
        validators.insert(0, validate.Range(min=minimum, max=maximum))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if self.strict and isinstance(value, str):
            return super()._deserialize(value, attr, data, **kwargs)  # refused: JSON numbers only
        return super()._deserialize(_vietnamese(value, integer=True), attr, data, **kwargs)


class Number(fields.Float):
    """A finite number (NaN and Infinity refused, whatever the surface parsed them from); text
    read the Vietnamese way."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_nan", False)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        number = super()._deserialize(_vietnamese(value, integer=False), attr, data, **kwargs)
        if not math.isfinite(number):
            raise ValidationError(_("Số nằm ngoài khoảng cho phép."))
        return number


def _year_message() -> str:
    return _("Năm phải từ %(first)d đến %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)


class Day(fields.Date):
    """An ISO date (``YYYY-MM-DD``) between :data:`FIRST_YEAR` and :data:`LAST_YEAR`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(_year_message())
        return day


class Moment(fields.AwareDateTime):
    """An instant: ISO 8601, Hanoi time without an offset; a date alone is the start of that
    day. Loaded values are aware datetimes."""

    #: Whether a date alone, or a time to the minute, reaches to the end of the day or minute.
    deadline = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "iso")
        kwargs.setdefault("default_timezone", HANOI)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and _DATE_ONLY.match(text):
            day = Day()._deserialize(text, attr, data)
            return datetime.combine(day, END_OF_DAY if self.deadline else time(0), tzinfo=HANOI)
        moment = super()._deserialize(text, attr, data, **kwargs)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise ValidationError(_year_message())
        if self.deadline and isinstance(text, str) and _TO_THE_MINUTE.match(text):
            moment = moment.replace(second=0, microsecond=0) + REST_OF_MINUTE
        return moment


class Deadline(Moment):
    """A deadline: a date alone means the end of that day in Hanoi (23:59:59.999999), a time
    typed to the minute covers that whole minute."""

    deadline = True


def end_of_minute(moment: datetime) -> datetime:
    """``moment`` (typed to the minute, as a ``datetime-local`` input sends it) stretched to the
    last microsecond of its minute: the rule :class:`Deadline` applies to text."""
    return moment.replace(second=0, microsecond=0) + REST_OF_MINUTE


class Objects(fields.List):
    """``List(Dict())`` whose objects are written as they are: a new list of the same objects,
    not each object copied key by key (54 field descriptions in every read of a report). For
    answers only, of objects already plain JSON; read, it is ``List(Dict())``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Dict(), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[Any] | None:
        return None if value is None else list(value)
