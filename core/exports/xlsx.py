"""A report as an XLSX workbook, written by openpyxl in write-only mode: rows go to disk as they
are read, so memory stays flat whatever the number of units.

Sheets: "Báo cáo" (the heading, the totals, tables by kind of unit and by unit below the scope,
the distribution of classifications with its chart, the "An toàn về ANTT" results, the narrative,
the signature and recipients), "Chậm, thiếu" (the late and missing units), "Các đơn vị" (every
unit of the scope, for a consolidated report) or "Tiêu chí" (a unit's criteria and values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from core.exports.content import FigureLine, ReportContent, kind_name, status_name, value_text

Progress = Callable[[float], None]
FIGURE_HEADERS = ["Đơn vị / loại đơn vị", "Phải báo cáo", "Đã gửi", "Đã thẩm định", "Chậm", "Chưa gửi",
                  "Tỷ lệ đã gửi (%)", "Điểm bình quân", "An toàn về ANTT (đạt/đã xét)", "Xếp loại"]


# NĐ 30/2020, Phụ lục I: Times New Roman (Excel on the reader's machine has it; the PDF embeds
# the metric-compatible Liberation Serif instead), A4 portrait, margins top and bottom 20 mm,
# left 30 mm, right 15 mm (Excel counts margins in inches).
FONT = "Times New Roman"
MM = 1 / 25.4
MARGINS = PageMargins(left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM, header=10 * MM,
                      footer=10 * MM)
# Number formats: counts grouped, shares and scores with their decimals (Excel shows the
# separators of the reader's locale: 1.234 and 81,49 on a Vietnamese system).
COUNT, SHARE, SCORE = "#,##0", "0.0", "0.00"
FIGURE_FORMATS = [None, COUNT, COUNT, COUNT, COUNT, COUNT, SHARE, SCORE, None, None]
UNIT_FORMATS = [None, None, None, None, SCORE]


def _no_progress(_fraction: float) -> None:
    return None


class _Sheet:
    """A write-only sheet with bold cells where asked, and the number of the next row."""

    def __init__(self, workbook: Workbook, title: str, widths: Iterable[tuple[str, float]] = ()) -> None:
        self.sheet = workbook.create_sheet(title)
        for column, width in widths:
            self.sheet.column_dimensions[column].width = width
        self.sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.sheet.page_setup.orientation = Worksheet.ORIENTATION_PORTRAIT
        self.sheet.page_setup.fitToWidth, self.sheet.page_setup.fitToHeight = 1, 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.page_margins = MARGINS
        self.row = 0
        self.bold = Font(name=FONT, bold=True, size=12)
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def append(self, values: Iterable[Any], bold: bool = False, formats: Iterable[str | None] = ()) -> int:
        """Append one row: bold and wrapped when ``bold``; ``formats`` gives the number format of
        each cell in turn (None: general)."""
        if bold:
            cells = []
            for value in values:
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.font, cell.alignment = self.bold, self.wrap
                cells.append(cell)
            self.sheet.append(cells)
        elif formats:
            # A styled cell only where a number takes a format: a plain value costs much less.
            cells: list[Any] = []
            formats = list(formats)
            for index, value in enumerate(values):
                number_format = formats[index] if index < len(formats) else None
                if number_format and isinstance(value, int | float) and not isinstance(value, bool):
                    value = WriteOnlyCell(self.sheet, value=value)
                    value.number_format = number_format
                cells.append(value)
            self.sheet.append(cells)
        else:
            self.sheet.append(list(values))
        self.row += 1
        return self.row


def _figure_row(line: FigureLine) -> list[Any]:
    completeness = round(line.completeness * 100, 1) if line.completeness is not None else None
    return [line.label, line.expected, line.reported, line.approved, line.late, line.missing, completeness,
            line.score_mean, line.atantt_text, line.classification or ""]


def write(out: IO[bytes], content: ReportContent, progress: Progress = _no_progress) -> int:
    """Write the workbook of ``content`` to ``out``; returns the number of unit rows written.
    ``progress`` gets the share done (0–1) at least every 5 %."""
    workbook = Workbook(write_only=True)
    # Every cell without a style of its own takes font 0, the workbook's default: Times New Roman
    # (openpyxl has no public setting for it).
    workbook._fonts = IndexedList([Font(name=FONT, size=12, family=1)])
    main = _Sheet(workbook, "Báo cáo", [("A", 48), ("B", 14), ("C", 12), ("D", 14), ("E", 10), ("F", 12),
                                         ("G", 16), ("H", 14), ("I", 22), ("J", 16)])
    heading = content.heading
    if heading.parent_body:
        main.append([heading.parent_body])
    main.append([heading.issuer, None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], bold=True)
    main.append([heading.number, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    main.append([None, None, None, None, None, heading.date_line])
    main.append([])
    main.append([heading.type_name], bold=True)
    main.append([heading.summary], bold=True)
    main.append(["Kính gửi: " + "; ".join(heading.addressees)])
    main.append([content.source_line])
    main.append([content.level_line])
    main.append([])
    progress(0.05)

    main.append(["I. KẾT QUẢ CHUNG"], bold=True)
    main.append(FIGURE_HEADERS, bold=True)
    main.append(_figure_row(content.total), formats=FIGURE_FORMATS)
    main.append([])
    main.append(["II. THEO LOẠI ĐƠN VỊ"], bold=True)
    main.append(FIGURE_HEADERS, bold=True)
    for line in content.by_kind:
        main.append(_figure_row(line), formats=FIGURE_FORMATS)
    main.append([])
    if content.children:
        main.append(["III. THEO ĐƠN VỊ TRỰC THUỘC (XÃ, PHƯỜNG, SỞ, NGÀNH)"], bold=True)
        main.append(FIGURE_HEADERS, bold=True)
        for line in content.children:
            main.append(_figure_row(line), formats=FIGURE_FORMATS)
        main.append([])
    main.append(["IV. PHÂN BỐ XẾP LOẠI"], bold=True)
    main.append(["Xếp loại", "Số đơn vị", "Tỷ lệ (%)"], bold=True)
    first = main.row + 1
    for name, count, share in content.class_distribution:
        main.append([name, count, round(share * 100, 1) if share is not None else None],
                    formats=[None, COUNT, SHARE])
    last = main.row
    if last >= first:
        chart = BarChart()
        chart.type, chart.title, chart.legend = "bar", "Phân bố xếp loại", None
        chart.add_data(Reference(main.sheet, min_col=2, min_row=first, max_row=last), titles_from_data=False)
        chart.set_categories(Reference(main.sheet, min_col=1, min_row=first, max_row=last))
        main.sheet.add_chart(chart, f"L{first}")
    main.append([])
    main.append(["V. KẾT QUẢ \"AN TOÀN VỀ ANTT\""], bold=True)
    passed, decided = content.total.atantt
    main.append(["Đơn vị đạt", passed])
    main.append(["Đơn vị đã xét", decided])
    met = content.total.atantt_met
    met_text = "—" if met is None else ("Đạt" if met else "Chưa đạt")
    main.append(["Đạt tỷ lệ 70 % (TT 124/2021/TT-BCA)", met_text])
    main.append([])
    main.append([f"VI. ĐƠN VỊ CHẬM, CHƯA BÁO CÁO: {content.late_count} (xem trang \"Chậm, thiếu\")"],
                bold=True)
    main.append([])
    main.append(["VII. NHẬN ĐỊNH, ĐÁNH GIÁ"], bold=True)
    for paragraph in (content.narrative or "").splitlines() or [""]:
        main.append([paragraph])
    main.append([])
    main.append(["Nơi nhận:", None, None, None, None, heading.signature.title], bold=True)
    recipients = heading.recipient_lines()
    for index, line in enumerate(recipients):
        signer = heading.signature.name if index == len(recipients) - 1 else None
        main.append([line, None, None, None, None, signer])
    progress(0.1)

    written = 0
    if content.unit is not None:
        criteria = _Sheet(workbook, "Tiêu chí", [("A", 40), ("B", 60), ("C", 20)])
        unit = content.unit
        criteria.append(["Đơn vị", unit.name], bold=True)
        criteria.append(["Trạng thái", status_name(unit.status)])
        criteria.append(["Điểm", unit.score], formats=[None, SCORE])
        criteria.append(["Xếp loại", unit.classification or ""])
        criteria.append([])
        criteria.append(["Bộ tiêu chí", "Tiêu chí", "Giá trị"], bold=True)
        for line in content.criteria:
            label = f"{line.label} ({line.unit})" if line.unit else line.label
            criteria.append([line.set_title, label, value_text(line.value)])
        written = 1
    expected = max(content.total.expected, 1)
    late = _Sheet(workbook, "Chậm, thiếu", [("A", 48), ("B", 18), ("C", 36), ("D", 24), ("E", 10)])
    late.append(["Đơn vị", "Loại", "Thuộc", "Trạng thái", "Chậm"], bold=True)
    step = _Stepper(progress, 0.1, 0.3 if content.unit is None else 0.95, max(content.late_count, 1))
    for unit in content.late_units():
        late.append([unit.name, kind_name(unit.kind), content.commune_of(unit), status_name(unit.status),
                     "Có" if unit.late else ""])
        step()
    if content.unit is None:
        units = _Sheet(workbook, "Các đơn vị", [("A", 48), ("B", 18), ("C", 36), ("D", 24), ("E", 10),
                                                 ("F", 16), ("G", 10)])
        units.append(["Đơn vị", "Loại", "Thuộc", "Trạng thái", "Điểm", "Xếp loại", "Chậm"], bold=True)
        step = _Stepper(progress, 0.3, 0.95, expected)
        for unit in content.all_units():
            units.append([unit.name, kind_name(unit.kind), content.commune_of(unit), status_name(unit.status),
                          unit.score, unit.classification or "", "Có" if unit.late else ""],
                         formats=UNIT_FORMATS)
            written += 1
            step()
    workbook.save(out)
    progress(1.0)
    return written


class _Stepper:
    """Calls ``progress`` with a share between ``start`` and ``end`` each time another 1 % of
    ``total`` items is done (so well within every 5 %), and never past ``end``."""

    def __init__(self, progress: Progress, start: float, end: float, total: int) -> None:
        self.progress, self.start, self.end, self.total = progress, start, end, max(total, 1)
        self.done = 0
        self.every = max(self.total // 100, 1)

    def __call__(self) -> None:
        self.done += 1
        if self.done % self.every == 0:
            share = min(self.done / self.total, 1.0)
            self.progress(self.start + (self.end - self.start) * share)
