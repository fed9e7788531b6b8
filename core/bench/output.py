"""Printing ``thidua bench``'s figures: two plain-text tables (requests; the rest), or JSON."""

from __future__ import annotations

import json
from typing import Any


def _number(value: Any, suffix: str = "") -> str:
    if value is None:
        return "—"
    if not isinstance(value, float):
        return f"{value:,}{suffix}"
    return (f"{value:,.1f}" if value >= 10 else f"{value:,.2f}") + suffix


def _ratio(value: Any) -> str:
    # Three significant digits at most, whatever the size: 156×, 26.6×, 6.53×, 0.38×, 0.045×.
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}×"
    if value >= 10:
        return f"{value:.1f}×"
    return f"{value:.2f}×" if value >= 0.1 else f"{value:.3f}×"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        right = (cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True))
        return "  ".join([first.ljust(widths[0]), *right])

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def text_report(run: dict[str, Any]) -> str:
    """The run as tables: each request with req/s, median and p95 (ms), its statements, the
    baseline's req/s and median, and the ratios product ÷ baseline; then the other figures."""
    lines = [f"thidua bench: {run['units']:,} units, {run['reports']:,} reports, {run['database']}, "
             f"{run['workers']} workers, {run['clients']} clients × {run['seconds']} s per row", ""]
    requests = [f for f in run["figures"] if f["kind"] == "requests"]
    # Each row names its baseline by a number, listed under the table in the order first met.
    marks = {label: n for n, label in enumerate(
        dict.fromkeys(f["baseline"]["label"] for f in requests if f["baseline"]), start=1)}
    rows = []
    for figure in requests:
        product, baseline, ratio = figure["product"], figure["baseline"] or {}, figure["ratio"] or {}
        label = figure["label"] + (f" [{marks[baseline['label']]}]" if baseline else "")
        rows.append([
            label, _number(product["per_second"]), _number(product["median_ms"]),
            _number(product["p95_ms"]), _number(product.get("queries")), _number(product["errors"]),
            _number(baseline.get("per_second")), _number(baseline.get("median_ms")),
            _ratio(ratio.get("per_second")), _ratio(ratio.get("median")),
        ])
    lines += _table(["request", "req/s", "median ms", "p95 ms", "queries", "errors", "base req/s",
                     "base median", "req/s ratio", "median ratio"], rows)
    lines.append("")
    lines.append("Each row against its baseline: "
                 + "; ".join(f"[{n}] {label}" for label, n in marks.items()))
    lines.append("")
    rows = []
    for figure in run["figures"]:
        if figure["kind"] == "requests":
            continue
        product, baseline, ratio = figure["product"], figure["baseline"], figure["ratio"]
        if figure["kind"] == "seconds":
            value, base, times = product["seconds"], baseline["seconds"], ratio["seconds"]
            unit = " s"
        else:
            value, base, times = product.get("product_ms"), baseline.get("median_ms"), ratio["median"]
            unit = " ms"
        extra = ", ".join(f"{k} {_number(v)}" for k, v in product.items()
                          if k not in ("product_ms", "seconds") and v is not None)
        rows.append([figure["label"], _number(value, unit), baseline["label"], _number(base, unit),
                     _ratio(times), extra])
    lines += _table(["figure", "product", "baseline", "baseline value", "ratio", "also"], rows)
    return "\n".join(lines)


def json_report(run: dict[str, Any]) -> str:
    return json.dumps(run, ensure_ascii=False, indent=2, default=str)
