"""Reading the rollups: the rows of a few tenants in one query, and what they say.

:class:`Figures` is the sum of some (period, tenant, kind) rollup rows with the census of the
same kinds; it answers the questions a dashboard asks (completeness, timeliness, the
distribution of classifications, standards passed, each aggregate) without reading a report.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Select, case, func, literal_column, null, select, true, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from core.rollups.contribution import FINAL, PROVISIONAL, Counters
from core.rollups.models import COUNTERS, Rollup, RollupSource, SubtreeCount


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """Figures of some units: ``expected`` from the census, the rest from the rollups."""

    expected: int = 0
    counters: Counters = field(default_factory=dict)

    def add(self, expected: int, counters: Mapping[str, float]) -> Figures:
        """Add units and counters (plain sums: the stored rows are already rounded)."""
        self.expected += expected
        mine = self.counters
        for key, value in counters.items():
            mine[key] = mine.get(key, 0) + value
        return self

    def count(self, key: str) -> float:
        return self.counters.get(key, 0)

    # -- completeness and timeliness --------------------------------------------------------

    @property
    def reported(self) -> int:
        """Reports submitted or approved (completeness counts these)."""
        return int(self.count("submitted") + self.count("approved"))

    @property
    def approved(self) -> int:
        return int(self.count("approved"))

    @property
    def awaiting(self) -> int:
        """Submitted, waiting for review."""
        return int(self.count("submitted"))

    @property
    def in_progress(self) -> int:
        """Started but not sent: drafts and returned reports."""
        return int(self.count("drafts") + self.count("returned"))

    @property
    def not_started(self) -> int:
        return max(self.expected - int(self.count("started")), 0)

    @property
    def missing(self) -> int:
        """Expected reports not submitted or approved yet."""
        return max(self.expected - self.reported, 0)

    @property
    def late(self) -> int:
        return int(self.count("late"))

    @property
    def on_time(self) -> int:
        return max(self.reported - self.late, 0)

    @property
    def completeness(self) -> float | None:
        """Submitted (or approved) ÷ expected."""
        return _ratio(self.reported, self.expected)

    @property
    def approval_rate(self) -> float | None:
        """Approved ÷ expected."""
        return _ratio(self.approved, self.expected)

    @property
    def timeliness(self) -> float | None:
        """On time ÷ reported."""
        return _ratio(self.on_time, self.reported)

    # -- scores, classifications, standards, aggregates -------------------------------------

    def score_mean(self, level: str = FINAL) -> float | None:
        n = self.count(f"{level}|score|n")
        return round(self.count(f"{level}|score|sum") / n, 2) if n else None

    def classes(self, level: str = FINAL) -> dict[str, int]:
        lead = f"{level}|class|"
        return {key[len(lead):]: int(value) for key, value in self.counters.items() if key.startswith(lead)}

    def outcome(self, name: str, level: str = FINAL) -> tuple[int, int]:
        """(passed, decided) for a standard such as ``atantt``."""
        passed = int(self.count(f"{level}|outcome|{name}|pass"))
        return passed, passed + int(self.count(f"{level}|outcome|{name}|fail"))

    def outcomes(self) -> list[str]:
        names = {key.split("|")[2] for key in self.counters if "|outcome|" in key}
        return sorted(names)

    def aggregate(self, set_key: str, name: str, how: str, level: str = FINAL) -> float | None:
        """The aggregate as the criteria set declares it: ``sum`` of the values, their ``mean``,
        the ``rate`` of units claiming the criterion (0–1) or the ``count_true`` of them."""
        lead = f"{level}|agg|{set_key}|{name}"
        n = self.count(f"{lead}|n")
        if how == "sum":
            return self.count(f"{lead}|sum")
        if how == "count_true":
            return self.count(f"{lead}|true")
        if how == "mean":
            return round(self.count(f"{lead}|sum") / n, 4) if n else None
        if how == "rate":
            return round(self.count(f"{lead}|true") / n, 4) if n else None
        raise ValueError(f"unknown aggregate {how!r}")

    def aggregate_units(self, set_key: str, name: str, level: str = FINAL) -> int:
        """How many units gave a value of the field."""
        return int(self.count(f"{level}|agg|{set_key}|{name}|n"))


@dataclass(frozen=True)
class RollupRows:
    """The rows read for some tenants: tenant → kind → counters, and tenant → kind → units."""

    counters: Mapping[uuid.UUID, Mapping[str, Counters]]
    census: Mapping[uuid.UUID, Mapping[str, int]]

    def figures(self, tenant_id: uuid.UUID, kinds: Iterable[str]) -> Figures:
        """The tenant's subtree, for the units of ``kinds`` (those the period expects)."""
        result = Figures()
        rows = self.counters.get(tenant_id, {})
        units = self.census.get(tenant_id, {})
        for kind in kinds:
            result.add(units.get(kind, 0), rows.get(kind, {}))
        return result

    def kinds_of(self, tenant_id: uuid.UUID, kinds: Iterable[str]) -> list[str]:
        """The kinds among ``kinds`` the tenant's subtree holds."""
        present = set(self.census.get(tenant_id, {})) | set(self.counters.get(tenant_id, {}))
        return [k for k in kinds if k in present]


def _tenants(tenant_ids: Iterable[uuid.UUID] | Select) -> list[uuid.UUID] | Select:
    return tenant_ids if isinstance(tenant_ids, Select) else list(set(tenant_ids))


def read(db: Session, period_id: uuid.UUID, tenant_ids: Iterable[uuid.UUID] | Select, *,
         full: Iterable[uuid.UUID] = (), extract: Iterable[str] = ()) -> RollupRows:
    """The rollup rows of ``tenant_ids`` in a period and their census: two queries, one row per
    tenant and kind, whatever the number of units below.

    :param tenant_ids: the tenants, or a select of their ids (e.g. a scope and the units
        directly below it: the statements then carry no list of ids).

    Status columns, scores, classifications and standards come for every tenant; the aggregates
    (many keys) only for the tenants in ``full``, and for the others just the ``extract`` keys
    (e.g. the one aggregate a chart shows per unit), picked out by the database.
    """
    ids = _tenants(tenant_ids)
    counters: dict[uuid.UUID, dict[str, Counters]] = defaultdict(dict)
    census: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    if isinstance(ids, list) and not ids:
        return RollupRows(counters, census)
    whole = list(set(full))
    keys = list(dict.fromkeys(extract))
    aggregates = type_coerce(case((Rollup.tenant_id.in_(whole), Rollup.aggregates), else_=null()), JSON) \
        if whole else null()
    statement = select(Rollup.tenant_id, Rollup.unit_kind, *(getattr(Rollup, c) for c in COUNTERS),
                       Rollup.figures, aggregates.label("aggregates"))
    if keys and db.get_bind().dialect.name == "postgresql":
        # Each ``->>`` on a stored (compressed) JSONB value decompresses the whole value again:
        # six keys cost six decompressions per row. The value is decompressed once into a
        # lateral column (``jsonb_concat`` with an empty object hands back the value itself,
        # detoasted; OFFSET 0 keeps the planner from copying the expression into each key).
        # Written on the table, not the entity: the row's own tenant criteria stay on the outer
        # statement instead of being repeated inside the lateral subquery.
        table = Rollup.__table__
        plain = select(type_coerce(func.jsonb_concat(table.c.aggregates, func.jsonb_build_object()),
                                   JSONB).label("value")).correlate(table).offset(literal_column("0")) \
            .lateral("picked")
        statement = statement.add_columns(*(plain.c.value[key].as_float() for key in keys)) \
            .join(plain, true())
    else:
        statement = statement.add_columns(*(Rollup.aggregates[key].as_float() for key in keys))
    # Rows by position (tenant, kind, the status counters, figures, aggregates, picked keys):
    # a dashboard reads a few hundred of them.
    width = len(COUNTERS)
    for row in db.execute(statement.where(Rollup.period_id == period_id, Rollup.tenant_id.in_(ids))):
        values: Counters = {c: v for c, v in zip(COUNTERS, row[2:2 + width], strict=True) if v}
        values.update(row[2 + width] or {})
        whole_row = row[3 + width]
        if whole_row:
            values.update(whole_row)
        else:
            values.update({key: value for key, value in zip(keys, row[4 + width:], strict=True) if value})
        counters[row[0]][row[1]] = values
    for tenant_id, kind, units in db.execute(
        select(SubtreeCount.tenant_id, SubtreeCount.unit_kind, SubtreeCount.units)
        .where(SubtreeCount.tenant_id.in_(ids))
    ):
        census[tenant_id][kind] = units
    return RollupRows(counters, census)


def aggregate_keys(set_key: str, name: str) -> list[str]:
    """The stored keys one aggregate reads, at both levels (what ``read`` may ``extract``)."""
    return [f"{level}|agg|{set_key}|{name}|{part}" for level in (PROVISIONAL, FINAL)
            for part in ("n", "sum", "true")]


def own(db: Session, period_id: uuid.UUID,
        tenant_ids: Iterable[uuid.UUID] | Select) -> dict[uuid.UUID, Counters]:
    """What each tenant's own report adds (its recorded contribution): one query. ``tenant_ids``
    as for :func:`read`."""
    ids = _tenants(tenant_ids)
    if isinstance(ids, list) and not ids:
        return {}
    return {tenant_id: dict(counters or {}) for tenant_id, counters in db.execute(
        select(RollupSource.tenant_id, RollupSource.counters)
        .where(RollupSource.period_id == period_id, RollupSource.tenant_id.in_(ids))
    )}


def own_score(counters: Mapping[str, Any]) -> tuple[float | None, bool]:
    """(the report's score, whether it is provisional) from a unit's own contribution."""
    if counters.get(f"{FINAL}|score|n"):
        return counters.get(f"{FINAL}|score|sum", 0.0), False
    if counters.get(f"{PROVISIONAL}|score|n"):
        return counters.get(f"{PROVISIONAL}|score|sum", 0.0), True
    return None, True
