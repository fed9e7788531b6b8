"""The Excel template of a table of criteria: sheet «Tiêu chí», one row per node in tree order.

Columns (the header row names them; their order may change): Mã, Cấp, Tên tiêu chí, Điểm tối
đa, Loại, Đơn vị tính, Chỉ tiêu, Điểm mỗi lần, Điểm cộng, Điểm trừ, Điểm tối thiểu, Minh chứng
(Có/Không), Hướng dẫn, and the optional So với dẫn đầu cụm (Có on a Định lượng row: scored
against the best of the unit's cluster). The parent of a row is the nearest row above it at a
smaller Cấp.

Reading is all or nothing: every wrong cell is reported by its row and column, up to the
configured number of errors, and no row is kept while any is wrong. The upload is first scanned
as a stream against the caps (:mod:`core.reports.xlsx`), so only a bounded file is loaded.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from marshmallow import fields as ma_fields
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from core.criteria_defs import tree
from core.errors import Invalid
from core.plugins.numbers import read_number
from core.reports import evidence, workbooks, xlsx
from core.reports.workbooks import PlaceErrors
from core.text import nfc
from core.text.numbers import NumberFormatError

SHEET = "Tiêu chí"
CODE, LEVEL, NAME, MAXIMUM, TYPE, UNIT, TARGET, PER_OCCURRENCE, BONUS, PENALTY, MINIMUM, EVIDENCE, GUIDE = (
    "Mã", "Cấp", "Tên tiêu chí", "Điểm tối đa", "Loại", "Đơn vị tính", "Chỉ tiêu", "Điểm mỗi lần",
    "Điểm cộng", "Điểm trừ", "Điểm tối thiểu", "Minh chứng", "Hướng dẫn")
LEADER = tree.LEADER_COLUMN
REQUIRED = (CODE, LEVEL, NAME, MAXIMUM, TYPE, UNIT, TARGET, PER_OCCURRENCE, BONUS, PENALTY, MINIMUM,
            EVIDENCE, GUIDE)
# The leader option came after the first tables were written: a file without it is still read.
COLUMNS = (*REQUIRED, LEADER)
YES, NO = "Có", "Không"
CONTENT_TYPE = evidence.XLSX.content_type
_WIDTHS = {CODE: 8, LEVEL: 6, NAME: 60, MAXIMUM: 12, TYPE: 14, UNIT: 12, TARGET: 10,
           PER_OCCURRENCE: 12, BONUS: 10, PENALTY: 10, MINIMUM: 12, EVIDENCE: 11, GUIDE: 50, LEADER: 14}
_TEXT_LIMITS = {CODE: 20, NAME: 500, UNIT: 40, GUIDE: 2_000}


class RowErrors(PlaceErrors):
    """Errors by row and column of the sheet, at most ``limit`` places kept and the rest counted."""

    def cell(self, row: int, column: str, message: str) -> None:
        self.add(_("Dòng %(row)s, cột «%(column)s»", row=row, column=column), message)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def number(value: Any, *, integer: bool = False) -> Decimal | None:
    """A cell's number: Excel's own, or text written the Vietnamese way (``1.234,5``).

    :raises NumberFormatError: text that is not such a number, a fraction where a whole number
        is needed, or a yes/no cell.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise NumberFormatError(_("Ô này cần một số."))
    field = ma_fields.Integer() if integer else ma_fields.Float()
    read = read_number(field, value.strip() if isinstance(value, str) else value)
    if isinstance(read, str) or not isinstance(read, int | float | Decimal):
        raise NumberFormatError(_("Ô này cần một số."))
    if integer and isinstance(read, float) and not read.is_integer():
        raise NumberFormatError(_("Ô này cần một số nguyên."))
    number = Decimal(str(read))
    if not number.is_finite():
        raise NumberFormatError(_("Ô này cần một số."))
    return number


def _header(sheet, errors: RowErrors) -> dict[str, int]:
    found: dict[str, int] = {}
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    for position, value in enumerate(first):
        name = _text(value)
        if name in COLUMNS and name not in found:
            found[name] = position
    for name in REQUIRED:
        if name not in found:
            errors.cell(1, name, _("Thiếu cột «%(column)s» ở dòng tiêu đề.", column=name))
    return found


def read(data: bytes, caps: xlsx.Limits | None = None) -> list[tree.Node]:
    """The linked nodes of an uploaded template (see :func:`core.criteria_defs.tree.link`).

    :raises Invalid: the file is not a bounded, readable .xlsx (on ``file``), has no sheet
        «Tiêu chí», or any cell is wrong; keys name the row and the column
        (``Dòng 5, cột «Điểm tối đa»``), nothing is kept.
    """
    caps = caps or workbooks.limits()
    book, scanned = workbooks.open_upload(data, caps)
    if SHEET not in book.sheetnames:
        raise Invalid({"file": [_("Tệp không có trang «%(title)s»; hãy dùng mẫu tải từ hệ thống.",
                                  title=SHEET)]})
    sheet = book[SHEET]
    scan = scanned.get(SHEET)
    errors = RowErrors(caps.max_errors)
    columns = _header(sheet, errors)
    if errors.kept:
        raise errors.invalid()
    nodes: list[tree.Node] = []
    rows: list[int] = []
    for row_number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(cell is not None and str(cell).strip() for cell in cells):
            continue
        node = _row(row_number, cells, columns, scan, errors)
        if node is not None:
            nodes.append(node)
            rows.append(row_number)
        if len(nodes) > tree.MAX_NODES:
            raise Invalid({"file": [_("Bảng có quá %(limit)s tiêu chí.", limit=tree.MAX_NODES)]})
    return _linked(nodes, rows, errors)


def _linked(nodes: list[tree.Node], rows: list[int], errors: RowErrors, *,
            sheet: bool = True) -> list[tree.Node]:
    if not nodes and not errors.kept:
        raise Invalid({"file": [_("Trang «%(title)s» chưa có tiêu chí nào.", title=SHEET)]})
    if not errors.kept:
        for (index, column), messages in tree.link(nodes, rows, sheet=sheet).items():
            for message in messages:
                errors.cell(rows[index], column, message)
    if errors.kept or errors.dropped:
        raise errors.invalid()
    return nodes


def from_cells(table: Sequence[Mapping[str, Any]]) -> list[tree.Node]:
    """The linked nodes of rows given as column → cell value (the editor's rows, numbered from
    2 as under the template's header), checked exactly as an imported sheet's; blank rows are
    left out. The messages fit the editor's page, which has no «Hướng dẫn» column.

    :raises Invalid: as :func:`read`, naming the row and the column.
    """
    if len(table) > tree.MAX_NODES:
        raise Invalid({"file": [_("Bảng có quá %(limit)s tiêu chí.", limit=tree.MAX_NODES)]})
    columns = {name: position for position, name in enumerate(COLUMNS)}
    errors = RowErrors(workbooks.limits().max_errors)
    nodes: list[tree.Node] = []
    rows: list[int] = []
    for row_number, values in enumerate(table, start=2):
        if blank(values):
            continue
        cells = [values.get(name) for name in COLUMNS]
        node = _row(row_number, cells, columns, None, errors)
        if node is not None:
            nodes.append(node)
            rows.append(row_number)
    return _linked(nodes, rows, errors, sheet=False)


def blank(values: Mapping[str, Any]) -> bool:
    """Whether an editor's row says nothing (a «Không» alone is the form's default)."""
    return not any(cell is not None and str(cell).strip() and cell != NO
                   for cell in (values.get(name) for name in COLUMNS))


def cells_of(node: tree.Node) -> dict[str, Any]:
    """A node as the template's cells, column → value (what :func:`workbook_bytes` writes)."""
    return dict(zip(COLUMNS, (
        node.code, node.level, node.name, _cell(node.maximum), tree.TYPE_WORDS[node.type],
        node.unit, _cell(node.target), _cell(node.per_occurrence), _cell(node.bonus),
        _cell(node.penalty), _cell(node.minimum), YES if node.evidence else NO, node.guide,
        YES if node.leader else (NO if node.type == tree.QUANTITATIVE else None),
    ), strict=True))


def _row(row_number: int, cells: Sequence[Any], columns: dict[str, int], scan: xlsx.SheetScan | None,
         errors: RowErrors) -> tree.Node | None:
    failed = False
    bad: set[str] = set()

    def cell(name: str) -> Any:
        position = columns.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    def fail(column: str, message: str) -> None:
        nonlocal failed
        failed = True
        bad.add(column)
        errors.cell(row_number, column, message)

    if scan is not None:
        for name, position in columns.items():
            address = f"{_letters(position + 1)}{row_number}"
            if address in scan.uncalculated:
                fail(name, _("Công thức %(formula)s chưa được Excel tính; hãy mở tệp bằng Excel, lưu lại "
                             "hoặc nhập thẳng giá trị.", formula=scan.uncalculated[address]))
            elif address in scan.excel_errors:
                fail(name, _("Ô có lỗi Excel %(error)s; hãy sửa thành một giá trị.",
                             error=scan.excel_errors[address]))
        if failed:
            return None
    texts = {}
    for name, limit in _TEXT_LIMITS.items():
        texts[name] = _text(cell(name))
        if len(texts[name]) > limit:
            fail(name, _("Dài quá %(limit)s ký tự.", limit=limit))
    if not texts[CODE]:
        fail(CODE, _("Hãy ghi mã của tiêu chí (ví dụ I., 1., 1.1, a))."))
    if not texts[NAME]:
        fail(NAME, _("Hãy ghi tên tiêu chí."))
    numbers: dict[str, Decimal | None] = {}
    for name in (LEVEL, MAXIMUM, TARGET, PER_OCCURRENCE, BONUS, PENALTY, MINIMUM):
        try:
            numbers[name] = number(cell(name), integer=name == LEVEL)
        except NumberFormatError as error:
            fail(name, error.message)
            numbers[name] = None
    level = numbers[LEVEL]
    if level is None and LEVEL not in bad:
        fail(LEVEL, _("Hãy ghi cấp của dòng (1 cho nhóm lớn nhất)."))
    elif level is not None and not 1 <= level <= tree.MAX_LEVEL:
        fail(LEVEL, _("Cấp là số từ 1 đến %(limit)s.", limit=tree.MAX_LEVEL))
    if numbers[MAXIMUM] is None and MAXIMUM not in bad:
        fail(MAXIMUM, _("Hãy ghi điểm tối đa."))
    for name in (MAXIMUM, TARGET, PER_OCCURRENCE, BONUS, PENALTY):
        value = numbers[name]
        if value is not None and not 0 <= value <= tree.MAX_POINTS:
            fail(name, _("Ghi một số từ 0 đến %(limit)s.", limit=_shown(tree.MAX_POINTS)))
    if numbers[MINIMUM] is not None and not -tree.MAX_POINTS <= numbers[MINIMUM] <= tree.MAX_POINTS:
        fail(MINIMUM, _("Ghi một số từ -%(limit)s đến %(limit)s.", limit=_shown(tree.MAX_POINTS)))
    kind = tree.type_of(_text(cell(TYPE)))
    if kind is None:
        fail(TYPE, _("Loại phải là một trong: %(types)s.", types=", ".join(tree.TYPE_WORDS.values())))
    proof, leader = _text(cell(EVIDENCE)), _text(cell(LEADER))
    for column, said in ((EVIDENCE, proof), (LEADER, leader)):
        if said.casefold() not in ("", YES.casefold(), NO.casefold()):
            fail(column, _("Cột «%(column)s» ghi «Có» hoặc «Không».", column=column))
    if failed or kind is None or level is None or numbers[MAXIMUM] is None:
        return None

    def as_float(name: str) -> float | None:
        value = numbers[name]
        return float(value) if value is not None else None

    node = tree.Node(
        code=texts[CODE], level=int(level), name=texts[NAME], maximum=float(numbers[MAXIMUM]),
        type=kind, unit=texts[UNIT] or None, target=as_float(TARGET),
        per_occurrence=as_float(PER_OCCURRENCE), bonus=as_float(BONUS), penalty=as_float(PENALTY),
        minimum=as_float(MINIMUM), evidence=proof.casefold() == YES.casefold(),
        guide=texts[GUIDE] or None, leader=leader.casefold() == YES.casefold(),
    )
    for column, messages in tree.check_node(node).items():
        for message in messages:
            fail(column, message)
    return None if failed else node


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _shown(value: Any) -> str:
    from core.text.numbers import format_number

    return format_number(Decimal(str(value)))


def _cell(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def workbook_bytes(nodes: Sequence[tree.Node], title: str = "") -> bytes:
    """The template, filled with ``nodes`` (empty: only the header), as .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for position, name in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=position)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[_letters(position)].width = _WIDTHS[name]
    sheet.freeze_panes = "A2"
    for node in nodes:
        sheet.append(list(cells_of(node).values()))
    last = max(len(nodes) + 1, 500)
    kinds = DataValidation(type="list", formula1='"' + ",".join(tree.TYPE_WORDS.values()) + '"',
                           allow_blank=True)
    kinds.add(f"{_letters(COLUMNS.index(TYPE) + 1)}2:{_letters(COLUMNS.index(TYPE) + 1)}{last}")
    proofs = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    for column in (EVIDENCE, LEADER):
        letter = _letters(COLUMNS.index(column) + 1)
        proofs.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(proofs)
    if title:
        book.properties.title = title[:255]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
