"""The commendation pages: a unit proposes, Công an Thành phố vets and Sở Nội vụ decides through the
forms (CSRF on each), siblings get 404, the wrong role 403, and the page reads in English too."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from core.testing.fixtures import csrf_token_from
from tests.awards.files import EXE, PDF


@pytest.fixture
def web(client_as, awards_world):
    return client_as


def page(client, url: str) -> tuple[str, str]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    html = answer.get_data(as_text=True)
    return html, csrf_token_from(html)


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def attach(client, dossier: str, kind: str = "memo", data: bytes = PDF, token: str | None = None):
    html, fresh = page(client, dossier)
    return client.post(f"{dossier}/attachments", content_type="multipart/form-data", data={
        "csrf_token": fresh if token is None else token, "version": version_of(html), "kind": kind,
        "file": (io.BytesIO(data), "tờ trình.pdf")})


def open_dossier(client, listing: str) -> str:
    """Open the client's unit's dossier from the period's list; its page's address."""
    _html, token = page(client, listing)
    return client.post(listing, data={"csrf_token": token}).headers["Location"]


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Đối tượng"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_propose_vet_and_decide_on_the_web(web, awards_world):
    world = awards_world
    head = web("ward_head")
    listing = f"/periods/{world.period.id}/nominations"
    assert head.get("/nominations").headers["Location"].endswith(listing)
    html, token = page(head, listing)
    assert "Lập hồ sơ đề nghị khen thưởng" in html
    opened = head.post(listing, data={"csrf_token": token})
    assert opened.status_code == 303
    dossier = opened.headers["Location"]

    html, token = page(head, dossier)
    assert "Giấy khen của Giám đốc Công an Thành phố" in html and 'name="person_name"' in html
    head.post(f"{dossier}/justification", data={"csrf_token": token, "version": version_of(html),
                                                "justification": "Thành tích nổi bật"})
    html, token = page(head, dossier)
    added = head.post(f"{dossier}/nominees", data={
        "csrf_token": token, "version": version_of(html), "award": "giay-khen-cong-an-tp",
        "subject": "individual", "unit": str(world.tenant("ward-a").id), "person_name": "Đỗ Văn Hùng",
        "person_position": "Tổ trưởng tổ bảo vệ ANTT"})
    assert added.status_code == 303
    html, token = page(head, dossier)
    assert "Đỗ Văn Hùng" in html
    refused = head.post(f"{dossier}/steps/submit", data={"csrf_token": token, "version": version_of(html)})
    # Refused on what the dossier lacks: 422, the page naming the field.
    assert refused.status_code == 422
    assert ("Tệp đính kèm: Cần đính kèm tờ trình đề nghị khen thưởng trước khi gửi hồ sơ."
            in refused.get_data(as_text=True))
    assert attach(head, dossier).status_code == 303
    html, token = page(head, dossier)
    # Without the form's token nothing moves.
    assert head.post(f"{dossier}/steps/submit", data={"version": version_of(html)}).status_code == 400
    head.post(f"{dossier}/steps/submit", data={"csrf_token": token, "version": version_of(html)})
    html, _token = page(head, dossier)
    assert "Chờ Công an Thành phố thẩm định" in html and 'name="person_name"' not in html

    # A sibling never sees it; the unit cannot vet its own dossier.
    sibling = web("commune_head")
    assert sibling.get(dossier).status_code == 404
    _html, sibling_token = page(sibling, listing)
    assert sibling.post(f"{dossier}/steps/vet", data={"csrf_token": sibling_token}).status_code == 404
    assert head.post(f"{dossier}/steps/vet", data={"csrf_token": token}).status_code == 403

    police = web("police_reviewer")
    html, token = page(police, listing)
    assert "Phường A" in html
    html, token = page(police, dossier)
    assert "Xác nhận thẩm định" in html and "Trả lại" in html
    police.post(f"{dossier}/steps/vet", data={"csrf_token": token, "version": version_of(html)})
    html, _token = page(police, dossier)
    assert "Chờ Sở Nội vụ thẩm định" in html

    board = web("board_admin")
    html, token = page(board, dossier)
    board.post(f"{dossier}/steps/appraise", data={"csrf_token": token, "version": version_of(html)})
    html, token = page(board, dossier)
    stale = board.post(f"{dossier}/steps/decide", data={
        "csrf_token": token, "version": "0", "number": "7/QĐ-CAHN", "date": "2026-11-24"})
    assert stale.status_code == 303
    html, token = page(board, dossier)
    assert "Hồ sơ vừa được người khác cập nhật" in html
    board.post(f"{dossier}/steps/decide", data={
        "csrf_token": token, "version": version_of(html), "number": "7/QĐ-CAHN", "date": "2026-11-24"})
    html, _token = page(head, dossier)
    assert "Quyết định số 7/QĐ-CAHN ngày 24/11/2026" in html

    # The dossier's version is the forms' business (compare-and-set), not the reader's.
    assert "Phiên bản" not in html and 'name="version"' not in html  # decided: no form left
    # The decided dossier's notice opens the dossier, not a report.
    notices, _token = page(head, "/notifications")
    assert "Mở hồ sơ" in notices and "Mở báo cáo" not in notices

    english, _token = page(head, dossier + "?lang=en")
    assert "Decision no. 7/QĐ-CAHN of 24/11/2026" in english
    # One dossier's page is named in the singular; its period leads back to the dossiers.
    assert ">Commendation dossier<" not in english and "Commendation dossier · <a" in english
    assert "Commendation dossiers" not in english and "Version" not in english
    assert "Open dossier" in page(head, "/notifications")[0]
    # The award's own English name, not the Vietnamese one, beside each nominee.
    assert "Certificate of Merit of the Director of the City Police" in english
    assert "Giấy khen của Giám đốc Công an Thành phố" not in english
    assert "Giấy khen của Giám đốc Công an Thành phố" in html

    # The decision's list and the certificates, in Vietnamese whatever the page's language.
    listed = head.get(f"{dossier}/decision-list.pdf?lang=en")
    assert listed.status_code == 200 and listed.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(listed.data)).pages)
    assert "DANH SÁCH" in text and "Kèm theo Quyết định số 7/QĐ-CAHN ngày 24 tháng 11 năm 2026" in text
    assert "Đỗ Văn Hùng" in text and "Tổ trưởng tổ bảo vệ ANTT, Phường A" in text
    assert "(Danh sách có 0 tập thể và 1 cá nhân)./." in text
    certificates = PdfReader(io.BytesIO(head.get(f"{dossier}/certificates.pdf").data))
    assert len(certificates.pages) == 1
    text = " ".join(certificates.pages[0].extract_text().split())
    assert "GIÁM ĐỐC CÔNG AN THÀNH PHỐ HÀ NỘI" in text and "GIẤY KHEN" in text and "Đỗ Văn Hùng" in text
    assert "Quyết định số 7/QĐ-CAHN" in text
    assert web("commune_head").get(f"{dossier}/certificates.pdf").status_code == 404

    # The registry finds him typed without accents, within the ward's reach only.
    html, _token = page(head, "/nominations/registry?q=do+van+hung&year=2026")
    assert "Đỗ Văn Hùng" in html and "7/QĐ-CAHN" in html
    assert "Đỗ Văn Hùng" not in page(web("commune_head"), "/nominations/registry?q=do+van+hung")[0]
    # (the page speaks English since the ?lang=en above)
    assert "Invalid data: Year of the decision:" in page(head, "/nominations/registry?year=abc")[0]


def test_a_return_shows_its_reason_and_bad_input_is_named(web, awards_world):
    world = awards_world
    head = web("ward_head")
    listing = f"/periods/{world.period.id}/nominations"
    dossier = open_dossier(head, listing)
    html, token = page(head, dossier)
    refused = head.post(f"{dossier}/nominees", data={"csrf_token": token, "version": version_of(html),
                                                     "award": "giay-khen-cong-an-tp", "subject": "individual",
                                                     "unit": str(world.tenant("ward-a").id)})
    assert refused.status_code == 422
    assert "Họ và tên: Cần nhập họ và tên cá nhân được đề nghị." in refused.get_data(as_text=True)
    html, token = page(head, dossier)
    head.post(f"{dossier}/nominees", data={"csrf_token": token, "version": version_of(html),
                                           "award": "giay-khen-cong-an-tp", "subject": "collective",
                                           "unit": str(world.tenant("ward-a").id)})
    html, token = page(head, dossier)
    head.post(f"{dossier}/justification", data={"csrf_token": token, "version": version_of(html),
                                                "justification": "Thành tích"})
    attach(head, dossier)
    html, token = page(head, dossier)
    head.post(f"{dossier}/steps/submit", data={"csrf_token": token, "version": version_of(html)})
    assert head.get(f"{dossier}/decision-list.pdf").status_code == 409  # no decision yet
    police = web("police_reviewer")
    html, token = page(police, dossier)
    refused = police.post(f"{dossier}/steps/return", data={"csrf_token": token, "version": version_of(html),
                                                           "reason": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Dữ liệu chưa hợp lệ: Lý do trả lại:" in html and "Chờ Công an Thành phố thẩm định" in html
    police.post(f"{dossier}/steps/return", data={"csrf_token": token, "version": version_of(html),
                                                 "reason": "Thiếu biên bản họp"})
    html, _token = page(head, dossier)
    assert "Lý do trả lại: Thiếu biên bản họp" in html and "Gửi đề nghị" in html


def test_attachments_on_the_dossier_page(web, awards_world):
    world = awards_world
    head = web("ward_head")
    listing = f"/periods/{world.period.id}/nominations"
    dossier = open_dossier(head, listing)
    html, token = page(head, dossier)
    assert 'id="attachment-form"' in html and "Tờ trình" in html and "Biên bản họp" in html
    assert attach(head, dossier, token="").status_code == 400  # CSRF
    refused = attach(head, dossier, data=EXE)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    # The refusal speaks of the dossier's attachment and the kinds it takes, not of evidence.
    assert ("Tệp này là chương trình hoặc mã lệnh chạy được, không thể là tệp đính kèm của hồ sơ đề nghị "
            "khen thưởng; hệ thống không nhận tệp này dù tên tệp là gì. Tệp đính kèm của hồ sơ (tờ trình, "
            "biên bản họp) chỉ nhận tệp PDF, ảnh JPEG hoặc PNG, tài liệu Word (.doc, .docx).") in html
    assert "minh chứng" not in html and "tờ trình.pdf" not in html
    # A spreadsheet is evidence a report takes, but no paper of a dossier.
    refused = attach(head, dossier, data=xlsx_bytes())
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert ("Loại tệp này không được chấp nhận. Tệp đính kèm của hồ sơ (tờ trình, biên bản họp) chỉ nhận tệp "
            "PDF, ảnh JPEG hoặc PNG, tài liệu Word (.doc, .docx).") in html
    assert attach(head, dossier, kind="minutes").status_code == 303
    html, token = page(head, dossier)
    link = re.search(r'href="([^"]+/attachments/[0-9a-f-]+)"', html).group(1)
    assert head.get(link).data == PDF
    assert web("commune_head").get(link).status_code == 404
    assert web("ward_reporter").get(link).data == PDF
    reporter = web("ward_reporter")
    _html, reporter_token = page(reporter, dossier)
    assert 'id="attachment-form"' not in _html
    remove = link + "/delete"
    refused = reporter.post(remove, data={"csrf_token": reporter_token, "version": version_of(html)})
    assert refused.status_code == 403
    assert head.post(remove, data={"csrf_token": token, "version": "0"}).status_code == 303
    html, token = page(head, dossier)
    assert "tờ trình.pdf" in html  # stale version: nothing removed
    assert head.post(remove, data={"csrf_token": token, "version": version_of(html)}).status_code == 303
    html, _token = page(head, dossier)
    assert "tờ trình.pdf" not in html


def test_the_nominee_form_attaches_the_achievement_record(web, awards_world, db):
    from tests.awards.test_chain import _record

    world = awards_world
    _record(db, world, score=92)
    head = web("ward_head")
    listing = f"/periods/{world.period.id}/nominations"
    dossier = open_dossier(head, listing)
    html, token = page(head, dossier)
    assert 'name="achievement"' in html
    head.post(f"{dossier}/nominees", data={"csrf_token": token, "version": version_of(html),
                                           "award": "giay-khen-cong-an-tp", "subject": "individual",
                                           "unit": str(world.tenant("ward-a").id), "achievement": "true"})
    html, _token = page(head, dossier)
    assert "Trần Thị Mai" in html
    assert "Thành tích (bộ tiêu chí cá nhân): Trần Thị Mai · Đoàn viên, hội viên · 92 điểm" in html


def test_nominee_notes_are_shown_and_edited_on_the_page(web, awards_world, db):
    from sqlalchemy import select

    from core.audit.models import AuditEntry
    from core.awards.models import Nominee

    world = awards_world
    head = web("ward_head")
    listing = f"/periods/{world.period.id}/nominations"
    dossier = open_dossier(head, listing)
    html, token = page(head, dossier)
    head.post(f"{dossier}/nominees", data={
        "csrf_token": token, "version": version_of(html), "award": "giay-khen-cong-an-tp",
        "subject": "collective", "unit": str(world.tenant("school-a1").id), "note": "Đề nghị lần đầu"})
    html, token = page(head, dossier)
    nominee = db.scalar(select(Nominee))
    note_url = f"{dossier}/nominees/{nominee.id}/note"
    assert f'action="{note_url}"' in html and ">Đề nghị lần đầu</textarea>" in html

    # Without the form's token nothing changes; a sibling gets 404, someone who only reads, 403.
    assert head.post(note_url, data={"version": version_of(html), "note": "x"}).status_code == 400
    sibling = web("commune_head")
    _html, sibling_token = page(sibling, listing)
    assert sibling.post(note_url, data={"csrf_token": sibling_token, "note": "x"}).status_code == 404
    reporter = web("ward_reporter")
    reporter_html, reporter_token = page(reporter, dossier)
    assert 'class="nominee-note"' in reporter_html and "Ghi chú: Đề nghị lần đầu" in reporter_html
    assert f'action="{note_url}"' not in reporter_html
    assert reporter.post(note_url, data={"csrf_token": reporter_token, "version": version_of(html),
                                         "note": "x"}).status_code == 403

    # Too long: 422, naming the field; nothing saved.
    too_long = head.post(note_url, data={"csrf_token": token, "version": version_of(html),
                                         "note": "x" * 2001})
    assert too_long.status_code == 422
    assert "Dữ liệu chưa hợp lệ: Ghi chú:" in too_long.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(Nominee.note)) == "Đề nghị lần đầu"

    saved = head.post(note_url, data={"csrf_token": token, "version": version_of(html),
                                      "note": "Có sáng kiến được áp dụng toàn phường"})
    assert saved.status_code == 303
    html, token = page(head, dossier)
    assert "Đã lưu ghi chú." in html and ">Có sáng kiến được áp dụng toàn phường</textarea>" in html
    db.expire_all()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "award_dossier.nominee_note"))
    assert entry.changes["note"] == ["Đề nghị lần đầu", "Có sáng kiến được áp dụng toàn phường"]
    # A stale form changes nothing.
    assert head.post(note_url, data={"csrf_token": token, "version": "0", "note": "cũ"}).status_code == 303
    db.expire_all()
    assert db.scalar(select(Nominee.note)) == "Có sáng kiến được áp dụng toàn phường"
