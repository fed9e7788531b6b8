"""The matrix as an XLSX workbook, written by openpyxl in write-only mode while the rows are
read: memory stays flat whatever the number of units, and the file is streamed to the caller.

Layout: one sheet per kind of unit; three header rows — the criteria set (group), the criterion,
then "value / self points / reviewer's points" — and one row per unit: name, kind, status,
score, then three cells per criterion of the sets its kind fills. The first four columns and the
header rows are frozen.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from core.matrix.operations import Column, Group, MatrixRow
from core.reports.history import status_labels
from core.tenants.kinds import kind_label as default_kind_label

LEAD = 4  # name, kind, status, score


def write(out: IO[bytes], groups: list[Group], rows: Iterable[MatrixRow], *, english: bool = False,
          kind_label: Callable[[str], str] = default_kind_label,
          status_label: Callable[[str], str] | None = None) -> int:
    """Write the workbook to ``out``, one sheet per kind of unit with the criteria of the sets
    that kind fills (a school's sheet has no commune columns); returns the number of unit rows.

    Every word in it is in the caller's language (``english``, and the request's locale for the
    catalogue's words): kinds, statuses (a unit without a report is "Chưa bắt đầu", never its
    code), criteria with their units, and choices by their labels. Numbers stay numbers."""
    if status_label is None:
        statuses = status_labels()
        status_label = lambda code: statuses.get(code, code)  # noqa: E731
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheets: dict[str, tuple[Any, list[tuple[tuple[str, str], Column]]]] = {}

    def sheet_for(kind: str) -> tuple[Any, list[tuple[tuple[str, str], Column]]]:
        if kind in sheets:
            return sheets[kind]
        sheet = workbook.create_sheet(kind_label(kind)[:31] or kind)
        sheet.freeze_panes = "E4"
        sheet.column_dimensions["A"].width = 40
        groups_row: list[Any] = [None] * LEAD
        criteria_row: list[Any] = [None] * LEAD
        parts_row: list[Any] = [_("Đơn vị"), _("Loại"), _("Trạng thái"), _("Điểm")]
        columns = []
        for group in groups:
            if kind not in group.kinds:
                continue
            title = group.title_en if english else group.title
            for index, column in enumerate(group.columns):
                label = column.heading(english)
                groups_row += [title if index == 0 else None, None, None]
                criteria_row += [label, None, None]
                parts_row += [_("Giá trị"), _("Điểm tự chấm"), _("Điểm thẩm định")]
                columns.append(((group.set_key, column.field), column))
        for values in (groups_row, criteria_row, parts_row):
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                if value is not None:
                    cell.font, cell.alignment = bold, wrap
                cells.append(cell)
            sheet.append(cells)
        sheets[kind] = (sheet, columns)
        return sheets[kind]

    count = 0
    for row in rows:
        sheet, columns = sheet_for(row.kind)
        line: list[Any] = [row.name, kind_label(row.kind), status_label(row.status), row.score]
        cells = row.cells
        for key, column in columns:
            cell = cells.get(key)
            if cell is None:
                line += (None, None, None)
            else:
                line += (column.shown(cell.value, english), cell.self_points, cell.review_points)
        sheet.append(line)
        count += 1
    if not sheets:
        workbook.create_sheet(_("Ma trận tiêu chí"))
    workbook.save(out)
    return count


def to_temporary_file(build: Callable[[IO[bytes]], Any]) -> IO[bytes]:
    """Run ``build`` into an anonymous temporary file (on disk, not in memory) and rewind it, for
    the surface to stream; closing it removes it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller streams, then closes it
    try:
        build(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle
