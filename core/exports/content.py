"""What a report says: its figures read from the snapshot (closed period) or the live rollups,
laid out as the data the XLSX writer and the HTML/PDF template both print.

Three reports share one shape (:class:`ReportContent`):

* ``unit`` — a unit's own report (due 10 November): its status, score, classification, standards
  and the value of every criterion it filled;
* ``subtree`` — a commune's, ward's or department's consolidated report of its subtree;
* ``city`` — the city's consolidated report (due 30 November).

Each has the totals, tables by kind of unit and by unit directly below the scope (the communes,
wards and departments for the city), the distribution of classifications, the "An toàn về ANTT"
results, the late and missing units, the narrative the admin wrote, and the NĐ 30/2020 heading.
Documents are issued in Vietnamese whatever the reader's interface language (they are the record
that is signed and sent), so the words here are plain Vietnamese, not translated messages.

Figures come at one level: final (approved reports) once the period is closed, provisional
(submitted or approved) while it is open; the report says which, and which snapshot it read.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import HANOI
from core.dashboards import charts
from core.dashboards.operations import ATANTT, ATANTT_SHARE
from core.db.types import utcnow
from core.documents import DocumentHeading, Signature, document_number
from core.exports.models import Narrative
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.plugins.models import PeriodCriteriaSet
from core.rollups.contribution import FINAL, PROVISIONAL
from core.rollups.figures import Figures
from core.snapshots.operations import Results, UnitResult, expected_kinds
from core.tenants.models import Tenant
from core.text.numbers import format_number

KIND_NAMES = {
    "city": "Thành phố", "ward": "Phường", "commune": "Xã", "department": "Sở, ban, ngành",
    "front_org": "Mặt trận, đoàn thể", "agency": "Cơ quan", "enterprise": "Doanh nghiệp",
    "school": "Trường học",
}
STATUS_NAMES = {
    None: "Chưa báo cáo", "draft": "Đang soạn", "submitted": "Đã gửi, chờ thẩm định",
    "returned": "Bị trả lại", "approved": "Đã thẩm định",
}
REPORT_TITLES = {
    "unit": "Kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc của đơn vị",
    "subtree": "Tổng hợp kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc của các đơn vị trực thuộc",
    "city": "Tổng hợp kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc trên địa bàn thành phố",
}
# Where each report goes (plan, section VII): units to Công an TP and Sở Nội vụ; the city to the
# City People's Committee and the two ministries.
ADDRESSEES = {
    "unit": ("Công an thành phố Hà Nội", "Sở Nội vụ thành phố Hà Nội"),
    "subtree": ("Công an thành phố Hà Nội", "Sở Nội vụ thành phố Hà Nội"),
    "city": ("Ủy ban nhân dân thành phố Hà Nội", "Bộ Công an", "Bộ Nội vụ"),
}


# Presentation attributes for the server's SVG charts: the PDF renderer and a printed page read
# no stylesheet of the dashboards, and the CSP allows no inline style.
PAINT = {
    'class="chart-track"': '#eaeef2', 'class="chart-bar seg-approved"': '#1a7f37',
    'class="chart-bar seg-awaiting"': '#0969da', 'class="chart-label"': '#000', 'class="chart-value"': '#000',
}


def painted(svg: str) -> Markup:
    """``svg`` (from :mod:`core.dashboards.charts`) with fill colours and font sizes as
    attributes, so that it looks the same in a PDF, on paper and on screen."""
    for css, colour in PAINT.items():
        extra = ' font-size="12"' if "chart-label" in css or "chart-value" in css else ""
        svg = svg.replace(css, f'{css} fill="{colour}"{extra}')
    return Markup(svg)


def kind_name(kind: str | None) -> str:
    return KIND_NAMES.get(kind or "", kind or "")


def status_name(status: str | None) -> str:
    return STATUS_NAMES.get(status, status or "")


def number(value: Any, places: int | None = None) -> str:
    """A figure as a Vietnamese document writes it (``1.234,5``); "—" for none."""
    if value is None:
        return "—"
    return format_number(round(float(value), places) if places is not None else value, places)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{format_number(round(value * 100, 1), 1)} %"


@dataclass
class FigureLine:
    """One line of a table of figures: a kind of unit, a unit below the scope, or the total."""

    label: str
    expected: int
    reported: int
    approved: int
    late: int
    missing: int
    completeness: float | None
    score_mean: float | None
    classes: dict[str, int]
    atantt: tuple[int, int]
    classification: str | None = None  # the unit's own, for a unit below the scope

    @classmethod
    def of(cls, label: str, figures: Figures, level: str, classification: str | None = None) -> FigureLine:
        return cls(label, figures.expected, figures.reported, figures.approved, figures.late, figures.missing,
                   figures.completeness, figures.score_mean(level), figures.classes(level),
                   figures.outcome(ATANTT, level), classification)

    @property
    def atantt_text(self) -> str:
        passed, decided = self.atantt
        return f"{passed}/{decided}" if decided else "—"

    @property
    def atantt_met(self) -> bool | None:
        """TT 124/2021/TT-BCA Điều 5.4: at least 70 % of the units decided are safe."""
        passed, decided = self.atantt
        return passed >= ATANTT_SHARE * decided if decided else None


@dataclass
class CriterionLine:
    set_title: str
    label: str
    unit: str | None
    value: Any


@dataclass
class ReportContent:
    """Everything one report prints; see the module docstring."""

    report: str
    period: ReportingPeriod
    scope: Tenant
    results: Results
    level: str
    heading: DocumentHeading
    generated_at: datetime
    kinds: list[str]
    total: FigureLine
    by_kind: list[FigureLine]
    children: list[FigureLine]
    bands: list[str]
    narrative: str
    late_count: int
    unit: UnitResult | None = None
    criteria: list[CriterionLine] = field(default_factory=list)
    # Reads the late and missing units once more each time (a city has thousands).
    late_units: Callable[[], Iterator[UnitResult]] = lambda: iter(())
    # Every unit of the scope, for the XLSX's full list.
    all_units: Callable[[], Iterator[UnitResult]] = lambda: iter(())
    commune_names: dict[uuid.UUID, str] = field(default_factory=dict)
    pages: int = 0  # set once a PDF is laid out, with the size of its HTML (bytes)
    html_bytes: int = 0

    @property
    def source_line(self) -> str:
        """Which data the report was made from, printed on every report."""
        when = self.generated_at.astimezone(HANOI).strftime("%d/%m/%Y %H:%M")
        snapshot = self.results.snapshot
        if snapshot is not None:
            frozen = snapshot.created_at.astimezone(HANOI).strftime("%d/%m/%Y %H:%M")
            return (f"Số liệu chốt: bản số {snapshot.version}, khóa sổ lúc {frozen}; "
                    f"lập báo cáo lúc {when}.")
        return f"Số liệu trực tiếp (kỳ báo cáo chưa khóa sổ), tạm tính đến {when}."

    @property
    def level_line(self) -> str:
        if self.level == FINAL:
            return "Điểm và xếp loại tính theo các báo cáo đã được thẩm định."
        return "Điểm và xếp loại tạm tính theo các báo cáo đã gửi và đã thẩm định."

    @property
    def class_distribution(self) -> list[tuple[str, int, float | None]]:
        """(classification, units, share of the units classified) in the period's band order."""
        counts = self.total.classes
        names = self.bands + sorted(set(counts) - set(self.bands))
        classified = sum(counts.values())
        return [(name, counts.get(name, 0), counts.get(name, 0) / classified if classified else None)
                for name in names]

    def commune_of(self, unit: UnitResult) -> str:
        """The name of the unit directly below the scope that holds ``unit`` (itself if it is
        one)."""
        parts = unit.path.strip("/").split("/")
        scope_depth = self.scope.path.strip("/").count("/") + 1
        if len(parts) > scope_depth:
            return self.commune_names.get(uuid.UUID(parts[scope_depth]), "")
        return ""

    def late_by_commune(self, limit: int | None = None) -> list[tuple[str, list[UnitResult]]]:
        """The late and missing units grouped by the unit below the scope that holds them (the
        communes, wards and departments, in Vietnamese order; the scope's own units first).
        ``limit``: at most this many units (the PDF's bound; :data:`PDF_LATE_LISTED`)."""
        groups: dict[str, list[UnitResult]] = {}
        for index, unit in enumerate(self.late_units()):
            if limit is not None and index >= limit:
                break
            groups.setdefault(self.commune_of(unit), []).append(unit)
        order = {name: index for index, name in enumerate(self.commune_names.values())}
        return sorted(groups.items(), key=lambda item: order.get(item[0], -1))

    def chart_completeness(self) -> Markup:
        """Bars per kind of unit: approved and awaiting review, as shares of those expected (the
        table by unit below the scope gives the same per commune; a chart of 130 communes would
        cost the PDF more than the rest of the report)."""
        rows = [charts.Row(line.label, (
            charts.Segment(line.approved / line.expected if line.expected else 0, "seg-approved",
                           "đã thẩm định"),
            charts.Segment((line.reported - line.approved) / line.expected if line.expected else 0,
                           "seg-awaiting", "chờ thẩm định"),
        ), f"{line.reported}/{line.expected}") for line in self.by_kind]
        return painted(charts.bar_chart(
            rows, title="Tỷ lệ đơn vị đã gửi báo cáo theo loại đơn vị",
            description="Số đơn vị đã gửi báo cáo trên số đơn vị phải báo cáo.", scale=1))

    def chart_classes(self) -> Markup:
        rows = [charts.Row(name, (charts.Segment(count, "seg-approved", name),), str(count))
                for name, count, _share in self.class_distribution]
        return painted(charts.bar_chart(rows, title="Phân bố xếp loại",
                                        description="Số đơn vị theo từng mức xếp loại."))


# The late and missing units the PDF names, at most: a document laid out whole (WeasyPrint keeps
# every page in memory) must not grow with the city; the XLSX and the CSV, streamed, list them all.
PDF_LATE_LISTED = 1500

# Kinds of unit whose documents are issued by their People's Committee (Ủy ban nhân dân).
GOVERNED_BY_COMMITTEE = frozenset({"city", "ward", "commune"})


def body_name(tenant: Tenant, *, short: bool = False) -> str:
    """The name of the body that issues a unit's documents, in capitals (NĐ 30/2020, ô 2): its
    ``document_issuer`` attribute when set, else the People's Committee for the city, a ward or
    a commune (``ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH``; ``UBND PHƯỜNG BA ĐÌNH`` with ``short``, the
    abbreviation Phụ lục I allows in the governing body's line), else the unit's own name."""
    attributes = tenant.attributes or {}
    if attributes.get("document_issuer"):
        return str(attributes["document_issuer"]).upper()
    if tenant.kind in GOVERNED_BY_COMMITTEE:
        return f"{'UBND' if short else 'ỦY BAN NHÂN DÂN'} {tenant.name}".upper()
    return tenant.name.upper()


# Words left out of a body's abbreviation ("Sở Giáo dục và Đào tạo" is SGDĐT).
_LINKING_WORDS = frozenset({"và", "của", "-", "&"})


def issuer_symbol(tenant: Tenant) -> str:
    """The issuer's part of a document's ký hiệu (NĐ 30/2020, Phụ lục I: the abbreviation of the
    issuing body's name): the unit's ``document_symbol`` attribute when set, ``UBND`` for a
    People's Committee, else the initials of the unit's name, acronyms kept whole and marks
    dropped except Đ, which is a letter of its own ("Sở Giáo dục và Đào tạo" → ``SGDĐT``,
    "Trường THCS Nguyễn Tri Phương" → ``TTHCSNTP``)."""
    attributes = tenant.attributes or {}
    if attributes.get("document_symbol"):
        return str(attributes["document_symbol"])
    if tenant.kind in GOVERNED_BY_COMMITTEE:
        return "UBND"
    parts = []
    for word in tenant.name.split():
        if word.lower() in _LINKING_WORDS or not word[0].isalpha():
            continue
        kept = word if len(word) > 1 and word.isupper() else word[0].upper()
        parts.append("".join(c for c in unicodedata.normalize("NFD", kept)
                             if not unicodedata.combining(c)))
    return unicodedata.normalize("NFC", "".join(parts))


def _heading(scope: Tenant, parent: Tenant | None, report: str, period: ReportingPeriod,
             day: datetime) -> DocumentHeading:
    """The NĐ 30/2020 heading of ``scope``'s report. A unit's attributes set what the tenant tree
    cannot know: ``document_issuer`` and ``document_parent`` (ô 2), ``document_symbol`` (the
    issuer's part of the ký hiệu), ``document_place``, ``signer_title``, ``signer_authority``
    (``KT. GIÁM ĐỐC``…) and ``signer_name``; see README, "Snapshots and exports"."""
    attributes = scope.attributes or {}
    # A People's Committee is named without a governing body above it; any other unit under the
    # body that governs it (a school under its ward's committee, a department under the city's).
    if attributes.get("document_parent"):
        parent_body = str(attributes["document_parent"]).upper()
    elif parent is not None and scope.kind not in GOVERNED_BY_COMMITTEE:
        parent_body = body_name(parent, short=True)
    else:
        parent_body = ""
    return DocumentHeading(
        issuer=body_name(scope),
        parent_body=parent_body,
        # The number is left for the văn thư to fill once signed (NĐ 30/2020 Điều 15).
        number=document_number(None, "report", issuer_symbol(scope)),
        place=str(attributes.get("document_place") or "Hà Nội"),
        day=day.astimezone(HANOI).date(), document_type="report",
        summary=f"{REPORT_TITLES[report]} – {period.title}",
        signature=Signature(title=str(attributes.get("signer_title") or "THỦ TRƯỞNG ĐƠN VỊ"),
                            name=str(attributes.get("signer_name") or ""),
                            authority=str(attributes.get("signer_authority") or "")),
        addressees=ADDRESSEES[report],
        recipients=("Như trên", "Lưu: VT"),
    )


def narrative_of(db: Session, period_id: uuid.UUID, scope_id: uuid.UUID, report: str) -> Narrative | None:
    return db.scalar(select(Narrative).where(Narrative.tenant_id == scope_id,
                                             Narrative.period_id == period_id, Narrative.report == report))


def build(db: Session, host: PluginHost | None, results: Results, scope: Tenant, report: str, *,
          now: datetime | None = None) -> ReportContent:
    """The content of ``report`` for ``scope`` from ``results`` (permissions are the caller's
    business: see :mod:`core.exports.operations`). A constant number of queries; the late and
    missing units and the full list of units are read when printed (``late_units()``,
    ``all_units()``)."""
    period = results.period
    now = now or utcnow()
    level = FINAL if results.frozen else PROVISIONAL
    kinds = expected_kinds(db, period.id)
    children = list(db.scalars(select(Tenant).where(Tenant.parent_id == scope.id, Tenant.active.is_(True))
                               .order_by(Tenant.name_key)))
    rows = results.rows(db, [scope.id, *(c.id for c in children)])
    own = results.own(db, [c.id for c in children])
    total = rows.figures(scope.id, kinds)
    by_kind = [FigureLine.of(kind_name(kind), rows.figures(scope.id, [kind]), level)
               for kind in rows.kinds_of(scope.id, kinds)]
    child_lines = []
    for child in children:
        figures = rows.figures(child.id, kinds)
        if not (figures.expected or figures.count("started")):
            continue
        mine = own.get(child.id, {})
        prefix = f"{level}|class|"
        classification = next((key[len(prefix):] for key in mine if key.startswith(prefix)), None)
        child_lines.append(FigureLine.of(child.name, figures, level, classification))
    parent = db.get(Tenant, scope.parent_id) if scope.parent_id else None
    narrative = narrative_of(db, period.id, scope.id, report)
    content = ReportContent(
        report=report, period=period, scope=scope, results=results, level=level,
        heading=_heading(scope, parent, report, period, now), generated_at=now, kinds=kinds,
        total=FigureLine.of(scope.name, total, level), by_kind=by_kind, children=child_lines,
        bands=[band["name"] for band in period.bands or []], narrative=narrative.body if narrative else "",
        late_count=total.missing + total.late,
        late_units=lambda: results.units(db, scope, kinds, only_missing_or_late=True),
        all_units=lambda: results.units(db, scope, kinds),
        commune_names={c.id: c.name for c in children},
    )
    if report == "unit":
        # The scope's own row (units of its kind below it, if any, come in the same read).
        own_kind = results.units(db, scope, [scope.kind], values=True)
        unit = next((u for u in own_kind if u.tenant_id == scope.id), None)
        content.unit = unit
        content.criteria = criteria_lines(db, host, period, unit)
    return content


def criteria_lines(db: Session, host: PluginHost | None, period: ReportingPeriod,
                   unit: UnitResult | None) -> list[CriterionLine]:
    """Every criterion of the sets the unit's kind fills, with the value it gave (None: none)."""
    if unit is None or host is None:
        return []
    lines = []
    for row in db.scalars(select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period.id)
                          .order_by(PeriodCriteriaSet.position, PeriodCriteriaSet.key)):
        if unit.kind not in (row.tenant_kinds or []):
            continue
        criteria_set = host.criteria_set(row.key, row.version)
        if criteria_set is None:
            continue
        values = unit.values.get(row.key, {})
        for name, fld in criteria_set.schema._declared_fields.items():
            lines.append(CriterionLine(criteria_set.title, str(fld.metadata.get("label") or name),
                                       fld.metadata.get("unit"), values.get(name)))
    return lines


def value_text(value: Any) -> str:
    """A criterion's value as printed: yes/no in words, numbers the Vietnamese way."""
    if value is None:
        return "—"
    if value is True or value is False:
        return "Có" if value else "Không"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return str(value)


def template_context(content: ReportContent, *, for_pdf: bool = False) -> dict[str, Any]:
    """What ``exports/report.html`` needs (and ``back_url`` on screen). The PDF names at most
    :data:`PDF_LATE_LISTED` late units; the page on screen, printed by the browser, names all."""
    return {"content": content, "heading": content.heading, "fmt": number,
            "pct": percent, "kind_name": kind_name, "for_pdf": for_pdf,
            "late_listed": PDF_LATE_LISTED if for_pdf else None,
            "status_name": status_name, "value_text": value_text}
