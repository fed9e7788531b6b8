"""What the decision's list and the certificates print: the body that grants each award, named
(the ward's chairman, not "the chairman of a commune or ward"), and the citation over the round's
years, not the period's title; read back from the PDF with pdftotext."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from core import clock
from core.awards import operations as ops
from core.awards.models import AwardType
from core.tenants.models import Tenant
from core.testing.switches import REQUIRE_PDFTOTEXT, skip_unless_required
from tests.awards.test_chain import loaded, prepared, take


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it (poppler), whitespace folded; the test is skipped
    without it, or fails under its must-run switch."""
    if not shutil.which("pdftotext"):
        skip_unless_required(REQUIRE_PDFTOTEXT,
                             "pdftotext (poppler-utils) is needed to read the certificates")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return " ".join(out.split())


def test_the_issuing_body_is_the_proposers_named_unit(acting, awards_world, db):
    world = awards_world
    session, _access = acting("ward_head")
    awards = {a.key: a for a in session.query(AwardType)}

    def body(key, slug):
        return ops.issuing_body(session, awards[key], session.get(Tenant, world.tenant(slug).id))

    assert body("giay-khen-xa-phuong", "ward-a") == "Chủ tịch Ủy ban nhân dân phường A"
    # A school proposes through its ward: the ward's chairman grants it.
    assert body("giay-khen-xa-phuong", "school-a1") == "Chủ tịch Ủy ban nhân dân phường A"
    assert body("giay-khen-xa-phuong", "enterprise-b1") == "Chủ tịch Ủy ban nhân dân xã B"
    assert body("giay-khen-so-nganh", "dept-edu") == "Giám đốc Sở Giáo dục và Đào tạo"
    # Awards granted by one body keep it.
    assert body("bang-khen-chu-tich-tp", "ward-a") == "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội"
    assert body("giay-khen-cong-an-tp", "school-a1") == "Giám đốc Công an Thành phố Hà Nội"
    session.close()


@pytest.fixture
def decided(acting, awards_world):
    world = awards_world
    dossier_id = prepared(acting, world, nominees=[
        {"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": world.tenant("ward-a").id},
        {"subject": "collective", "award": "giay-khen-xa-phuong", "unit": world.tenant("school-a1").id},
    ])
    take(acting, world, "ward_head", dossier_id, "submit")
    take(acting, world, "police_reviewer", dossier_id, "vet")
    take(acting, world, "noivu_reviewer", dossier_id, "appraise")
    take(acting, world, "noivu_reviewer", dossier_id, "decide", number="15/QĐ-UBND", date=clock.today())
    return dossier_id


def test_the_certificates_name_the_issuing_body_and_cite_the_rounds_year(acting, awards_world, client_as,
                                                                         decided):
    world = awards_world
    session, access = acting("ward_head")
    period, _unit = loaded(session, world)
    year = int(period.key[:4])  # the world's period "<year>-annual" reports on its year
    assert ops.period_years(period) == [year]
    # Without an authority typed, the decision names each body that grants its awards.
    assert ops.describe(session, access, period, decided)["decision"]["authority"] == (
        "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội; Chủ tịch Ủy ban nhân dân phường A")
    session.close()

    answer = client_as("ward_head").get(f"/periods/{world.period.id}/nominations/{decided}/certificates.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = pdf_text(answer.data)
    pages = text.split("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")[1:]
    assert len(pages) == 2
    # In the awards' order: the ward chairman's Giấy khen to its school, then the City's Bằng
    # khen to the ward; each page names its own body at the top and above the signature.
    assert pages[0].count("CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG A") == 2 and "GIẤY KHEN" in pages[0]
    assert "Trường THCS A1" in pages[0] and "THÀNH PHỐ HÀ NỘI" not in pages[0]
    assert pages[1].count("CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI") == 2 and "BẰNG KHEN" in pages[1]
    assert "PHƯỜNG A" not in pages[1].replace("Phường A", "")
    assert "XÃ, PHƯỜNG" not in text
    # The citation names the movement once and the round's year, never the period's title.
    # The movement's name in typographic quotes, as the period titles write it.
    citation = ("Đã có thành tích xuất sắc trong phong trào thi đua “Toàn dân bảo vệ an ninh Tổ quốc” "
                f"năm {year}.")
    assert text.count(citation) == 2
    assert period.title not in text and "phong trào năm" not in text


def test_a_summarys_citation_names_its_years():
    from datetime import date

    from core.periods.models import ReportingPeriod

    summary = ReportingPeriod(kind="summary", window_start=date(2021, 1, 1), window_end=date(2025, 12, 31))
    assert ops.round_span(summary) == "giai đoạn 2021–2025"
    assert ops.round_span(ReportingPeriod(kind="annual", window_start=date(2026, 1, 1),
                                          window_end=date(2026, 12, 31))) == "năm 2026"


@pytest.mark.parametrize("year", [2025, 2026])
def test_an_annual_period_opened_the_year_before_cites_the_year_it_reports_on(year):
    """The annual period "… năm 2026" opens on 01/12/2025 (Hanoi) and is due on 10/11/2026: its
    certificates and its eligibility read 2026, not the year it opens in."""
    from core.demo import annual_period_dates
    from core.periods.models import ReportingPeriod

    dates = annual_period_dates(year)
    assert dates["opens_at"].year == year - 1
    period = ReportingPeriod(kind="annual", key=f"{year}-annual", time_zone="Asia/Ho_Chi_Minh", **dates)
    assert ops.period_years(period) == [year]
    assert ops.round_span(period) == f"năm {year}"
    # A five-year award of that round reads the five years ending with it.
    award = AwardType(requires={"years": 5})
    assert ops.needed_years(period, award) == list(range(year - 4, year + 1))


def test_a_window_counts_the_years_it_holds_most_of():
    from datetime import date

    from core.periods.models import ReportingPeriod

    # An emulation year from 1 December to 30 November is the year it ends in.
    annual = ReportingPeriod(kind="annual", window_start=date(2025, 12, 1), window_end=date(2026, 11, 30))
    assert ops.period_years(annual) == [2026] and ops.round_span(annual) == "năm 2026"
    summary = ReportingPeriod(kind="summary", window_start=date(2020, 12, 1), window_end=date(2025, 11, 30))
    assert ops.round_span(summary) == "giai đoạn 2021–2025"
    # A window shorter than half a year is the year it ends in.
    quarter = ReportingPeriod(kind="annual", window_start=date(2026, 10, 1), window_end=date(2027, 1, 31))
    assert ops.period_years(quarter) == [2027]
