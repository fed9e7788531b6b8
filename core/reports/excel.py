"""The Excel round-trip: a unit's form as a workbook to fill offline, and the filled workbook read
back through the same draft save as the web form and the API.

Layout: a first sheet "Hướng dẫn" (unit, period, version, instructions; a hidden column A holds
machine keys), then one sheet per criteria set whose cell A1 holds the set key and whose rows
list the fields: name (hidden), label, unit, value, points, help. Only the value column is
unlocked; the sheets and the workbook structure are protected.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import fields as ma_fields
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from core.errors import Invalid
from core.periods.models import ReportingPeriod
from core.plugins.fields import describe
from core.plugins.manager import PluginHost
from core.plugins.numbers import read_number
from core.reports import evidence, operations, permissions
from core.reports.models import Submission
from core.reports.sections import enabled_for
from core.reports.view import report_view
from core.tenants.models import Tenant
from core.text.numbers import NumberFormatError
from core.users.access import Access

CONTENT_TYPE = evidence.XLSX.content_type
GUIDE_TITLE = "Hướng dẫn"
FIRST_ROW = 3  # rows 1–2: set key and title, then the column headers
NAME, LABEL, UNIT, VALUE, POINTS, HELP = range(1, 7)
YES, NO = "Có", "Không"
_TRUE = {"có", "co", "x", "yes", "true", "1", "đúng", "dung"}
_FALSE = {"không", "khong", "no", "false", "0", "sai"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_VALUE_FILL = PatternFill("solid", fgColor="FFF8DC")
_EXCEL_LIST_LIMIT = 255
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _sheet_titles(titles: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    taken = {GUIDE_TITLE.lower()}
    result = []
    for title in titles:
        base = _SHEET_FORBIDDEN.sub(" ", title).strip(" '") or "Bộ tiêu chí"
        candidate, number = base[:31].rstrip(), 1
        while candidate.lower() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: 31 - len(suffix)].rstrip() + suffix
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def _points_text(points: Any) -> Any:
    if isinstance(points, dict):
        return "; ".join(f"{choice}: {value}" for choice, value in points.items())
    return points


def _cell_value(field: dict[str, Any], value: Any) -> Any:
    if value is None:
        return None
    if field["type"] == "boolean":
        return YES if value else NO
    if field["type"] == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _help_text(field: dict[str, Any]) -> str:
    parts = [field["help"]] if field.get("help") else []
    if field["type"] == "boolean":
        parts.append(_("Chọn %(yes)s hoặc %(no)s.", yes=YES, no=NO))
    if field.get("choices"):
        parts.append(_("Chọn một trong: %(choices)s.", choices=", ".join(map(str, field["choices"]))))
    low, high = field.get("minimum"), field.get("maximum")
    if low is not None or high is not None:
        parts.append(_("Từ %(low)s đến %(high)s.", low="…" if low is None else low,
                       high="…" if high is None else high))
    if field.get("required"):
        parts.append(_("Bắt buộc."))
    if field.get("evidence_required"):
        parts.append(_("Cần đính kèm minh chứng trên hệ thống."))
    return " ".join(parts)


def _validation(field: dict[str, Any]) -> DataValidation | None:
    """Excel's own check for choices, yes/no and ranges, where it can express them."""
    kind, low, high = field["type"], field.get("minimum"), field.get("maximum")
    if kind == "boolean":
        return DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    if field.get("choices"):
        listed = ",".join(map(str, field["choices"]))
        if len(listed) <= _EXCEL_LIST_LIMIT and not any("," in str(c) or '"' in str(c)
                                                         for c in field["choices"]):
            return DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        return None
    if kind in ("integer", "number") and (low is not None or high is not None):
        excel_type = "whole" if kind == "integer" else "decimal"
        if low is not None and high is not None:
            return DataValidation(type=excel_type, operator="between", formula1=str(low),
                                  formula2=str(high), allow_blank=True)
        if low is not None:
            return DataValidation(type=excel_type, operator="greaterThanOrEqual", formula1=str(low),
                                  allow_blank=True)
        return DataValidation(type=excel_type, operator="lessThanOrEqual", formula1=str(high),
                              allow_blank=True)
    if kind == "integer":
        return DataValidation(type="whole", operator="between", formula1="-2147483648",
                              formula2="2147483647", allow_blank=True)
    if kind == "number":
        return DataValidation(type="decimal", operator="between", formula1="-1E+300", formula2="1E+300",
                              allow_blank=True)
    return None


def _protect(sheet: Worksheet) -> None:
    # Without a password: the lock guards against slips, not against the unit's own staff, and
    # the upload never trusts the layout anyway (it reads field names, not positions).
    sheet.protection.sheet = True


def _guide_sheet(sheet: Worksheet, view: dict[str, Any]) -> None:
    sheet.title = GUIDE_TITLE
    rows = [
        ("tenant_id", _("Mã đơn vị (không sửa)"), str(view["tenant"]["id"])),
        ("tenant", _("Đơn vị"), view["tenant"]["name"]),
        ("period_id", _("Mã kỳ báo cáo (không sửa)"), str(view["period"]["id"])),
        ("period", _("Kỳ báo cáo"), view["period"]["title"]),
        ("version", _("Phiên bản báo cáo"), view["version"]),
        ("status", _("Trạng thái khi tải về"), view["status"]),
        ("", "", ""),
        ("", _("Cách điền"), ""),
        ("", "1.", _("Mỗi bộ tiêu chí nằm trên một trang tính riêng. Chỉ nhập vào cột «Giá trị» "
                     "(ô nền vàng); các cột khác được khoá.")),
        ("", "2.", _("Với câu hỏi Có/Không hoặc có danh sách lựa chọn, chọn giá trị trong danh sách "
                     "thả xuống. Để trống ô nếu chưa có số liệu.")),
        ("", "3.", _("Tải tệp lên lại ở trang báo cáo của đơn vị. Mọi dòng được kiểm tra; nếu có dòng "
                     "sai, hệ thống báo theo trang tính và số dòng và không lưu gì.")),
        ("", "4.", _("Nếu báo cáo đã được người khác cập nhật sau khi tải tệp này, hãy tải biểu mẫu mới: "
                     "tệp cũ sẽ bị từ chối để không ghi đè số liệu của người khác.")),
        ("", "5.", _("Minh chứng (tệp đính kèm) được tải lên trực tiếp trên hệ thống, không qua tệp Excel.")),
    ]
    for row in rows:
        sheet.append(list(row))
    for row in range(1, 7):
        sheet.cell(row, 2).font = Font(bold=True)
    sheet.cell(8, 2).font = Font(bold=True)
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 100
    for row in sheet.iter_rows(min_row=9, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    _protect(sheet)


def _set_sheet(sheet: Worksheet, section: dict[str, Any]) -> None:
    sheet.cell(1, NAME, section["key"])
    sheet.cell(1, LABEL, section["title"]).font = Font(bold=True, size=13)
    headers = {NAME: _("Mã trường"), LABEL: _("Tiêu chí"), UNIT: _("Đơn vị tính"), VALUE: _("Giá trị"),
               POINTS: _("Điểm"), HELP: _("Hướng dẫn")}
    for column, text in headers.items():
        cell = sheet.cell(2, column, text)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    for offset, field in enumerate(section["fields"]):
        row = FIRST_ROW + offset
        sheet.cell(row, NAME, field["name"])
        sheet.cell(row, LABEL, field["label"] + (" *" if field.get("required") else ""))
        sheet.cell(row, UNIT, field.get("unit"))
        value = sheet.cell(row, VALUE, _cell_value(field, section["values"].get(field["name"])))
        value.protection, value.fill = Protection(locked=False), _VALUE_FILL
        if field["type"] == "date":
            value.number_format = "DD/MM/YYYY"
        sheet.cell(row, POINTS, _points_text(field.get("points")))
        sheet.cell(row, HELP, _help_text(field) or None)
        validation = _validation(field)
        if validation is not None:
            validation.error = _("Giá trị không hợp lệ cho tiêu chí này.")
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(value)
        for column in (LABEL, HELP):
            sheet.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].hidden = True
    for letter, width in (("B", 55), ("C", 14), ("D", 18), ("E", 12), ("F", 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, LABEL)
    _protect(sheet)


def workbook_bytes(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
) -> bytes:
    """The unit's form, pre-filled with what is saved; for anyone who may read the report."""
    view = report_view(db, access, host, tenant, period)
    book = Workbook()
    _guide_sheet(book.active, view)
    sections = [s for s in view["sections"] if s["available"]]
    for title, section in zip(_sheet_titles([str(s["title"]) for s in sections]), sections, strict=True):
        _set_sheet(book.create_sheet(title), section)
    book.security.lockStructure = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_name(tenant: Tenant, period: ReportingPeriod) -> str:
    return f"bao-cao-{tenant.slug}-{period.key}.xlsx"


# Reading a filled workbook back.

def _converted(kind: str, value: Any) -> tuple[Any, str | None]:
    """A cell's value as the schema expects it, or an error message."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None, None
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, _("Phải là %(yes)s hoặc %(no)s.", yes=YES, no=NO)
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None, _("Phải là một số.")
        field = ma_fields.Integer() if kind == "integer" else ma_fields.Float()
        try:
            return read_number(field, value), None
        except NumberFormatError as error:
            return None, error.message
    if kind == "date":
        if isinstance(value, datetime):
            return value.date().isoformat(), None
        if isinstance(value, date):
            return value.isoformat(), None
        return str(value), None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value), None


def _rows(sheet: Worksheet) -> Iterator[tuple[int, Any, Any]]:
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=VALUE):
        name, value = row[NAME - 1].value, row[VALUE - 1].value
        if name is None and value is None:
            continue
        yield row[0].row, name, value


def _guide(book) -> dict[str, Any]:
    if GUIDE_TITLE not in book.sheetnames:
        raise Invalid({"file": [_("Tệp không có trang «%(title)s»; hãy dùng biểu mẫu tải từ hệ thống.",
                                  title=GUIDE_TITLE)]})
    sheet = book[GUIDE_TITLE]
    return {str(row[0].value): row[2].value for row in sheet.iter_rows(min_row=1, max_row=10, max_col=3)
            if row[0].value}


def _open(data: bytes):
    if evidence.sniff(data) is not evidence.XLSX:
        raise Invalid({"file": [_("Tệp tải lên phải là bảng tính Excel (.xlsx).")]})
    # A small upload may unpack to gigabytes; a filled form never comes near this.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise Invalid({"file": [_("Tệp Excel này quá lớn khi giải nén; "
                                      "hãy dùng biểu mẫu tải từ hệ thống.")]})
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise Invalid({"file": [_("Không đọc được tệp Excel này.")]}) from None


def read_upload(
    db: Session, host: PluginHost, tenant: Tenant, period: ReportingPeriod, data: bytes,
) -> tuple[int, dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """(version, sections, where) from a filled form; ``where`` names each value's sheet and row.
    Invalid with keys ``"<sheet>!row <n> (<field>)"`` for cells that cannot be read at all."""
    book = _open(data)
    guide = _guide(book)
    if str(guide.get("tenant_id")) != str(tenant.id) or str(guide.get("period_id")) != str(period.id):
        raise Invalid({"file": [_("Tệp này là biểu mẫu của đơn vị hoặc kỳ báo cáo khác.")]})
    version = guide.get("version")
    if isinstance(version, float) and version.is_integer():
        version = int(version)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid({"file": [_("Không đọc được phiên bản báo cáo trong trang «%(title)s».",
                                  title=GUIDE_TITLE)]})
    fields_of = {
        s["key"]: {f["name"]: f for f in s["fields"]}
        for s in _sections_described(db, host, tenant, period)
    }
    errors: dict[str, list[str]] = {}
    sections: dict[str, dict[str, Any]] = {}
    where: dict[tuple[str, str], str] = {}
    for sheet in book.worksheets:
        if sheet.title == GUIDE_TITLE:
            continue
        key = sheet.cell(1, NAME).value
        if not isinstance(key, str) or key not in fields_of:
            errors[sheet.title] = [_("Trang tính này không ứng với bộ tiêu chí nào đơn vị báo cáo "
                                     "trong kỳ này.")]
            continue
        values: dict[str, Any] = {}
        where[(key, "")] = sheet.title
        for row, name, value in _rows(sheet):
            place = f"{sheet.title}!row {row} ({name})"
            field = fields_of[key].get(str(name)) if name is not None else None
            if field is None:
                errors[place] = [_("Dòng này không ứng với tiêu chí nào của bộ tiêu chí.")]
                continue
            where[(key, field["name"])] = place
            converted, message = _converted(field["type"], value)
            if message:
                errors[place] = [message]
            elif converted is not None:
                values[field["name"]] = converted
        sections[key] = values
    if errors:
        raise Invalid(errors)
    return version, sections, where


def _sections_described(
    db: Session, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
) -> Iterator[dict[str, Any]]:
    for item in enabled_for(db, host, period, tenant):
        if item.criteria_set is not None:
            yield {"key": item.row.key, "fields": [f.as_dict() for f in describe(item.criteria_set)]}


def _placed(errors: dict[str, list[str]], where: dict[tuple[str, str], str]) -> dict[str, list[str]]:
    """save_draft names ``sections.<key>.<field>``; the person fixing the file needs sheet and row."""
    placed: dict[str, list[str]] = {}
    for name, messages in errors.items():
        _prefix, _dot, rest = name.partition(".")
        target = name
        for (key, field), place in where.items():
            if rest == key and not field:
                target = place
            elif field and rest == f"{key}.{field}":
                target = place
                break
        placed.setdefault(target, []).extend(messages)
    return placed


def import_upload(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod, data: bytes,
    now: datetime | None = None,
) -> Submission:
    """Save the values of a filled form as a draft, all of them or none. The version written in the
    file is the one the draft save checks, so a file older than the report answers 409."""
    operations.require(permissions.can_fill(access, tenant), access, tenant,
                       _("Chỉ cán bộ báo cáo hoặc thủ trưởng đơn vị được nhập báo cáo."))
    version, sections, where = read_upload(db, host, tenant, period, data)
    try:
        return operations.save_draft(db, access, host, tenant, period, version, sections, now=now)
    except Invalid as error:
        raise Invalid(_placed(error.errors, where), error.message) from None

