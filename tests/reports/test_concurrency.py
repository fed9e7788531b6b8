"""Real concurrent requests against a live server: every change of a report is a compare-and-set,
so of several requests that read the same version exactly one is applied, the others answer 409
with the version now stored, and the applied change is audited once, told to the unit once and
announced to plugins once.

The requests are sent from threads held at a barrier, each on a connection opened beforehand,
so that they reach the server together. CI runs this module on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import http.client
import io
import json
import sys
import threading
import uuid
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db.types import utcnow
from core.notifications.models import Notification
from core.reports.models import Comment, Evidence, Extension, Section, Submission
from core.users.access import SystemAccess
from core.users.operations import issue_token

COMPLETE = {"plan_issued": True, "staff": 20, "trained": 15, "incidents": 0}
REASON = "Số cán bộ được tập huấn chưa khớp với danh sách"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Api:
    """Bearer-token JSON calls to the live server, one connection per call."""

    def __init__(self, server, token: str) -> None:
        self.host, self.port = urlsplit(server.url).hostname, urlsplit(server.url).port
        self.token = token

    def connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.connect()
        return connection

    def send(self, method: str, path: str, body=None, content_type: str = "application/json",
             connection=None) -> tuple[int, dict]:
        connection = connection or self.connect()
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = content_type
            if content_type == "application/json":
                body = json.dumps(body)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        return response.status, (json.loads(raw) if raw else {})


def fetch(api: Api, path: str) -> bytes:
    connection = api.connect()
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {api.token}"})
        response = connection.getresponse()
        assert response.status == 200, response.status
        return response.read()
    finally:
        connection.close()


def at_once(calls) -> list[tuple[int, dict]]:
    """Run ``calls`` (each ``(api, method, path, body[, content type])``) from one thread each,
    released together by a barrier once every connection is open; answers in call order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index: int, call) -> None:
        api, method, path, body, *content_type = call
        connection = api.connect()
        barrier.wait(timeout=30)
        try:
            answers[index] = api.send(method, path, body, *content_type, connection=connection)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            answers[index] = (0, {"exception": repr(error)})

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers), answers
    return answers


@pytest.fixture
def api(app, db, report_world, live_server):
    """``api("a1_head")`` → calls to the live server as that user."""

    def make(username: str) -> Api:
        with app.app_context():
            token = issue_token(db, SystemAccess(db=db, user=None), report_world.user(username))
            db.commit()
        return Api(live_server, token)

    return make


@pytest.fixture
def events(app):
    """What the test plugin heard through ``thidua_submission_event``, from now on."""
    heard = sys.modules["thidua_rpt"].EVENTS
    heard.clear()
    return heard


def report_path(world, suffix: str = "", slug: str = "school-a1") -> str:
    return f"/api/v1/tenants/{world.tenant(slug).id}/periods/{world.period.id}/report{suffix}"


def stored(db, world, slug: str = "school-a1") -> Submission | None:
    db.rollback()
    db.expire_all()
    return db.scalar(select(Submission).where(Submission.tenant_id == world.tenant(slug).id,
                                              Submission.period_id == world.period.id))


def audited(db, action: str, object_id) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_id == str(object_id)))


def notices(db, world, slug: str = "school-a1") -> Counter:
    db.rollback()
    return Counter(db.scalars(select(Notification.kind).where(
        Notification.tenant_id == world.tenant(slug).id)))


def outcome(answers) -> tuple[list[dict], list[dict]]:
    """(bodies of the successes, error objects of the refusals); anything else fails."""
    won = [body for status, body in answers if status in (200, 201, 204)]
    lost = [body["error"] for status, body in answers if status == 409]
    assert len(won) + len(lost) == len(answers), answers
    return won, lost


def one_applied(answers, db, world, version: int) -> tuple[list[dict], Submission]:
    """Exactly one of ``answers`` applied, moving the report from ``version`` to the next; every
    other one answered 409 naming that version. Returns (the winner's body, the stored report)."""
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == len(answers) - 1, answers
    submission = stored(db, world)
    assert submission.version == version + 1
    assert all(error["version"] == version + 1 for error in lost), lost
    return won, submission


def submitted_report(api, db, world, slug: str = "school-a1", head: str = "a1_head") -> int:
    """A complete report with its proof, submitted; returns its version."""
    unit = api(head)
    status, view = unit.send("PUT", report_path(world, slug=slug), {
        "version": 0, "sections": {"rpt.safety": COMPLETE}})
    assert status == 200, view
    status, body = unit.send("POST", report_path(world, "/evidence", slug), *multipart(PDF))
    assert status == 201, body
    status, view = unit.send("POST", report_path(world, "/submit", slug))
    assert status == 200, view
    return view["version"]


def multipart(data: bytes, criterion: str = "rpt.safety.plan_issued",
              version: int | None = None) -> tuple[bytes, str]:
    """A multipart upload of ``data`` for ``criterion``, naming the version read if given."""
    boundary = uuid.uuid4().hex
    fields = {"criterion": criterion} | ({} if version is None else {"version": str(version)})
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="ke-hoach.pdf"'
                 "\r\nContent-Type: application/pdf\r\n\r\n")
    body = "".join(parts).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# The lost update


def test_eight_saves_of_one_version_apply_exactly_one(api, db, report_world):
    reporter = api("a1_reporter")
    status, view = reporter.send("PUT", report_path(report_world), {
        "version": 0, "sections": {"rpt.safety": {"staff": 20}}})
    assert status == 200 and view["version"] == 1
    answers = at_once([
        (api("a1_reporter" if i % 2 else "a1_head"), "PUT", report_path(report_world),
         {"version": 1, "sections": {"rpt.safety": {"staff": 100 + i}}})
        for i in range(8)
    ])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 7, answers
    assert won[0]["version"] == 2
    assert all(error["code"] == "conflict" and error["version"] == 2 for error in lost), lost
    submission = stored(db, report_world)
    assert submission.version == 2
    section = db.scalar(select(Section).where(Section.submission_id == submission.id))
    assert section.values["staff"] == won[0]["sections"][0]["values"]["staff"]
    assert audited(db, "report.save", submission.id) == 2  # the first save and the one winner


def test_eight_first_saves_at_once_start_the_report_once(api, db, report_world):
    answers = at_once([
        (api("a1_reporter" if i % 2 else "a1_head"), "PUT", report_path(report_world),
         {"version": 0, "sections": {"rpt.safety": {"staff": 200 + i}}})
        for i in range(8)
    ])
    won, lost = outcome(answers)  # never a 500
    assert len(won) == 1 and len(lost) == 7, answers
    assert all(error["version"] == 1 for error in lost), lost
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Submission)) == 1
    submission = stored(db, report_world)
    assert submission.version == 1
    section = db.scalar(select(Section).where(Section.submission_id == submission.id))
    assert section.values == {"staff": won[0]["sections"][0]["values"]["staff"]}
    assert audited(db, "report.save", submission.id) == 1


def test_six_submits_at_once_submit_once(api, db, report_world, events):
    head = api("a1_head")
    status, view = head.send("PUT", report_path(report_world), {
        "version": 0, "sections": {"rpt.safety": COMPLETE}})
    assert status == 200
    status, _body = head.send("POST", report_path(report_world, "/evidence"), *multipart(PDF))
    assert status == 201
    answers = at_once([(api("a1_head"), "POST", report_path(report_world, "/submit"), None)
                       for _ in range(6)])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 5, answers
    submission = stored(db, report_world)
    assert submission.status == "submitted" and won[0]["version"] == submission.version
    assert all(error["version"] == submission.version for error in lost), lost
    assert audited(db, "report.submit", submission.id) == 1
    assert [event for _unit, event in events] == ["submitted"]


def edited_copy(workbook: bytes, staff: int) -> bytes:
    """The downloaded form with the "staff" count typed as ``staff``."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    sheet = book["An toàn về an ninh, trật tự"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "staff")
    sheet.cell(row, 4).value = staff
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

def test_the_same_workbook_uploaded_twice_at_once_is_saved_once(api, db, report_world):
    """The Excel import saves through the draft save: the version written in the file is the one
    claimed, so two uploads of one downloaded file cannot both apply."""

    reporter = api("a1_reporter")
    xlsx = report_path(report_world).removesuffix("/report") + "/report.xlsx"
    uploads = [edited_copy(fetch(reporter, xlsx), staff) for staff in (31, 32)]
    answers = at_once([(api("a1_reporter"), "POST", xlsx, *upload_of(data)) for data in uploads])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 1, answers
    assert won[0]["version"] == 1 and lost[0]["version"] == 1
    submission = stored(db, report_world)
    section = db.scalar(select(Section).where(Section.submission_id == submission.id))
    assert section.values["staff"] in (31, 32)
    assert audited(db, "report.save", submission.id) == 1


def downloaded_then_saved(api, world) -> tuple[Api, str, bytes]:
    """The reporter, the form's path and the form downloaded at version 0, after which a save
    moved the report to version 1: what a copy of an old download is merged with."""
    reporter = api("a1_reporter")
    xlsx = report_path(world).removesuffix("/report") + "/report.xlsx"
    downloaded = fetch(reporter, xlsx)
    status, _view = reporter.send("PUT", report_path(world), {
        "version": 0, "sections": {"rpt.safety": {"incidents": 1}}})
    assert status == 200
    return reporter, xlsx, downloaded


def test_two_merged_copies_of_one_old_download_at_once_apply_one(api, db, report_world):
    """A copy of an older download is merged with what was saved since, then saved by the same
    compare-and-set: of two copies changing one field, exactly one applies, whether the other
    loses the claim or, arriving later, conflicts with it in the merge."""

    reporter, xlsx, downloaded = downloaded_then_saved(api, report_world)
    uploads = [edited_copy(downloaded, staff) for staff in (31, 32)]
    answers = at_once([(api("a1_reporter"), "POST", xlsx, *upload_of(data)) for data in uploads])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 1, answers
    assert won[0]["version"] == 2 and lost[0]["version"] == 2
    submission = stored(db, report_world)
    section = db.scalar(select(Section).where(Section.submission_id == submission.id))
    assert section.values in ({"incidents": 1, "staff": 31}, {"incidents": 1, "staff": 32})
    assert audited(db, "report.save", submission.id) == 2


def test_a_merge_clashing_with_a_save_landed_in_between_answers_the_version_stored_now(
        api, db, report_world, monkeypatch):
    """The interleaving the test above meets only now and then, made certain: the copy's
    request reads the report (version 1), another save lands (version 2), then the copy reads
    the values saved since and clashes with them. Its 409 names version 2, as a save that lost
    the claim does: every 409 of a report carries the version stored now."""
    from core.reports import excel

    reporter, xlsx, downloaded = downloaded_then_saved(api, report_world)
    read_values, landed = excel.sections_of, []

    def a_save_lands_first(session, submission):
        if not landed:
            landed.append(reporter.send("PUT", report_path(report_world), {
                "version": 1, "sections": {"rpt.safety": {"incidents": 1, "staff": 31}}}))
        return read_values(session, submission)

    monkeypatch.setattr(excel, "sections_of", a_save_lands_first)
    status, body = reporter.send("POST", xlsx, *upload_of(edited_copy(downloaded, 32)))
    assert [answer[0] for answer in landed] == [200]
    assert status == 409, body
    assert body["error"]["version"] == 2
    assert stored(db, report_world).version == 2


def upload_of(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bao-cao.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# The double decision: two reviewers decide at the same instant


def test_approve_and_return_at_the_same_instant_make_one_decision(api, db, report_world, events):
    version = submitted_report(api, db, report_world)
    events.clear()
    answers = at_once([
        (api("ward_reviewer"), "POST", report_path(report_world, "/return"), {"reason": REASON}),
        (api("city_reviewer"), "POST", report_path(report_world, "/approve"), {}),
    ])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 1, answers
    assert lost[0]["version"] == version + 1
    submission = stored(db, report_world)
    returns = audited(db, "report.return", submission.id)
    approvals = audited(db, "report.approve", submission.id)
    assert returns + approvals == 1  # one transition out of "submitted"
    kinds = db.scalars(select(Comment.kind).where(Comment.submission_id == submission.id)).all()
    told = notices(db, report_world)
    if submission.status == "approved":
        assert submission.returned_reason == "" and "return" not in kinds
        assert told == Counter({"report.approved": 2})  # the unit's reporter and head, once each
        assert events == [(submission.tenant_id, "approved")]
    else:
        assert submission.status == "returned" and submission.returned_reason == REASON
        assert submission.approved_at is None
        assert told == Counter({"report.returned": 2})
        assert events == [(submission.tenant_id, "returned")]


def test_many_decisions_at_once_apply_one(api, db, report_world):
    version = submitted_report(api, db, report_world)
    answers = at_once([
        (api(("ward_reviewer", "ward_admin", "city_reviewer", "city_admin")[i % 4]), "POST",
         report_path(report_world, "/return" if i % 2 else "/approve"),
         {"reason": REASON} if i % 2 else {"reason": "Đạt"})
        for i in range(8)
    ])
    _won, submission = one_applied(answers, db, report_world, version)
    assert audited(db, "report.return", submission.id) + audited(db, "report.approve", submission.id) == 1
    assert sum(notices(db, report_world).values()) == 2


# Extensions and evidence


def test_concurrent_extension_decisions_decide_once(api, db, report_world):
    status, extension = api("a1_head").send(
        "POST", f"/api/v1/tenants/{report_world.tenant('school-a1').id}/periods/"
                f"{report_world.period.id}/extensions",
        {"reason": "Đơn vị đang tổng hợp số liệu", "until": (utcnow() + timedelta(days=90)).isoformat()})
    assert status == 201, extension
    decision = (f"/api/v1/tenants/{report_world.tenant('school-a1').id}/periods/{report_world.period.id}"
                f"/extensions/{extension['id']}/decision")
    answers = at_once([
        (api("ward_admin" if i % 2 else "city_admin"), "POST", decision,
         {"grant": True} if i % 2 else {"grant": False, "note": "Không đủ lý do"})
        for i in range(6)
    ])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 5, answers
    assert all(error["status"] == won[0]["status"] for error in lost), lost
    db.rollback()
    stored_status = db.scalar(select(Extension.status).where(Extension.id == uuid.UUID(extension["id"])))
    assert stored_status == won[0]["status"]
    decisions = [audited(db, f"extension.{kind}", extension["id"]) for kind in ("grant", "refuse")]
    assert sum(decisions) == 1
    assert sum(notices(db, report_world).values()) == 2  # reporter and head, told once


def test_two_extension_requests_at_once_leave_one_waiting(api, db, report_world):
    path = (f"/api/v1/tenants/{report_world.tenant('school-a1').id}/periods/{report_world.period.id}"
            "/extensions")
    until = (utcnow() + timedelta(days=90)).isoformat()
    answers = at_once([(api("a1_head"), "POST", path, {"reason": f"Lý do {i}", "until": until})
                       for i in range(4)])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 3, answers
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Extension)) == 1


def test_evidence_added_and_removed_while_submitting_one_change_applies(api, db, report_world, events):
    head = api("a1_head")
    status, view = head.send("PUT", report_path(report_world), {
        "version": 0, "sections": {"rpt.safety": COMPLETE}})
    assert status == 200
    status, proof = head.send("POST", report_path(report_world, "/evidence"), *multipart(PDF))
    assert status == 201
    read = view["version"] + 1  # the upload moved the version too
    answers = at_once([
        (api("a1_head"), "POST", report_path(report_world, "/submit"), {"version": read}),
        (api("a1_reporter"), "DELETE", report_path(report_world, f"/evidence/{proof['id']}?version={read}"),
         None),
        (api("a1_reporter"), "POST", report_path(report_world, "/evidence"),
         *multipart(PDF + b"% second\n", version=read)),
    ])
    won, lost = outcome(answers)
    assert len(won) == 1 and len(lost) == 2, answers
    submission = stored(db, report_world)
    assert submission.version == read + 1
    assert all(error["version"] == read + 1 for error in lost), lost
    files = db.scalars(select(Evidence.id).where(Evidence.submission_id == submission.id)).all()
    winner = next(i for i, (status, _body) in enumerate(answers) if status in (200, 201, 204))
    if winner == 0:  # the submit: the proof it checked is still there and locked in
        assert submission.status == "submitted" and files == [uuid.UUID(proof["id"])]
        assert events == [(submission.tenant_id, "submitted")]
    elif winner == 1:  # the removal: the report stays a draft without its proof
        assert submission.status == "draft" and files == []
    else:  # the second file
        assert submission.status == "draft" and len(files) == 2
    assert audited(db, "report.submit", submission.id) == (winner == 0)
    assert audited(db, "evidence.remove", submission.id) == (winner == 1)
    assert audited(db, "evidence.add", submission.id) == 1 + (winner == 2)


def test_a_stale_extension_decision_is_refused_after_the_first(api, db, report_world):
    """Sequential control of the same rule: the second decision names the stored status."""
    path = (f"/api/v1/tenants/{report_world.tenant('school-a1').id}/periods/{report_world.period.id}"
            "/extensions")
    status, extension = api("a1_head").send("POST", path, {
        "reason": "Chờ số liệu", "until": (utcnow() + timedelta(days=90)).isoformat()})
    assert status == 201
    admin = api("ward_admin")
    assert admin.send("POST", f"{path}/{extension['id']}/decision", {"grant": True})[0] == 200
    status, body = admin.send("POST", f"{path}/{extension['id']}/decision", {"grant": False, "note": "x"})
    assert status == 409 and body["error"]["status"] == "granted"


# The other moves: each a compare-and-set that exactly one of several requests wins


def test_reopens_at_once_reopen_once(api, db, report_world, events):
    version = submitted_report(api, db, report_world)
    status, approved = api("ward_reviewer").send("POST", report_path(report_world, "/approve"), {})
    assert status == 200 and approved["version"] == version + 1
    events.clear()
    answers = at_once([
        (api("ward_admin" if i % 2 else "city_admin"), "POST", report_path(report_world, "/reopen"),
         {"reason": f"Sai số liệu {i}", "version": version + 1})
        for i in range(4)
    ])
    _won, submission = one_applied(answers, db, report_world, version + 1)
    assert submission.status == "returned"
    assert audited(db, "report.reopen", submission.id) == 1
    reasons = db.scalars(select(Comment.body).where(Comment.submission_id == submission.id,
                                                    Comment.kind == "reopen")).all()
    assert reasons == [submission.returned_reason]
    assert events == [(submission.tenant_id, "reopened")]


def test_explanations_at_once_are_recorded_once(api, db, report_world):
    version = submitted_report(api, db, report_world)
    status, _view = api("ward_reviewer").send("POST", report_path(report_world, "/return"), {
        "reason": REASON, "require_explanation": True})
    assert status == 200
    answers = at_once([
        (api("a1_head"), "POST", report_path(report_world, "/explanation"),
         {"body": f"Đơn vị giải trình lần {i}", "version": version + 1})
        for i in range(4)
    ])
    _won, submission = one_applied(answers, db, report_world, version + 1)
    assert not submission.explanation_required
    assert audited(db, "report.explain", submission.id) == 1
    assert len(db.scalars(select(Comment.id).where(Comment.submission_id == submission.id,
                                                   Comment.kind == "explanation")).all()) == 1


def test_review_scores_of_one_version_at_once_apply_one(api, db, report_world):
    version = submitted_report(api, db, report_world)
    answers = at_once([
        (api("ward_reviewer" if i % 2 else "city_reviewer"), "PUT", report_path(report_world, "/review"),
         {"set": "rpt.safety", "version": version, "scores": {"trained": {"score": 40 + i, "note": str(i)}}})
        for i in range(6)
    ])
    _won, submission = one_applied(answers, db, report_world, version)
    section = db.scalar(select(Section).where(Section.submission_id == submission.id))
    winner = next(i for i, (status, _body) in enumerate(answers) if status == 200)
    assert section.review == {"trained": {"score": 40 + winner, "note": str(winner)}}
    assert audited(db, "report.review_scores", submission.id) == 1


def test_recomputes_at_once_apply_one(api, db, report_world):
    version = submitted_report(api, db, report_world)
    answers = at_once([
        (api("ward_reviewer"), "POST", report_path(report_world, "/recompute"), {"version": version})
        for _ in range(4)
    ])
    _won, submission = one_applied(answers, db, report_world, version)
    assert audited(db, "report.recompute", submission.id) == 1


# A period's changes: each applied under the period's row lock


def test_period_changes_at_once_each_apply_to_what_the_one_before_left(api, db, report_world):
    """Four PATCHes of one period at once all apply, one after the other: each audit entry's
    "from" is the title the one before it stored, never the title every request first read."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time "
                    "(the PostgreSQL leg runs this)")
    period = f"/api/v1/periods/{report_world.period.id}"
    status, before = api("city_admin").send("GET", period)
    assert status == 200
    titles = [f"Báo cáo năm (bản {i})" for i in range(4)]
    answers = at_once([(api("city_admin"), "PATCH", period, {"title": title}) for title in titles])
    assert [status for status, _body in answers] == [200] * 4, answers
    db.rollback()
    entries = db.scalars(select(AuditEntry).where(
        AuditEntry.action == "period.update", AuditEntry.object_id == str(report_world.period.id))
        .order_by(AuditEntry.seq)).all()
    chain = [entry.changes["title"] for entry in entries]
    assert len(chain) == 4 and {after for _before, after in chain} == set(titles)
    assert chain[0][0] == before["title"]
    assert all(later[0] == earlier[1] for earlier, later in zip(chain, chain[1:], strict=False)), chain
    status, now = api("city_admin").send("GET", period)
    assert now["title"] == chain[-1][1]
