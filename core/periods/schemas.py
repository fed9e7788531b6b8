"""marshmallow schemas for periods: what the API and the web forms accept and return."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.periods.models import KINDS, STATES, TIME_ZONE
from core.text.fields import Day, Deadline, Line, Moment, Text

VN = ZoneInfo(TIME_ZONE)
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,79}$"

_DEADLINE = ("Without an offset, Hanoi time; a date alone (2026-12-10) is the end of that day "
             "(23:59:59.999999), a time to the minute covers that whole minute")

# The dates of a period, in the order they must fall.
DATE_ORDER: tuple[str, ...] = ("opens_at", "due_at", "city_due_at", "closes_at")




class PeriodInputSchema(Schema):
    key = fields.String(
        required=True,
        validate=validate.Regexp(
            KEY_PATTERN, error=_l("Dùng 2–80 ký tự: chữ thường không dấu, chữ số, '.', '_' hoặc '-'.")
        ),
        metadata={"description": "Stable key, e.g. 2026-annual"},
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = Line(255, min_length=1, strip=True, required=True)
    description = Text(5000, load_default="")
    window_start = Day(load_default=None, allow_none=True)
    window_end = Day(load_default=None, allow_none=True)
    # Without an offset, Hanoi time. A deadline given as a date means the end of that day; one
    # typed to the minute covers the whole minute (core.text.fields.Deadline).
    opens_at = Moment(required=True, metadata={"description": "Without an offset, Hanoi time; a date "
                                                             "alone is the start of that day"})
    due_at = Deadline(required=True, metadata={"description": _DEADLINE})
    city_due_at = Deadline(required=True, metadata={"description": _DEADLINE})
    closes_at = Deadline(required=True, metadata={"description": _DEADLINE})

    @validates_schema
    def dates_in_order(self, data, partial=None, **kwargs):
        check_date_order(data)


def check_date_order(data: dict) -> None:
    """opens_at ≤ due_at ≤ city_due_at ≤ closes_at, and the window's start before its end."""
    errors: dict[str, list[str]] = {}
    labels = {
        "opens_at": _("thời điểm mở"),
        "due_at": _("hạn nộp của đơn vị"),
        "city_due_at": _("hạn tổng hợp của Thành phố"),
        "closes_at": _("thời điểm khóa sổ"),
    }
    present = [name for name in DATE_ORDER if data.get(name) is not None]
    for earlier, later in zip(present, present[1:], strict=False):
        if data[later] < data[earlier]:
            errors.setdefault(later, []).append(
                _("Không được sớm hơn %(other)s.", other=labels[earlier])
            )
    start, end = data.get("window_start"), data.get("window_end")
    if start and end and end < start:
        errors.setdefault("window_end", []).append(_("Ngày kết thúc kỳ phải sau ngày bắt đầu."))
    if errors:
        raise ValidationError(errors)


class PeriodUpdateSchema(PeriodInputSchema):
    """Load with ``partial=True``: every field optional; the merged result is checked again by the
    operation."""

    @validates_schema
    def dates_in_order(self, data, partial=None, **kwargs):
        # Checked by the operation against the stored values.
        return None


class PeriodSchema(Schema):
    id = fields.UUID(dump_only=True)
    key = fields.String()
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    owner_tenant_id = fields.UUID()
    window_start = fields.Date(allow_none=True)
    window_end = fields.Date(allow_none=True)
    opens_at = fields.AwareDateTime(format="iso")
    due_at = fields.AwareDateTime(format="iso")
    city_due_at = fields.AwareDateTime(format="iso")
    closes_at = fields.AwareDateTime(format="iso")
    time_zone = fields.String()
    state = fields.String(validate=validate.OneOf(STATES))
