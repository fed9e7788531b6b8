"""Every value of every unit as CSV: UTF-8 with a byte order mark (Excel opens it as Unicode),
one row per value, read and written unit by unit."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.exports.content import kind_name, status_name
from core.plugins.manager import PluginHost
from core.plugins.models import PeriodCriteriaSet
from core.snapshots.operations import Results, expected_kinds
from core.tenants.models import Tenant

HEADER = ["Đơn vị", "Mã đơn vị", "Loại", "Trạng thái", "Điểm", "Xếp loại", "Chậm", "Bộ tiêu chí",
          "Tiêu chí", "Tên tiêu chí", "Giá trị"]


def _cell(value: Any) -> Any:
    if value is True or value is False:
        return "Có" if value else "Không"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else value


def write(out: IO[bytes], db: Session, host: PluginHost | None, results: Results, scope: Tenant,
          progress: Callable[[float], None] = lambda _f: None, expected: int = 0) -> int:
    """Write the CSV to the binary ``out``; returns the number of value rows. ``expected`` (the
    number of units, when known) lets ``progress`` move every 1 %."""
    labels: dict[tuple[str, str], str] = {}
    for row in db.scalars(select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == results.period.id)):
        criteria_set = host.criteria_set(row.key, row.version) if host is not None else None
        if criteria_set is not None:
            for name, fld in criteria_set.schema._declared_fields.items():
                labels[(row.key, name)] = str(fld.metadata.get("label") or name)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(HEADER)
    written = 0
    every = max(expected // 100, 1)
    units = results.units(db, scope, expected_kinds(db, results.period.id), values=True)
    for done, unit in enumerate(units, 1):
        unit_columns = [unit.name, str(unit.tenant_id), kind_name(unit.kind), status_name(unit.status),
                "" if unit.score is None else unit.score, unit.classification or "",
                "Có" if unit.late else ""]
        pairs = [(set_key, name, value) for set_key, values in sorted(unit.values.items())
                 for name, value in values.items()]
        if not pairs:
            writer.writerow([*unit_columns, "", "", "", ""])
            written += 1
        for set_key, name, value in pairs:
            writer.writerow([*unit_columns, set_key, name, labels.get((set_key, name), name), _cell(value)])
            written += 1
        if expected and done % every == 0:
            progress(min(done / expected, 1.0))
    text.flush()
    text.detach()
    return written
