"""Nominees imported from an Excel sheet into a dossier, all or nothing, every bad row reported.

The first sheet holds a header row, then one nominee per row, in the columns named by the header
(in any order; other columns are ignored):

* ``Đối tượng``: ``Tập thể`` or ``Cá nhân`` (accents optional);
* ``Hình thức khen thưởng``: the award type's name or key;
* ``Đơn vị``: the collective, or the person's unit: its name, code or slug, in the proposer's
  subtree (empty for a person: the proposing unit);
* ``Họ và tên``, ``Chức vụ``: the person's (individuals only);
* ``Ghi chú``.

The upload is checked by content and bounded as the report forms are (:mod:`core.reports.xlsx`:
``THIDUA_EXCEL_MAX_*``) before it is loaded. Each row goes through the same checks as a nominee
added by hand (:func:`core.awards.operations.add_nominee`), so a duplicate within the file or
with another dossier is caught too; when any row fails, nothing is saved and every failing row is
named (up to ``THIDUA_EXCEL_MAX_ERRORS``, then a count).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.awards import operations
from core.awards.models import COLLECTIVE, INDIVIDUAL, AwardType
from core.awards.schemas import NomineeInputSchema
from core.errors import Invalid
from core.periods.models import ReportingPeriod
from core.reports import workbooks, xlsx
from core.tenants.models import Tenant
from core.text import fold, nfc
from core.users.access import Access

COLUMNS = {"doi tuong": "subject", "hinh thuc khen thuong": "award", "don vi": "unit",
           "ho va ten": "person_name", "chuc vu": "person_position", "ghi chu": "note"}
# Each field by the header of its column, as the sheet writes it.
HEADERS = {"subject": "Đối tượng", "award": "Hình thức khen thưởng", "unit": "Đơn vị",
           "person_name": "Họ và tên", "person_position": "Chức vụ", "note": "Ghi chú"}
SUBJECTS = {"tap the": COLLECTIVE, "collective": COLLECTIVE, "ca nhan": INDIVIDUAL, "individual": INDIVIDUAL}


def _rows(data: bytes, limits: xlsx.Limits) -> list[tuple[int, dict[str, str]]]:
    """The nominees' rows of the first sheet: (row number, field → text).

    Nothing is dropped or changed silently: a formula Excel never calculated, an Excel error,
    merged cells below the header and a value in a column without a header are each reported
    by sheet and cell (:func:`_unreadable_cells`), and then no row is read.

    :raises Invalid: on ``file``: the file, its header or its cells as above.
    """
    # Not read-only: merged cells are listed only by a fully loaded sheet (the caps bound it).
    book, scanned = workbooks.open_upload(data, limits)
    try:
        sheet = book.worksheets[0]
        found = []
        header: dict[int, str] = {}
        named: set[int] = set()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = ["" if v is None else nfc(str(v)) for v in row]
            if not header:
                header = {i: COLUMNS[fold(v)] for i, v in enumerate(values) if fold(v) in COLUMNS}
                named = {i for i, v in enumerate(values) if v}
                if not header:
                    raise Invalid({"file": [_(
                        "Dòng đầu của trang tính phải là tiêu đề các cột: Đối tượng, Hình thức khen thưởng, "
                        "Đơn vị, Họ và tên, Chức vụ, Ghi chú.")]})
                header_row = number
                continue
            if any(values):
                found.append((number, {name: values[i] for i, name in header.items() if i < len(values)}))
        if header:
            problems = _unreadable_cells(sheet, scanned.get(sheet.title), named, header_row)
            if problems:
                shown = problems[:limits.max_errors]
                if len(problems) > len(shown):
                    shown.append(_("và %(count)s lỗi khác", count=len(problems) - len(shown)))
                raise Invalid({"file": shown}, _("Chưa nhập: sửa các ô được nêu rồi tải lên lại."))
        return found
    except xlsx.READ_ERRORS:
        raise workbooks.unreadable() from None
    finally:
        book.close()


def _unreadable_cells(sheet: Any, scan: xlsx.SheetScan | None, named: set[int],
                      header_row: int) -> list[str]:
    """What the sheet holds below its header that cannot be read as written, one message per
    place (``Trang «…», ô C4: …``), in the sheet's order."""
    problems: list[tuple[int, int, str]] = []

    def place(row: int, column: int) -> str:
        return _("Trang «%(sheet)s», ô %(cell)s", sheet=sheet.title,
                 cell=f"{get_column_letter(column)}{row}")

    for cells in sheet.merged_cells.ranges:
        if cells.max_row > header_row:
            problems.append((cells.min_row, cells.min_col, _(
                "%(place)s: các ô %(cells)s đang được gộp; hãy bỏ gộp và ghi giá trị vào từng dòng.",
                place=place(cells.min_row, cells.min_col), cells=cells.coord)))
    for address, formula in (scan.uncalculated if scan else {}).items():
        column, row = coordinate_from_string(address)
        if row > header_row:
            problems.append((row, column_index_from_string(column), _(
                "%(place)s: công thức %(formula)s chưa được Excel tính ra giá trị; hãy mở tệp bằng Excel "
                "và lưu lại, hoặc nhập thẳng giá trị.", place=place(row, column_index_from_string(column)),
                formula=formula)))
    for address, error in (scan.excel_errors if scan else {}).items():
        column, row = coordinate_from_string(address)
        if row > header_row:
            problems.append((row, column_index_from_string(column), _(
                "%(place)s: ô đang báo lỗi %(error)s của Excel.",
                place=place(row, column_index_from_string(column)), error=error)))
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            if cell.column - 1 not in named and cell.value not in (None, ""):
                problems.append((cell.row, cell.column, _(
                    "%(place)s: giá trị nằm ở cột không có tiêu đề nên không được nhập; hãy chuyển nó vào "
                    "đúng cột hoặc xóa đi.", place=place(cell.row, cell.column))))
    return [message for _row, _column, message in sorted(problems)]


def _award_key(db: Session, text: str) -> str:
    folded = fold(text)
    for award in db.scalars(select(AwardType).where(AwardType.active.is_(True))):
        if folded in (fold(award.name), award.key):
            return award.key
    return text


def _unit_id(db: Session, proposer: Tenant, text: str) -> Any:
    if not text:
        return str(proposer.id)
    unit = db.scalar(select(Tenant).where(
        Tenant.path.startswith(proposer.path), Tenant.active.is_(True),
        or_(Tenant.name == text, Tenant.code == text, Tenant.slug == text)).limit(1))
    return str(unit.id) if unit is not None else str(uuid.UUID(int=0))


def import_nominees(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
                    data: bytes, version: int | None = None) -> int:
    """Add every row of the sheet to the dossier; returns the number added.

    :raises Invalid: the file is not a readable, bounded .xlsx, or has no header (``file``); one
        or more rows fail (``file``: ``"Dòng 4: …"`` per row, in order, each row's messages
        joined as sentences, :meth:`core.reports.workbooks.PlaceErrors.lines`).
    :raises NotFound, Forbidden, Conflict, StaleDossier: as :func:`operations.add_nominee`.
    """
    limits = workbooks.limits()
    operations.check_visible(db, access, period, dossier_id)
    rows = _rows(data, limits)
    if not rows:
        raise Invalid({"file": [_("Trang tính không có dòng nào để nhập.")]})
    proposer = db.get(Tenant, operations.dossier_unit(db, access, period, dossier_id))
    errors = workbooks.PlaceErrors(limits.max_errors)
    added = 0
    for number, row in rows:
        raw = {"subject": SUBJECTS.get(fold(row.get("subject", "")), row.get("subject", "")),
               "award": _award_key(db, row.get("award", "")),
               "unit": _unit_id(db, proposer, row.get("unit", "")),
               "person_name": row.get("person_name", ""), "person_position": row.get("person_position", ""),
               "note": row.get("note", "")}
        if version is not None and added == 0 and not errors:
            raw["version"] = version
        try:
            operations.add_nominee(db, access, period, dossier_id, NomineeInputSchema().load(raw))
            added += 1
        except ValidationError as error:
            errors.add(_("Dòng %(row)s", row=number), _("sai cột %(fields)s.", fields=", ".join(
                f"«{HEADERS.get(name, name)}»" for name in sorted(error.messages))))
        except Invalid as error:
            errors.add(_("Dòng %(row)s", row=number), *(m for ms in error.errors.values() for m in ms))
    if errors:
        raise Invalid({"file": errors.lines()}, _("Chưa nhập: sửa các dòng được nêu rồi tải lên lại."))
    return added
