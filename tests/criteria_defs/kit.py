"""Workbooks of criteria tables for the tests, written as an office would."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from core.criteria_defs.excel import COLUMNS, SHEET

# Mã, Cấp, Tên, Điểm tối đa, Loại, then keyword columns.
FIVE_LEVELS: list[dict[str, Any]] = [
    {"Mã": "I.", "Cấp": 1, "Tên tiêu chí": "Công tác lãnh đạo", "Điểm tối đa": 100, "Loại": "Nhóm"},
    {"Mã": "1.", "Cấp": 2, "Tên tiêu chí": "Xây dựng kế hoạch", "Điểm tối đa": 100, "Loại": "Nhóm"},
    {"Mã": "1.1", "Cấp": 3, "Tên tiêu chí": "Kế hoạch năm", "Điểm tối đa": 100, "Loại": "Nhóm"},
    {"Mã": "a)", "Cấp": 4, "Tên tiêu chí": "Nội dung kế hoạch", "Điểm tối đa": 100, "Loại": "Nhóm"},
    {"Mã": "-", "Cấp": 5, "Tên tiêu chí": "Số buổi tuyên truyền", "Điểm tối đa": 40, "Loại": "Định lượng",
     "Đơn vị tính": "buổi", "Chỉ tiêu": 10},
    {"Mã": "+", "Cấp": 5, "Tên tiêu chí": "Ban hành kế hoạch", "Điểm tối đa": 20, "Loại": "Định tính",
     "Minh chứng": "Có"},
    {"Mã": "*", "Cấp": 5, "Tên tiêu chí": "Tự đánh giá phong trào", "Điểm tối đa": 20, "Loại": "Tự chấm"},
    {"Mã": "#", "Cấp": 5, "Tên tiêu chí": "Tin báo tội phạm", "Điểm tối đa": 10, "Loại": "Điểm cố định",
     "Đơn vị tính": "tin", "Điểm mỗi lần": 2},
    {"Mã": "~", "Cấp": 5, "Tên tiêu chí": "Khen thưởng, vi phạm", "Điểm tối đa": 10, "Loại": "Cộng/trừ",
     "Điểm cộng": 3, "Điểm trừ": 2, "Điểm tối thiểu": -10},
    {"Mã": "II.", "Cấp": 1, "Tên tiêu chí": "Kết quả", "Điểm tối đa": 50, "Loại": "Định tính",
     "Hướng dẫn": "Đạt khi không để xảy ra vụ việc phức tạp."},
]


def rows(*changes: tuple[int, str, Any],
         base: Sequence[dict[str, Any]] = FIVE_LEVELS) -> list[dict[str, Any]]:
    """``base`` with (index, column, value) changes."""
    copied = [dict(row) for row in base]
    for index, column, value in changes:
        copied[index][column] = value
    return copied


def workbook(table: Sequence[dict[str, Any]], *, sheet: str = SHEET,
             columns: Sequence[str] = COLUMNS) -> bytes:
    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(list(columns))
    for row in table:
        page.append([row.get(name) for name in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def big_table() -> list[dict[str, Any]]:
    """230 rows, 1.000 points, five levels: 5 groups of 200 points at level 1, each with 2
    groups of 100 at level 2, each with 2 groups of 50 at level 3, each with one group of 50 at
    level 4 holding 7 leaves (10, 10, 10, 5, 5, 5, 5) at level 5: 5 + 10 + 20 + 20 + 140 = 195
    rows, topped up to 230 by a 6th level-1 group of 0 points with 34 leaves noted."""
    table: list[dict[str, Any]] = []
    kinds = [("Định lượng", {"Chỉ tiêu": 12, "Đơn vị tính": "buổi"}), ("Định tính", {}), ("Tự chấm", {}),
             ("Điểm cố định", {"Điểm mỗi lần": 1}), ("Cộng/trừ", {"Điểm cộng": 1, "Điểm trừ": 1}),
             ("Định tính", {"Minh chứng": "Có"}), ("Định lượng", {"Chỉ tiêu": 3})]
    maxima = [10, 10, 10, 5, 5, 5, 5]
    for i in range(1, 6):
        table.append({"Mã": f"{i}.", "Cấp": 1, "Tên tiêu chí": f"Nhóm {i}", "Điểm tối đa": 200,
                      "Loại": "Nhóm"})
        for j in range(1, 3):
            table.append({"Mã": f"{i}.{j}", "Cấp": 2, "Tên tiêu chí": f"Nhóm {i}.{j}", "Điểm tối đa": 100,
                          "Loại": "Nhóm"})
            for k in range(1, 3):
                table.append({"Mã": f"{i}.{j}.{k}", "Cấp": 3, "Tên tiêu chí": f"Nhóm {i}.{j}.{k}",
                              "Điểm tối đa": 50, "Loại": "Nhóm"})
                table.append({"Mã": "a)", "Cấp": 4, "Tên tiêu chí": "Nội dung", "Điểm tối đa": 50,
                              "Loại": "Nhóm"})
                for n, ((kind, extra), top) in enumerate(zip(kinds, maxima, strict=True), start=1):
                    table.append({"Mã": f"{n}", "Cấp": 5, "Tên tiêu chí": f"Tiêu chí {i}.{j}.{k}.{n}",
                                  "Điểm tối đa": top, "Loại": kind, **extra})
    table.append({"Mã": "6.", "Cấp": 1, "Tên tiêu chí": "Theo dõi, không tính điểm", "Điểm tối đa": 0,
                  "Loại": "Nhóm", "Hướng dẫn": "Chỉ theo dõi."})
    while len(table) < 230:
        table.append({"Mã": f"6.{len(table)}", "Cấp": 2, "Tên tiêu chí": "Theo dõi", "Điểm tối đa": 1,
                      "Loại": "Định tính"})
    return table
