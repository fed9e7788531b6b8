"""The admin forms. Every message is Vietnamese first: WTForms ships no Vietnamese catalogue, so
the few fields that raise their own messages are wrapped here."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.errors import Invalid
from core.periods.models import KINDS as PERIOD_KINDS
from core.periods.schemas import VN
from core.tenants.kinds import CITY, CORE_KINDS
from core.text.fields import FIRST_YEAR, LAST_YEAR, end_of_minute
from core.users import passwords
from core.users.models import LOCAL_NAME_LENGTH, USERNAME_LENGTH
from core.users.roles import ROLES
from core.web import labels

REQUIRED = _l("Vui lòng điền mục này.")


def _required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Tối đa %(max)d ký tự.", max=n))


try:  # WTForms 3.3 wants SelectChoice objects; older releases take (value, label) pairs.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None


def option(value: str, text: str):
    return SelectChoice(value=value, label=text) if SelectChoice else (value, text)


class ChoiceField(SelectField):
    def pre_validate(self, form) -> None:
        allowed = set()
        for item in self.iter_choices():
            allowed.add(str(item.value if hasattr(item, "value") else item[0]))
        if self.data not in allowed:
            raise ValidationError(_l("Vui lòng chọn một mục trong danh sách."))


class HanoiDateTimeField(DateTimeLocalField):
    """A datetime-local input, read as Hanoi time (the time the officials mean). A ``deadline``
    covers the whole minute typed (17:00 runs to 17:00:59.999999), as the API's
    :class:`core.text.fields.Deadline` does."""

    def __init__(self, *args, deadline: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ngày giờ không hợp lệ.")) from None
        if isinstance(self.data, datetime):
            self.data = self.data.replace(tzinfo=VN)
            if not FIRST_YEAR <= self.data.year <= LAST_YEAR:
                self.data = None
                raise ValueError(_l("Năm phải từ %(first)d đến %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))
            if self.deadline:
                self.data = end_of_minute(self.data)

    def _value(self) -> str:
        if isinstance(self.data, datetime):
            return self.data.astimezone(VN).strftime("%Y-%m-%dT%H:%M")
        return super()._value()


class DayField(DateField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ngày không hợp lệ.")) from None


PLACEHOLDER = _l("— Chọn —")
DEADLINE_HELP = _l("Giờ Hà Nội. Hạn tính hết phút đã chọn (23:59 là hết ngày). Qua API, chỉ ghi ngày "
                   "(2026-12-10) là hết ngày đó.")


def kind_choices() -> list:
    """Kinds a unit may be registered as (the city is the root, never registered below)."""
    kinds = [kind for kind in CORE_KINDS if kind != CITY]
    named = (option(kind, labels.label(labels.TENANT_KINDS, kind)) for kind in kinds)
    return [option("", PLACEHOLDER), *named]


def role_choices() -> list:
    return [option(role, labels.label(labels.ROLES, role)) for role in ROLES]


class TenantForm(FlaskForm):
    parent = ChoiceField(_l("Trực thuộc"), validators=[InputRequired(message=REQUIRED)])
    name = StringField(_l("Tên đơn vị"), validators=[_required(), _at_most(255)])
    kind = ChoiceField(_l("Loại đơn vị"), validators=[InputRequired(message=REQUIRED)])
    code = StringField(_l("Mã đơn vị (nếu có)"), validators=[Optional(), _at_most(40)],
                       filters=[lambda v: v.strip() if v else None])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Per request, so the names follow the reader's language.
        self.kind.choices = kind_choices()


class NewUserForm(FlaskForm):
    # The local part: the account is named "local@<unit slug>" (core.users.operations.qualified_name).
    username = StringField(_l("Tên đăng nhập"), validators=[_required(), _at_most(LOCAL_NAME_LENGTH)])
    full_name = StringField(_l("Họ và tên"), validators=[_required(), _at_most(255)])
    password = PasswordField(
        _l("Mật khẩu ban đầu"),
        validators=[_required(), Length(min=passwords.MIN_LENGTH, max=1024,
                                        message=_l("Mật khẩu phải có ít nhất %(n)d ký tự.",
                                                   n=passwords.MIN_LENGTH))],
    )
    tenant = ChoiceField(_l("Tại đơn vị"), validators=[InputRequired(message=REQUIRED)])
    role = ChoiceField(_l("Vai trò"), validators=[InputRequired(message=REQUIRED)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class MembershipForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[_required(), _at_most(USERNAME_LENGTH)])
    tenant = ChoiceField(_l("Tại đơn vị"), validators=[InputRequired(message=REQUIRED)])
    role = ChoiceField(_l("Vai trò"), validators=[InputRequired(message=REQUIRED)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class PeriodForm(FlaskForm):
    key = StringField(_l("Mã kỳ báo cáo"), validators=[_required(), _at_most(80)],
                      description=_l("Ví dụ: 2026-nam. Không đổi được sau khi tạo."))
    kind = ChoiceField(_l("Loại kỳ"), validators=[InputRequired(message=REQUIRED)])
    title = StringField(_l("Tên kỳ báo cáo"), validators=[_required(), _at_most(255)])
    description = TextAreaField(_l("Mô tả"), validators=[Optional(), _at_most(5000)])
    window_start = DayField(_l("Số liệu từ ngày"), validators=[Optional()])
    window_end = DayField(_l("Số liệu đến ngày"), validators=[Optional()])
    opens_at = HanoiDateTimeField(_l("Mở nhận báo cáo"), validators=[InputRequired(message=REQUIRED)])
    # Deadlines cover the whole minute typed: 17:00 is met until 17:00:59.999999 (Hanoi time).
    due_at = HanoiDateTimeField(_l("Hạn nộp của đơn vị"), validators=[InputRequired(message=REQUIRED)],
                                deadline=True, description=DEADLINE_HELP)
    city_due_at = HanoiDateTimeField(_l("Hạn tổng hợp của Thành phố"),
                                     validators=[InputRequired(message=REQUIRED)], deadline=True,
                                     description=DEADLINE_HELP)
    closes_at = HanoiDateTimeField(_l("Khóa sổ"), validators=[InputRequired(message=REQUIRED)],
                                   deadline=True, description=DEADLINE_HELP)

    DATA_FIELDS = ("key", "kind", "title", "description", "window_start", "window_end",
                   "opens_at", "due_at", "city_due_at", "closes_at")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [option(k, labels.label(labels.PERIOD_KINDS, k)) for k in PERIOD_KINDS]

    def schema_input(self, *, include_key: bool = True) -> dict:
        """The form's values in the shape the period schemas load."""
        data = {}
        for name in self.DATA_FIELDS:
            if name == "key" and not include_key:
                continue
            value = getattr(self, name).data
            if name == "description":
                value = value or ""
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data


def apply_errors(form: FlaskForm, errors: dict[str, list[str]] | Invalid) -> list[str]:
    """Put an operation's or a schema's errors on the form's fields; what no field shows comes
    back to be shown above the form."""
    if isinstance(errors, Invalid):
        errors = errors.errors
    unplaced: list[str] = []
    for name, messages in errors.items():
        messages = messages if isinstance(messages, list) else [str(messages)]
        field = form._fields.get(name)
        if field is None:
            unplaced.extend(str(m) for m in messages)
        else:
            field.errors = [*field.errors, *(str(m) for m in messages)]
    return unplaced
