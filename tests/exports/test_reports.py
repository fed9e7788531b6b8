"""The reports' content: the PDF's text extracted back and its figures compared with the
dashboard's, the XLSX read back, the raw CSV with its byte order mark, the narrative an admin
writes (audited, compare-and-set), the print view showing the whole report, and progress that
moves at least every 5 %."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.exports import content as report_content
from core.exports import xlsx
from core.jobs.testing import drain
from core.periods.models import ReportingPeriod
from core.snapshots import operations as snapshots
from core.tenants.models import Tenant
from core.testing.fixtures import csrf_token_from

from .flow import close, reported_world


@pytest.fixture
def reported(report_world, db, host):
    return reported_world(db, host, report_world)


def export_file(app, client, world, report, fmt, scope) -> bytes:
    return export_response(app, client, world, report, fmt, scope).data


def export_response(app, client, world, report, fmt, scope):
    answer = client.post(f"/api/v1/periods/{world.period.id}/exports",
                         json={"report": report, "format": fmt, "scope": str(world.tenant(scope).id)})
    assert answer.status_code == 202, answer.get_json()
    drain(app)
    status = client.get(f"/api/v1/jobs/{answer.get_json()['id']}").get_json()
    assert status["state"] == "finished", status
    return client.get(status["download_url"])


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def figure_after(text: str, words: str) -> str:
    """The figure printed right after ``words`` in the PDF's text (line breaks are spaces)."""
    flat = " ".join(text.split())
    match = re.search(re.escape(words) + r"\s*([0-9.,]+)", flat)
    assert match, f"{words!r} not in the PDF"
    return match.group(1).rstrip(".,;")


@pytest.mark.parametrize("closed", [False, True], ids=["live", "snapshot"])
def test_the_city_pdf_says_what_the_dashboard_says(app, reported, api_as, db, closed):
    if closed:
        close(db, reported)
    admin = api_as("city_admin")
    board = admin.get(f"/api/v1/periods/{reported.period.id}/dashboard?scope={reported.tenant('ha-noi').id}")
    total = board.get_json()["total"]
    level = "final" if closed else "provisional"
    text = pdf_text(export_file(app, admin, reported, "city", "pdf", "ha-noi"))
    assert "Số: " in text and "/BC" in text and "Hà Nội, ngày" in text and "Nơi nhận" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert figure_after(text, "Tổng số đơn vị phải báo cáo:") == str(total["expected"])
    assert figure_after(text, "đã gửi báo cáo:") == str(total["reported"])
    assert figure_after(text, "đã thẩm định:") == str(total["approved"])
    assert figure_after(text, "gửi chậm:") == str(total["late"])
    atantt = total["outcomes"]["atantt"][level]
    assert figure_after(text, "Số đơn vị đạt \"An toàn về ANTT\":") == str(atantt["passed"])
    assert f"trên {atantt['decided']} đơn vị đã xét" in " ".join(text.split())
    # The late and missing units are listed by name; the source is named.
    for name in ("Trường THCS A2", "Công ty B1", "Xã B"):
        assert name in text
    assert ("bản số 1" in text) == closed
    # The classifications the dashboard counts are those of the distribution table.
    flat = " ".join(text.split())
    for name, count in total["classifications"][level].items():
        assert re.search(re.escape(name) + r"\s+" + str(count) + r"\s", flat), (name, count)


def test_the_city_xlsx_reads_back_with_the_dashboards_figures(app, reported, api_as):
    admin = api_as("city_admin")
    board = f"/api/v1/periods/{reported.period.id}/dashboard?scope={reported.tenant('ha-noi').id}"
    total = admin.get(board).get_json()["total"]
    workbook = load_workbook(io.BytesIO(export_file(app, admin, reported, "city", "xlsx", "ha-noi")))
    rows = list(workbook["Báo cáo"].iter_rows(values_only=True))
    assert rows[0][0] == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert rows[0][5] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    header = rows.index(next(r for r in rows if r[0] == "Đơn vị / loại đơn vị"))
    totals = rows[header + 1]
    assert totals[1:6] == (total["expected"], total["reported"], total["approved"], total["late"],
                           total["missing"])
    by_commune = [r[0] for r in rows if r[0] in ("Phường A", "Xã B")]
    assert by_commune == ["Phường A", "Xã B"]
    units = list(workbook["Các đơn vị"].iter_rows(values_only=True))
    assert units[0][0] == "Đơn vị" and len(units) - 1 == total["expected"]
    late = [r[0] for r in list(workbook["Chậm, thiếu"].iter_rows(values_only=True))[1:]]
    assert late == ["Công ty B1", "Trường THCS A2", "Xã B"]


def test_a_units_report_lists_every_criterion_with_its_value(app, reported, api_as):
    reporter = api_as("a1_reporter")
    text = " ".join(pdf_text(export_file(app, reporter, reported, "unit", "pdf", "school-a1")).split())
    assert "TRƯỜNG THCS A1" in text and "Kính gửi" in text and "Công an thành phố Hà Nội" in text
    for label in ("Có kế hoạch thực hiện phong trào", "Tổng số cán bộ", "Số cán bộ được tập huấn",
                  "Số vụ việc về ANTT"):
        assert label in text
    assert "Đã thẩm định" in text
    workbook = load_workbook(io.BytesIO(export_file(app, reporter, reported, "unit", "xlsx", "school-a1")))
    criteria = {r[1]: r[2] for r in workbook["Tiêu chí"].iter_rows(values_only=True) if r and len(r) > 2}
    assert criteria["Tổng số cán bộ (người)"] == "20" and criteria["Số cán bộ được tập huấn (người)"] == "15"


def test_the_heading_names_the_issuing_body_and_puts_the_number_beside_the_date(app, reported, api_as):
    """NĐ 30/2020 ô 2–4: a ward's report is issued by its People's Committee (Số: …/BC-UBND), a
    school's under the committee of its ward; the number and the place and date share one line
    however many lines the bodies' names take."""
    layout = PdfReader(io.BytesIO(export_file(app, api_as("a1_reporter"), reported, "unit", "pdf",
                                              "school-a1"))).pages[0].extract_text(extraction_mode="layout")
    lines = [" ".join(line.split()) for line in layout.splitlines() if line.strip()]
    assert lines[0].startswith("UBND PHƯỜNG A ")
    assert any(line.startswith("TRƯỜNG THCS A1") for line in lines[:3])
    beside = [line for line in lines if "Số:" in line]
    number_and_date = r"Số: /BC-TTHCSA1 Hà Nội, ngày \d\d tháng \d+ năm \d{4}$"
    assert len(beside) == 1 and re.search(number_and_date, beside[0]), lines
    ward = pdf_text(export_file(app, api_as("ward_admin"), reported, "subtree", "pdf", "ward-a"))
    ward = " ".join(ward.split())
    assert "ỦY BAN NHÂN DÂN PHƯỜNG A" in ward and "/BC-UBND" in ward and "UBND THÀNH PHỐ" not in ward


@pytest.mark.parametrize(("name", "kind", "symbol"), [
    ("Sở Giáo dục và Đào tạo", "department", "SGDĐT"),
    ("Trường THCS Nguyễn Tri Phương", "school", "TTHCSNTP"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "front_org", "UBMTTQVNTP"),
    ("Phường Ba Đình", "ward", "UBND"),
])
def test_a_units_symbol_is_the_abbreviation_of_its_name_by_default(name, kind, symbol):
    """NĐ 30/2020 Phụ lục I: the ký hiệu carries the issuing body's abbreviation; without a
    ``document_symbol`` attribute it is made from the name's initials (acronyms kept, Đ kept)."""
    from core.exports.content import issuer_symbol

    assert issuer_symbol(Tenant(name=name, kind=kind, attributes={})) == symbol
    assert issuer_symbol(Tenant(name=name, kind=kind, attributes={"document_symbol": "X"})) == "X"


def test_a_units_attributes_set_its_issuer_symbol_and_signer(db, reported):
    from core.exports.content import _heading

    city = db.get(Tenant, reported.tenant("ha-noi").id)
    city.attributes = {"document_issuer": "Công an thành phố Hà Nội", "document_symbol": "CAHN",
                       "signer_title": "Giám đốc", "signer_authority": "KT. GIÁM ĐỐC",
                       "signer_name": "Nguyễn Văn A"}
    period = db.get(ReportingPeriod, reported.period.id)
    heading = _heading(city, None, "city", period, report_content.utcnow())
    assert (heading.issuer, heading.parent_body) == ("CÔNG AN THÀNH PHỐ HÀ NỘI", "")
    assert heading.number.endswith("/BC-CAHN")
    assert (heading.signature.authority, heading.signature.title, heading.signature.name) == \
        ("KT. GIÁM ĐỐC", "Giám đốc", "Nguyễn Văn A")
    db.rollback()


def test_the_raw_csv_starts_with_a_bom_and_holds_every_value(app, reported, api_as):
    response = export_response(app, api_as("city_admin"), reported, "raw", "csv", "ha-noi")
    # One charset: the type once named it twice ("text/csv; charset=utf-8; charset=utf-8").
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Đơn vị"
    trained = {r[0]: r[10] for r in rows[1:] if r[8] == "trained"}
    assert trained["Trường THCS A1"] == "15" and trained["Công ty B1"] == "15"
    assert any(r[0] == "Xã B" and r[3] == "Chưa báo cáo" for r in rows[1:])


def test_the_narrative_is_written_by_admins_audited_and_printed(app, reported, client_as, db):
    web = client_as("ward_admin")
    page = web.get(f"/periods/{reported.period.id}/exports?scope={reported.tenant('ward-a').id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Báo cáo tổng hợp các đơn vị trực thuộc" in html
    assert "exports.js" in html and "<script>" not in html
    token = csrf_token_from(html)
    url = f"/periods/{reported.period.id}/reports/subtree/narrative"
    body = "Phường đã triển khai tốt phong trào; hai trường học tham gia đầy đủ."
    saved = web.post(url, data={"csrf_token": token, "scope": str(reported.tenant("ward-a").id), "body": body,
                                "version": "0"})
    assert saved.status_code == 303
    stale = web.post(url, data={"csrf_token": token, "scope": str(reported.tenant("ward-a").id),
                                "body": "Bản cũ ghi đè", "version": "0"}, follow_redirects=True)
    assert "đã được người khác sửa" in stale.get_data(as_text=True)
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "export.narrative")).all()
    assert len(entries) == 1 and entries[0].changes["body"] == ["", body]
    ward = reported.tenant("ward-a").id
    reporter = client_as("ward_reporter")
    reporter_token = csrf_token_from(reporter.get("/").get_data(as_text=True))
    refused = reporter.post(url, data={"csrf_token": reporter_token, "scope": str(ward), "body": "x",
                                       "version": "1"})
    assert refused.status_code in (403, 404)
    sibling = client_as("commune_admin")
    assert sibling.post(url, data={"csrf_token": csrf_token_from(sibling.get("/").get_data(as_text=True)),
                                   "scope": str(reported.tenant("ward-a").id), "body": "x",
                                   "version": "1"}).status_code == 404
    printed = web.get(f"/periods/{reported.period.id}/reports/subtree/print?scope={ward}")
    assert printed.status_code == 200 and body in printed.get_data(as_text=True)


def test_the_print_view_shows_the_whole_report_and_no_inline_script(app, reported, client_as):
    web = client_as("a1_reporter")
    school = reported.tenant("school-a1").id
    page = web.get(f"/periods/{reported.period.id}/reports/unit/print?scope={school}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for label in ("Có kế hoạch thực hiện phong trào", "Tổng số cán bộ", "Số cán bộ được tập huấn",
                  "Số vụ việc về ANTT", "Nơi nhận", "Kết quả \"An toàn về ANTT\""):
        assert label in html
    assert "<script>" not in html and "exports.css" in html and "document.css" in html
    # The print stylesheets hide only the tools above the document, never the report.
    css = (app.static_folder + "/exports.css")
    with open(css, encoding="utf-8") as handle:
        printed = handle.read().split("@media print", 1)[1].split("{", 1)[1].split("}\n}", 1)[0] + "}"
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", printed)
    hidden = [selector.strip() for selector, body in rules if re.search(r"display:\s*none", body)]
    assert rules and hidden == [".document-tools"]
    # A sibling's report is not there for anyone else.
    other = client_as("a2_reporter")
    assert other.get(f"/periods/{reported.period.id}/reports/unit/print"
                     f"?scope={reported.tenant('school-a1').id}").status_code == 404
    assert client_as("commune_admin").get(f"/periods/{reported.period.id}/reports/subtree/print"
                                          f"?scope={reported.tenant('ward-a').id}").status_code == 404


def test_progress_moves_at_least_every_five_percent(app, reported, db, host):
    """At the size of a city (here 2,000 late and 4,000 listed units, read from the content's
    own iterators), the workbook reports its progress at least every 5 %."""
    from core.snapshots.operations import UnitResult

    seen: list[float] = []
    with app.app_context():
        period = db.get(ReportingPeriod, reported.period.id)
        city = db.get(Tenant, reported.tenant("ha-noi").id)
        content = report_content.build(db, host, snapshots.results_for(db, period), city, "city")
        units = [UnitResult(uuid.uuid4(), f"Đơn vị {i}", "school", f"{city.path}{uuid.uuid4()}/", None, None,
                            None, i % 2 == 0) for i in range(4000)]
        content.total.expected, content.late_count = 4000, 2000
        content.late_units = lambda: iter(units[:2000])
        content.all_units = lambda: iter(units)
        assert xlsx.write(io.BytesIO(), content, seen.append) == 4000
    points = [0.0, *seen]
    assert points == sorted(points) and seen[-1] == 1.0
    assert max(b - a for a, b in zip(points, points[1:], strict=False)) <= 0.05 + 1e-9, points


def test_the_pdf_names_a_bounded_number_of_late_units_and_the_page_names_all(app, reported, db, host):
    """A document laid out whole must not grow with the city: past PDF_LATE_LISTED late units the
    PDF says how many more there are and where they are listed; the print view lists them all."""
    from flask import render_template

    from core.snapshots.operations import UnitResult

    late = report_content.PDF_LATE_LISTED + 500
    with app.test_request_context():
        period = db.get(ReportingPeriod, reported.period.id)
        city = db.get(Tenant, reported.tenant("ha-noi").id)
        content = report_content.build(db, host, snapshots.results_for(db, period), city, "city")
        units = [UnitResult(uuid.uuid4(), f"Đơn vị chậm {i}", "school", f"{city.path}{uuid.uuid4()}/", None,
                            None, None, True) for i in range(late)]
        content.late_count = late
        content.late_units = lambda: iter(units)
        for_pdf = render_template("exports/report.html",
                                  **report_content.template_context(content, for_pdf=True))
        on_screen = render_template("exports/report.html", **report_content.template_context(content))
    assert for_pdf.count("Đơn vị chậm ") == report_content.PDF_LATE_LISTED
    assert "Và 500 đơn vị khác: danh sách đầy đủ trong bản Excel (XLSX)" in for_pdf
    assert on_screen.count("Đơn vị chậm ") == late and "đơn vị khác" not in on_screen


def test_a_job_writes_its_progress_where_the_api_reads_it(app, reported, db):
    from core.exports.models import Export
    from core.exports.tasks import Progress

    export_id = uuid.uuid4()
    with app.app_context():
        from core.jobs.backends import submit

        job = submit(db, "exports.run", {"export_id": export_id, "tenant_id": reported.tenant("ha-noi").id})
        db.add(Export(id=export_id, job_id=job.id, period_id=reported.period.id,
                      tenant_id=reported.tenant("ha-noi").id, report="city", format="xlsx"))
        db.commit()
    progress = Progress(app, export_id)
    for share in (0.02, 0.5, 0.4, 0.97):
        progress(share)
    db.expire_all()
    assert db.get(Export, export_id).progress == 97  # it never goes back


def test_a_pdfs_progress_follows_the_pages_laid_out(app, reported, db, host):
    from core.exports.tasks import render_pdf

    seen: list[float] = []
    with app.app_context():
        period = db.get(ReportingPeriod, reported.period.id)
        city = db.get(Tenant, reported.tenant("ha-noi").id)
        content = report_content.build(db, host, snapshots.results_for(db, period), city, "city")
        data = render_pdf(content, seen.append)
    assert data.startswith(b"%PDF") and content.pages == len(PdfReader(io.BytesIO(data)).pages)
    assert seen == sorted(seen) and seen[-1] == 0.97
    # The pages laid out took it from 40 % to 93 % (a small report is one estimated page), then
    # the PDF's writing to 97 %.
    assert 0.4 in seen and 0.93 in seen and seen.index(0.4) < seen.index(0.93) < seen.index(0.97), seen


def test_the_xlsx_prints_on_a4_in_times_new_roman_with_number_formats(app, reported, api_as):
    """NĐ 30/2020, Phụ lục I: A4 portrait, margins 20/15/20/30 mm, Times New Roman; counts
    grouped and scores with two decimals, stored as numbers (Excel shows the reader's
    separators)."""
    data = export_file(app, api_as("city_admin"), reported, "city", "xlsx", "ha-noi")
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"  # 9: A4
        margins = sheet.page_margins
        assert [round(x * 25.4) for x in (margins.top, margins.right, margins.bottom, margins.left)] == \
            [20, 15, 20, 30]
    main = book["Báo cáo"]
    rows = list(main.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == "Đơn vị / loại đơn vị")
    totals = rows[header + 1]
    assert isinstance(totals[1].value, int) and totals[1].number_format == "#,##0"
    assert totals[7].number_format == "0.00" and isinstance(totals[7].value, float)
    assert {cell.font.name for row in rows for cell in row if cell.value is not None} == {"Times New Roman"}


def test_a_units_report_page_prints_its_criteria_and_links_its_print_view(app, reported, client_as):
    """The case of the issue: printing the report page showed none of its criteria, because the
    print stylesheet hid every form. It now hides only navigation and buttons, and the page links
    the whole report as a document."""
    school = reported.tenant("school-a1").id
    for who in ("a1_reporter", "ward_reviewer"):
        web = client_as(who)
        page = web.get(f"/tenants/{school}/periods/{reported.period.id}/report").get_data(as_text=True)
        link = f"/periods/{reported.period.id}/reports/unit/print?scope={school}"
        assert link in page.replace("&amp;", "&"), who
        printed = web.get(link)
        assert printed.status_code == 200 and "Số cán bộ được tập huấn" in printed.get_data(as_text=True)
    with open(app.static_folder + "/thidua.css", encoding="utf-8") as handle:
        css = handle.read()
    block = css.split("@media print", 1)[1].split("{", 1)[1].split("\n}", 1)[0]
    hidden = [selector.strip() for rule in re.findall(r"([^{}]+)\{[^{}]*display:\s*none", block)
              for selector in rule.split(",")]
    assert hidden and not {"form", "input", "select", "textarea", "table", "main"} & set(hidden), hidden
