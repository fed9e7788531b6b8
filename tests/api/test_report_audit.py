"""``…/report/audit`` and ``…/report/audit.csv``: who, when, what, from → to, why."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.users.models import User

from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    HIDDEN,
    REASON,
    USERS,
    at_stage,
    expect,
    extensions_url,
    report_world_fixture,
    request_extension,
    save,
    thidua_config_fixture,
    url,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def history(api_as, report_world, db):
    """A report saved twice, submitted, returned with a reason, plus an extension request."""
    db.get(User, report_world.user("ward_reviewer").id).full_name = "Nguyễn Thị Thẩm Định"
    db.commit()
    save(api_as("a1_reporter"), report_world, values={"staff": 20})
    at_stage(api_as, db, report_world, "returned")
    request_extension(api_as, report_world, clock.now_in_hanoi() + timedelta(days=90))
    return report_world


def test_the_trail_reads_who_when_what_from_to_and_why(api_as, history):
    body = expect(api_as("a1_head").get(url(history, "/audit")), 200)
    actions = [item["action"] for item in body["items"]]
    assert actions == ["report.save", "report.save", "report.submit", "report.return", "extension.request"]
    assert body["total"] == 5
    first = body["items"][0]
    assert first["who"] == "a1_reporter" and first["username"] == "a1_reporter"
    assert first["action_label"] == "Lưu số liệu"
    assert first["changes"] == [{"field": "rpt.safety.staff",
                                 "label": "An toàn về an ninh, trật tự — Tổng số cán bộ",
                                 "from": None, "to": 20}]
    second = body["items"][1]
    trained = next(c for c in second["changes"] if c["field"] == "rpt.safety.trained")
    assert trained == {"field": "rpt.safety.trained",
                       "label": "An toàn về an ninh, trật tự — Số cán bộ được tập huấn",
                       "from": None, "to": 15}
    returned = body["items"][3]
    assert returned["who"] == "Nguyễn Thị Thẩm Định" and returned["username"] == "ward_reviewer"
    assert returned["reason"] == REASON
    assert returned["changes"] == [{"field": "status", "label": "Trạng thái",
                                    "from": "submitted", "to": "returned"}]
    assert body["items"][4]["object_type"] == "extension"
    times = [datetime.fromisoformat(item["at"]) for item in body["items"]]
    assert times == sorted(times) and all(t.utcoffset() == timedelta(0) for t in times)


def test_the_csv_opens_in_excel_with_vietnamese_intact(api_as, history, db):
    response = api_as("ward_admin").get(url(history, "/audit.csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "school-a1" in disposition
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Thời điểm", "Người thực hiện", "Tài khoản", "Hành động", "Nội dung thay đổi",
                       "Giá trị cũ", "Giá trị mới", "Lý do"]
    saved = [r for r in rows[1:] if r[3] == "Lưu số liệu"]
    # One row per changed value: staff once, then plan_issued, trained and incidents.
    assert len(saved) == 4
    staff = [saved[0][2], saved[0][4], saved[0][5], saved[0][6]]
    assert staff == ["a1_reporter", "An toàn về an ninh, trật tự — Tổng số cán bộ", "", "20"]
    plan = next(r for r in saved if r[4].endswith("Có kế hoạch thực hiện phong trào"))
    assert plan[6] == "Có"
    returned = next(r for r in rows if r[3] == "Trả lại báo cáo")
    assert returned[1] == "Nguyễn Thị Thẩm Định"
    assert returned[4:] == ["Trạng thái", "Đã gửi", "Bị trả lại", REASON]
    asked = next(r for r in rows if r[3] == "Xin gia hạn")
    assert asked[4] == "Gia hạn đến" and asked[7] == "Đơn vị đang tổng hợp số liệu của các tổ"
    # Times are Hanoi's, as officials read them.
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "report.return"))
    assert returned[0] == entry.at.astimezone(VN).strftime("%d/%m/%Y %H:%M:%S")


def test_the_csv_rows_match_the_audit_log(api_as, history, db):
    db.rollback()
    school = history.tenant("school-a1").id
    stored = db.scalars(select(AuditEntry).where(
        AuditEntry.tenant_id == school,
        AuditEntry.action.like("report.%") | AuditEntry.action.like("extension.%"),
    )).all()
    assert len(stored) == 5
    changes = sum(max(1, len(e.changes)) for e in stored)
    rows = list(csv.reader(io.StringIO(
        api_as("a1_reporter").get(url(history, "/audit.csv")).get_data().decode("utf-8-sig"))))
    assert len(rows) - 1 == changes


def test_a_cell_that_looks_like_a_formula_is_defused(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    expect(api_as("ward_reviewer").post(url(report_world, "/return"), json={"reason": "=HYPERLINK(\"x\")"}),
           200)
    rows = list(csv.reader(io.StringIO(
        api_as("a1_head").get(url(report_world, "/audit.csv")).get_data().decode("utf-8-sig"))))
    returned = next(r for r in rows if r[3] == "Trả lại báo cáo")
    assert returned[7] == "'=HYPERLINK(\"x\")"


def test_a_report_not_started_has_an_empty_trail(api_as, report_world):
    assert expect(api_as("a1_head").get(url(report_world, "/audit")), 200) == {"items": [], "total": 0}
    rows = api_as("a1_head").get(url(report_world, "/audit.csv")).get_data().decode("utf-8-sig").splitlines()
    assert len(rows) == 1


def test_another_units_changes_stay_out(api_as, history):
    save(api_as("a2_head"), history, slug="school-a2", values=COMPLETE)
    body = expect(api_as("ward_admin").get(url(history, "/audit")), 200)
    assert body["total"] == 5
    other = expect(api_as("ward_admin").get(url(history, "/audit", slug="school-a2")), 200)
    assert [i["action"] for i in other["items"]] == ["report.save"]
    assert other["items"][0]["username"] == "a2_head"


@pytest.mark.parametrize("suffix", ["/audit", "/audit.csv"])
@pytest.mark.parametrize("username", USERS)
def test_who_reads_the_trail(api_as, history, username, suffix):
    response = api_as(username).get(url(history, suffix))
    assert response.status_code == (404 if username in HIDDEN else 200)
    if username in HIDDEN:
        assert REASON not in response.get_data(as_text=True)


def test_the_extension_list_and_trail_agree(api_as, history):
    extension = expect(api_as("a1_head").get(extensions_url(history)), 200)["items"][0]
    trail = expect(api_as("a1_head").get(url(history, "/audit")), 200)["items"]
    asked = next(i for i in trail if i["action"] == "extension.request")
    assert asked["changes"][0]["field"] == "until"
    assert datetime.fromisoformat(asked["changes"][0]["to"]) == datetime.fromisoformat(extension["until"])


def test_evidence_added_and_removed_stays_in_the_trail(api_as, report_world, db):
    save(api_as("a1_reporter"), report_world, values={"staff": 20})
    evidence = url(report_world, "/evidence")
    form = {"file": (io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "Kế hoạch.pdf"),
            "criterion": "rpt.safety.plan_issued"}
    added = expect(api_as("a1_reporter").post(evidence, data=form, content_type="multipart/form-data"), 201)
    assert api_as("a1_reporter").delete(f"{evidence}/{added['id']}").status_code == 204
    trail = expect(api_as("ward_reviewer").get(url(report_world, "/audit")), 200)["items"]
    assert [i["action_label"] for i in trail] == ["Lưu số liệu", "Tải lên minh chứng", "Xóa minh chứng"]
    upload_changes = {c["field"]: c for c in trail[1]["changes"]}
    assert upload_changes["filename"]["label"] == "Tên tệp"
    assert upload_changes["filename"]["from"] is None and upload_changes["filename"]["to"]
    removal = {c["field"]: c for c in trail[2]["changes"]}
    assert removal["filename"]["from"] == upload_changes["filename"]["to"]
    assert removal["filename"]["to"] is None
    rows = list(csv.reader(io.StringIO(
        api_as("a1_head").get(url(report_world, "/audit.csv")).get_data().decode("utf-8-sig"))))
    assert any(r[3] == "Xóa minh chứng" and r[4] == "Tên tệp" and r[5] and not r[6] for r in rows)
