"""The Excel round-trip: a unit's form as a workbook to fill offline, and the filled workbook read
back through the same draft save as the web form and the API.

Layout: a first sheet "Hướng dẫn" (unit, period, version, instructions; a hidden column A holds
machine keys), then one sheet per criteria set whose cell A1 holds the set key and whose rows
list the fields: name (hidden), label, unit, value, points, help. Only the value column is
unlocked; the sheets and the workbook structure are protected. A last, very hidden sheet
"_thidua_form" keeps the version and the values the form was made from, so that a copy edited
after the report moved on can be merged field by field (:func:`merge`).

An upload is scanned first within the configured caps (:mod:`core.reports.xlsx`), then read cell
by cell; see "Reading a filled workbook back" below for what is reported rather than guessed.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import fields as ma_fields
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from core.errors import Invalid
from core.periods.models import ReportingPeriod
from core.plugins.fields import describe
from core.plugins.manager import PluginHost
from core.plugins.numbers import read_number
from core.reports import evidence, operations, permissions, workbooks, xlsx
from core.reports.atomic import conflict, still_read
from core.reports.models import Submission
from core.reports.sections import check_draft, enabled_for, sections_of
from core.reports.view import report_view
from core.reports.workbooks import PlaceErrors
from core.tenants.models import Tenant
from core.text.edge import control_message, has_control, normalise
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
FORM_SHEET = "_thidua_form"  # very hidden: the version and the values the form was made from
_UNKNOWN = "\u2026"  # a downloaded value too long for a cell; a change of it is a conflict
_CELL_TEXT_LIMIT = 32_000  # Excel's cell holds at most 32,767 characters
_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


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
        ("", "3.", _("Tải tệp lên lại ở trang báo cáo của đơn vị. Mọi ô được kiểm tra; nếu có ô "
                     "sai, hệ thống báo theo trang tính, địa chỉ ô và tên tiêu chí, và không lưu gì.")),
        ("", "4.", _("Nếu báo cáo đã được cập nhật sau khi tải tệp này, những ô bạn sửa được gộp vào số "
                     "liệu mới; nếu cùng một tiêu chí đã bị sửa khác đi, tệp bị từ chối, hệ thống nêu "
                     "tên các tiêu chí đó và không ghi đè số liệu của người khác.")),
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


def _form_sheet(sheet: Worksheet, version: int, sections: list[dict[str, Any]]) -> None:
    """What the form was made from, for merging a copy edited after the report moved on: the
    version, then one row per saved value (set key, field, the value as JSON). Very hidden, so
    Excel's menus do not show it; the merge trusts it no more than the values typed beside it."""
    sheet.append(["version", version])
    for section in sections:
        for name, value in sorted((section.get("values") or {}).items()):
            text = json.dumps(value, ensure_ascii=False)
            sheet.append(["value", section["key"], name, text if len(text) <= _CELL_TEXT_LIMIT else _UNKNOWN])
    sheet.sheet_state = "veryHidden"
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
    _form_sheet(book.create_sheet(FORM_SHEET), view["version"], sections)
    book.security.lockStructure = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_name(tenant: Tenant, period: ReportingPeriod) -> str:
    return f"bao-cao-{tenant.slug}-{period.key}.xlsx"


# Reading a filled workbook back.
#
# Nothing is dropped or changed silently: every cell the reader cannot take as it is written
# (a formula Excel never calculated, an Excel error, merged value cells, a value outside the
# form, a row of the form gone or doubled, a value of the wrong type) is an error naming the
# sheet in full, the cell and the field's label, and one error anywhere saves nothing.


def _converted(kind: str, value: Any) -> tuple[Any, str | None]:
    """A cell's value as the schema expects it, or an error message. Text is taken as the edge
    takes every input: NFC (a choice typed with combining accents is the choice), control
    characters refused."""
    if isinstance(value, str):
        if has_control(value):
            return None, control_message()
        value = normalise(value).strip()
    if value is None or value == "":
        return None, None
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, datetime | date):
            return None, _("Phải là %(yes)s hoặc %(no)s.", yes=YES, no=NO)
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
        if isinstance(value, str):
            match = _DAY.match(value)
            if match:
                day, month, year = (int(part) for part in match.groups())
                try:
                    return date(year, month, day).isoformat(), None
                except ValueError:
                    pass
            return value, None  # ISO text; the schema judges it
        return None, _("Phải là một ngày, viết dd/MM/yyyy.")
    if isinstance(value, bool | datetime | date):
        return None, _("Phải là văn bản hoặc một lựa chọn trong danh sách, không phải ngày hay Có/Không.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value), None


def _cell_place(sheet: str, cell: str, label: str | None = None) -> str:
    if label:
        return _("Trang «%(sheet)s», ô %(cell)s (%(label)s)", sheet=sheet, cell=cell, label=label)
    return _("Trang «%(sheet)s», ô %(cell)s", sheet=sheet, cell=cell)


def _sheet_place(sheet: str, label: str | None = None) -> str:
    if label:
        return _("Trang «%(sheet)s» (%(label)s)", sheet=sheet, label=label)
    return _("Trang «%(sheet)s»", sheet=sheet)


def _guide(book) -> dict[str, Any]:
    if GUIDE_TITLE not in book.sheetnames:
        raise Invalid({"file": [_("Tệp không có trang «%(title)s»; hãy dùng biểu mẫu tải từ hệ thống.",
                                  title=GUIDE_TITLE)]})
    sheet = book[GUIDE_TITLE]
    return {str(row[0].value): row[2].value for row in sheet.iter_rows(min_row=1, max_row=10, max_col=3)
            if len(row) >= 3 and row[0].value}


@dataclass
class Upload:
    """A filled form as read: the version it was made from, the values per set (``None`` for an
    emptied cell) and, when the form carries it, what the report held when it was downloaded."""

    version: int
    sections: dict[str, dict[str, Any]]
    base: dict[str, dict[str, Any]] | None
    labels: dict[tuple[str, str], str]  # (set key, field) → label, for conflict messages
    places: dict[tuple[str, str], str]  # (set key, field) → where the value was read


def _base(book) -> tuple[int | None, dict[str, dict[str, Any]] | None]:
    """(version, values) written in the hidden sheet at download; (None, None) without one."""
    if FORM_SHEET not in book.sheetnames:
        return None, None
    sheet = book[FORM_SHEET]
    version: int | None = None
    values: dict[str, dict[str, Any]] = {}
    try:
        for row in sheet.iter_rows(max_col=4, values_only=True):
            kind = row[0] if row else None
            if kind == "version" and isinstance(row[1], int | float) and float(row[1]).is_integer():
                version = int(row[1])
            elif kind == "value" and isinstance(row[1], str) and isinstance(row[2], str):
                text = row[3]
                values.setdefault(row[1], {})[row[2]] = (
                    _UNKNOWN if text == _UNKNOWN else json.loads(text) if isinstance(text, str) else None)
    except (ValueError, TypeError, IndexError):
        return None, None
    return (version, values) if version is not None else (None, None)


def read_upload(
    db: Session, host: PluginHost, tenant: Tenant, period: ReportingPeriod, data: bytes,
    caps: xlsx.Limits | None = None,
) -> Upload:
    """The values of a filled form, checked cell by cell and by the sets' schemas.

    :raises Invalid: ``file`` for a file that cannot be read or is over the caps; otherwise one
        key per place (sheet in full, cell, field label), every error found, at most
        ``caps.max_errors`` places and then how many more.
    """
    caps = caps or workbooks.limits()
    book, scanned = workbooks.open_upload(data, caps)
    guide = _guide(book)
    if str(guide.get("tenant_id")) != str(tenant.id) or str(guide.get("period_id")) != str(period.id):
        raise Invalid({"file": [_("Tệp này là biểu mẫu của đơn vị hoặc kỳ báo cáo khác.")]})
    version, base = _base(book)
    if version is None:
        version = guide.get("version")
        if isinstance(version, float) and version.is_integer():
            version = int(version)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid({"file": [_("Không đọc được phiên bản báo cáo trong trang «%(title)s».",
                                  title=GUIDE_TITLE)]})
    described = {item["key"]: item for item in _sections_described(db, host, tenant, period)}
    errors = PlaceErrors(caps.max_errors)
    upload = Upload(version=version, sections={}, base=base, labels={}, places={})
    for sheet in book.worksheets:
        if sheet.title in (GUIDE_TITLE, FORM_SHEET):
            continue
        key = sheet.cell(1, NAME).value
        if not isinstance(key, str) or key not in described:
            errors.add(_sheet_place(sheet.title), _(
                "Trang tính này không ứng với bộ tiêu chí nào đơn vị báo cáo trong kỳ này; hãy dùng "
                "biểu mẫu tải từ hệ thống."))
            continue
        if key in upload.sections:
            errors.add(_sheet_place(sheet.title), _("Bộ tiêu chí này có hai trang tính trong tệp."))
            continue
        _read_sheet(sheet, described[key], scanned.get(sheet.title), errors, upload)
    for key, values in upload.sections.items():
        found, _stored = check_draft(described[key]["set"], _filled(values))
        for name, messages in found.items():
            place = upload.places.get((key, name)) or _sheet_place(described[key]["title"])
            errors.add(place, *messages)
    if errors:
        raise errors.invalid()
    return upload


def _read_sheet(sheet: Worksheet, section: dict[str, Any], scanned: xlsx.SheetScan | None,
                errors: PlaceErrors, upload: Upload) -> None:
    key, title, fields = section["key"], section["title"], section["fields"]
    uncalculated = scanned.uncalculated if scanned else {}
    excel_errors = scanned.excel_errors if scanned else {}
    merged_rows: set[int] = set()
    for cells in sheet.merged_cells.ranges:
        if cells.max_row >= FIRST_ROW and cells.min_col <= VALUE <= cells.max_col or \
                cells.max_row >= FIRST_ROW and cells.min_col == NAME:
            errors.add(_cell_place(title, cells.coord),
                       _("Các ô %(cells)s đang được gộp; mỗi tiêu chí cần ô giá trị riêng. Hãy bỏ gộp ô "
                         "rồi tải lên lại.", cells=cells.coord))
            merged_rows.update(range(max(cells.min_row, FIRST_ROW), cells.max_row + 1))
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        number = row[0].row
        name = row[NAME - 1].value
        for cell in row[HELP:]:
            if cell.value not in (None, ""):
                errors.add(_cell_place(title, cell.coordinate),
                           _("Ô này nằm ngoài biểu mẫu nên giá trị của nó không được đọc; hãy chuyển "
                             "số liệu vào cột «Giá trị» của tiêu chí."))
        if name in (None, ""):
            for cell in row[NAME:HELP]:
                if cell.value not in (None, "") and number not in merged_rows:
                    errors.add(_cell_place(title, cell.coordinate),
                               _("Ô này không thuộc dòng tiêu chí nào nên giá trị của nó không được đọc."))
            continue
        field = fields.get(str(name))
        if field is None:
            errors.add(_cell_place(title, f"A{number}"),
                       _("Dòng này không ứng với tiêu chí nào của bộ tiêu chí; hãy dùng biểu mẫu tải từ "
                         "hệ thống."))
            continue
        label = field["label"]
        upload.labels[(key, field["name"])] = label
        if field["name"] in seen:
            errors.add(_cell_place(title, f"A{number}", label),
                       _("Tiêu chí này có hai dòng (dòng %(first)s và dòng %(second)s).",
                         first=seen[field["name"]], second=number))
            continue
        seen[field["name"]] = number
        if number in merged_rows:
            continue
        address = f"{get_column_letter(VALUE)}{number}"
        place = _cell_place(title, address, label)
        upload.places[(key, field["name"])] = place
        if address in uncalculated:
            errors.add(place, _("Ô có công thức %(formula)s nhưng chưa có kết quả tính sẵn (tệp được tạo "
                                "bằng chương trình, không qua Excel). Hãy mở tệp bằng Excel rồi lưu lại, "
                                "hoặc nhập thẳng con số.", formula=uncalculated[address]))
            continue
        if address in excel_errors:
            errors.add(place, _("Ô đang báo lỗi %(error)s của Excel; hãy sửa công thức hoặc nhập thẳng "
                                "giá trị.", error=excel_errors[address]))
            continue
        value = row[VALUE - 1].value if len(row) >= VALUE else None
        converted, message = _converted(field["type"], value)
        if message:
            errors.add(place, message)
        else:
            values[field["name"]] = converted
    for name, field in fields.items():
        if name not in seen:
            errors.add(_sheet_place(title, field["label"]),
                       _("Không tìm thấy dòng của tiêu chí này trong trang tính; hãy dùng biểu mẫu tải "
                         "từ hệ thống."))
    upload.sections[key] = values


def _sections_described(
    db: Session, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
) -> Iterator[dict[str, Any]]:
    for item in enabled_for(db, host, period, tenant):
        if item.criteria_set is not None:
            yield {"key": item.row.key, "title": str(item.criteria_set.title), "set": item.criteria_set,
                   "fields": {f.name: f.as_dict() for f in describe(item.criteria_set)}}


def _filled(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _placed(errors: dict[str, list[str]], upload: Upload) -> dict[str, list[str]]:
    """save_draft names ``sections.<key>.<field>``; the person fixing the file needs the place."""
    placed: dict[str, list[str]] = {}
    for name, messages in errors.items():
        target = name
        for (key, field), place in upload.places.items():
            if name == f"sections.{key}.{field}":
                target = place
                break
        placed.setdefault(target, []).extend(messages)
    return placed


def merge(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any], names: set[str],
) -> tuple[dict[str, Any], list[str]]:
    """A field-level three-way merge of one set's values: ``base`` as downloaded, ``mine`` as
    uploaded (``None`` for an emptied cell), ``theirs`` as stored now; ``names`` are the fields
    the upload carries. A field the file left as downloaded keeps what is stored; a field the
    file changed takes the file's value where the stored one is still the downloaded one (or
    equal to the file's). Returns (merged values without empty ones, conflicting fields)."""
    merged = dict(theirs)
    conflicts = []
    for name in sorted(names):
        was, new, now = base.get(name), mine.get(name), theirs.get(name)
        if was is not _UNKNOWN and _same(new, was):
            continue
        if _same(new, now) or (was is not _UNKNOWN and _same(now, was)):
            merged[name] = new
        else:
            conflicts.append(name)
    return {n: v for n, v in merged.items() if v is not None}, conflicts


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a yes/no answer is not a count.
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def import_upload(
    db: Session, access: Access, host: PluginHost, tenant: Tenant, period: ReportingPeriod, data: bytes,
    now: datetime | None = None, caps: xlsx.Limits | None = None,
) -> Submission:
    """Save the values of a filled form as a draft, all of them or none.

    A form of the report's current version saves as it is. A form made from an older version
    (a second edited copy of the same download) is merged field by field with what was saved
    since (:func:`merge`, base = the values the form was downloaded with); a field changed both
    in the file and since, to different values, refuses the whole file with 409 naming the
    fields. Either way the save is the draft save's compare-and-set on the version read here,
    so a change landing in between answers 409 too."""
    operations.require(permissions.can_fill(access, tenant), access, tenant,
                       _("Chỉ cán bộ báo cáo hoặc thủ trưởng đơn vị được nhập báo cáo."))
    upload = read_upload(db, host, tenant, period, data, caps)
    submission = operations.find(db, tenant, period)
    current = submission.version if submission is not None else 0
    version = upload.version
    sections = {key: _filled(values) for key, values in upload.sections.items()}
    if upload.version != current and upload.base is not None and submission is not None \
            and upload.version < current:
        stored = sections_of(db, submission)
        described = {item["key"]: item for item in _sections_described(db, host, tenant, period)}
        conflicts: list[str] = []
        for key, values in upload.sections.items():
            _found, mine = check_draft(described[key]["set"], _filled(values))
            mine = {n: mine.get(n) for n in values}
            theirs = dict(stored[key].values or {}) if key in stored else {}
            sections[key], clashes = merge(upload.base.get(key, {}), mine, theirs, set(values))
            conflicts.extend(f"«{upload.labels.get((key, n), n)}»" for n in clashes)
        if conflicts:
            # The values were read after the report: a save landing in between makes the clash
            # one with a newer version than the one read, answered as a stale read (409 with the
            # version stored now), as a save that lost the claim is.
            still_read(db, submission, current)
            raise conflict(
                _("Báo cáo đã được cập nhật sau khi tải tệp này và các tiêu chí sau đã bị sửa khác với "
                  "tệp: %(fields)s. Chưa có gì được lưu; hãy tải biểu mẫu mới và nhập lại các tiêu chí đó.",
                  fields=", ".join(conflicts)), submission)
        version = current
    try:
        return operations.save_draft(db, access, host, tenant, period, version, sections, now=now)
    except Invalid as error:
        raise Invalid(_placed(error.errors, upload), error.message) from None
