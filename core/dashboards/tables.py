"""The numbers behind each chart of a dashboard, as tables: the page draws its charts from
them and offers each one as a CSV file, so what is drawn and what is downloaded never differ.

CSV follows the reader's language: Vietnamese files use ``;`` between fields and a decimal comma
(``85,7``), as a Vietnamese-locale spreadsheet expects; English files use ``,`` and a decimal
point. Files start with a byte-order mark so spreadsheets read them as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _

from core.dashboards.operations import AggregateInfo, Dashboard
from core.periods.bands import band_label
from core.plugins import current_host
from core.rollups.contribution import FINAL, PROVISIONAL
from core.rollups.figures import Figures

CHARTS: tuple[str, ...] = (
    "completeness_kinds", "completeness_units", "timeliness", "classifications", "aggregates",
    "aggregate_units", "previous", "ranking",
)


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def percent(ratio: float | None) -> float | None:
    return round(ratio * 100, 1) if ratio is not None else None


def _kind_row(label: str, figures: Figures) -> list[Any]:
    return [label, figures.expected, figures.approved, figures.awaiting, figures.in_progress,
            figures.not_started, percent(figures.completeness), percent(figures.approval_rate)]


def _completeness_columns(first: str) -> list[str]:
    return [first, _("Phải báo cáo"), _("Đã duyệt"), _("Chờ duyệt"), _("Đang làm (nháp, trả lại)"),
            _("Chưa bắt đầu"), _("Đã gửi (%)"), _("Đã duyệt (%)")]


def tables(board: Dashboard, kind_label: Callable[[str], str], english: bool = False) -> dict[str, Table]:
    """Every table of ``board``, by chart name (see :data:`CHARTS`)."""
    found: dict[str, Table] = {}
    found["completeness_kinds"] = Table(
        "completeness_kinds", _("Tiến độ báo cáo theo loại đơn vị"), _completeness_columns(_("Loại đơn vị")),
        [_kind_row(kind_label(kind), figures) for kind, figures in board.by_kind],
    )
    found["completeness_units"] = Table(
        "completeness_units", _("Tiến độ báo cáo theo đơn vị trực thuộc"),
        [*_completeness_columns(_("Đơn vị")), _("Đúng hạn"), _("Muộn")],
        [[*_kind_row(row.tenant.name, row.figures), row.figures.on_time, row.figures.late]
         for row in board.children],
    )
    found["timeliness"] = Table(
        "timeliness", _("Đúng hạn, muộn và chưa gửi theo loại đơn vị"),
        [_("Loại đơn vị"), _("Đúng hạn"), _("Muộn"), _("Chưa gửi"), _("Đúng hạn (%)")],
        [[kind_label(kind), f.on_time, f.late, f.missing, percent(f.timeliness)]
         for kind, f in board.by_kind],
    )
    previous = board.previous_total
    names = sorted(set(board.total.classes(FINAL)) | set(board.total.classes(PROVISIONAL))
                   | set(previous.classes(FINAL) if previous else {}))
    found["classifications"] = Table(
        "classifications", _("Phân bố xếp loại"),
        [_("Xếp loại"), _("Chính thức (đã duyệt)"), _("Tạm tính (gồm chưa duyệt)"), _("Kỳ trước")],
        [[band_label(name), board.total.classes(FINAL).get(name, 0),
          board.total.classes(PROVISIONAL).get(name, 0),
          previous.classes(FINAL).get(name, 0) if previous else None] for name in names],
    )
    found["aggregates"] = Table(
        "aggregates", _("Số liệu tổng hợp"),
        [_("Bộ tiêu chí"), _("Tiêu chí"), _("Cách tổng hợp"), _("Chính thức (đã duyệt)"),
         _("Tạm tính (gồm chưa duyệt)"), _("Số đơn vị có số liệu"), _("Kỳ trước")],
        [[info.set_title_en if english else info.set_title, info.label_en if english else info.label,
          how_label(info.how), _shown(board.aggregate(info, FINAL), info.how),
          _shown(board.aggregate(info, PROVISIONAL), info.how),
          board.total.aggregate_units(info.set_key, info.field, PROVISIONAL),
          _shown(board.aggregate(info, FINAL, previous), info.how) if previous else None]
         for info in board.aggregates],
    )
    chart = board.chart
    found["aggregate_units"] = Table(
        "aggregate_units", (chart_label(chart, english) if chart else _("Số liệu tổng hợp theo đơn vị")),
        [_("Đơn vị"), _("Chính thức (đã duyệt)"), _("Tạm tính (gồm chưa duyệt)")],
        [[row.tenant.name, _shown(board.aggregate(chart, FINAL, row.figures), chart.how),
          _shown(board.aggregate(chart, PROVISIONAL, row.figures), chart.how)] for row in board.children]
        if chart else [],
    )
    found["previous"] = Table(
        "previous", _("So sánh với kỳ trước"), [_("Chỉ số"), _("Kỳ này"), _("Kỳ trước")],
        _previous_rows(board),
    )
    found["ranking"] = Table(
        "ranking", _("Xếp hạng các đơn vị trực thuộc"),
        [_("Hạng"), _("Đơn vị"), _("Điểm"), _("Xếp loại"), _("Tạm tính")],
        [[row.rank, row.tenant.name, row.score, band_label(row.classification),
          _("Có") if row.provisional else _("Không")] for row in board.ranking()],
    )
    return found


def how_label(how: str) -> str:
    return {"sum": _("Tổng"), "mean": _("Trung bình"), "rate": _("Tỷ lệ đạt (%)"),
            "count_true": _("Số đơn vị đạt")}.get(how, how)


def chart_label(info: AggregateInfo, english: bool = False) -> str:
    label = info.label_en if english else info.label
    return f"{label} — {how_label(info.how)}"


def _shown(value: float | None, how: str) -> float | None:
    """Rates are shown as percentages."""
    if value is None:
        return None
    return percent(value) if how == "rate" else value


def _previous_rows(board: Dashboard) -> list[list[Any]]:
    now, before = board.total, board.previous_total
    if before is None:
        return []

    def pair(read: Callable[[Figures], Any]) -> list[Any]:
        return [read(now), read(before)]

    rows = [
        [_("Phải báo cáo"), *pair(lambda f: f.expected)],
        [_("Đã gửi"), *pair(lambda f: f.reported)],
        [_("Đã duyệt"), *pair(lambda f: f.approved)],
        [_("Đã gửi (%)"), *pair(lambda f: percent(f.completeness))],
        [_("Đã duyệt (%)"), *pair(lambda f: percent(f.approval_rate))],
        [_("Gửi muộn"), *pair(lambda f: f.late)],
        [_("Điểm trung bình (đã duyệt)"), *pair(lambda f: f.score_mean(FINAL))],
    ]
    for name in board.outcomes:
        rows.append([_("Đạt tiêu chuẩn %(name)s (đã duyệt)", name=outcome_label(name)),
                     *pair(lambda f, n=name: f.outcome(n, FINAL)[0])])
    return rows


def outcome_label(name: str) -> str:
    """A standard as shown: "An toàn về ANTT" by the core's catalogue, any other by the name its
    criteria set gives it (``outcome_labels``), in the interface's language."""
    if name == "atantt":
        return _("“An toàn về ANTT”")
    if not has_app_context():
        return name
    return current_host().outcome_label(name, str(get_locale() or "vi") == "en") or name


def _cell(value: Any, english: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text if english else text.replace(".", ",")
    return str(value)


def to_csv(table: Table, english: bool = False) -> str:
    """The table as CSV text (see the module docstring for the convention)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if english else ";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(value, english) for value in row])
    return "\ufeff" + buffer.getvalue()
