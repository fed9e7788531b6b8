"""Reading the rollup tables as plain data, to compare the incremental rows with a rebuild."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.rollups.models import COUNTERS, Rollup, RollupSource, SubtreeCount


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-6
    return a == b


def snapshot(db) -> dict[str, dict]:
    """Every non-empty rollup, source and census row, keyed by what identifies it."""
    rollups = {}
    for row in db.scalars(select(Rollup)):
        values = {c: getattr(row, c) for c in COUNTERS if getattr(row, c)}
        values.update(row.figures or {})
        values.update(row.aggregates or {})
        if values:
            rollups[(row.tenant_id, row.period_id, row.unit_kind)] = values
    sources = {(r.tenant_id, r.period_id): (r.unit_kind, {**r.counters, **r.aggregates})
               for r in db.scalars(select(RollupSource))}
    census = {(r.tenant_id, r.unit_kind): r.units for r in db.scalars(select(SubtreeCount)) if r.units}
    return {"rollups": rollups, "sources": sources, "census": census}


def same(a: dict, b: dict) -> bool:
    return _close(a, b)


def differences(a: dict, b: dict) -> list[str]:
    found = []
    for table in a:
        for key in sorted(set(a[table]) | set(b[table]), key=str):
            if not _close(a[table].get(key), b[table].get(key)):
                found.append(f"{table} {key}: {a[table].get(key)} != {b[table].get(key)}")
    return found
