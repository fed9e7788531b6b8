"""Dashboards: what each scope sees, that nobody sees outside their subtree, a constant number of
queries whatever the tree's size, the CSV behind the charts, the reminder, and the home page."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from sqlalchemy import event, func, select

from core.dashboards import operations as dashboards
from core.db import scoping
from core.db.engine import database
from core.jobs.models import Job
from core.notifications.models import Notification
from core.plugins.manager import plugin_host
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.testing.fixtures import csrf_token_from
from core.users.access import Access

from .flow import report


def dashboard_url(world, scope: str | None = None, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    base = f"/api/v1/periods/{world.period.id}/dashboard"
    if scope:
        base += f"?scope={world.tenant(scope).id}"
    return base + (("&" if scope else "?") + query if query else "")


@pytest.fixture
def reported(report_world, db, host):
    """school-a1 approved, school-a2 submitted late, enterprise-b1 in draft, the ward submitted."""
    report(db, host, report_world, "school-a1")
    report(db, host, report_world, "school-a2", until="submitted", late=True, safety={"incidents": 2})
    report(db, host, report_world, "enterprise-b1", until="draft")
    report(db, host, report_world, "ward-a", until="submitted")
    return report_world


def test_the_city_sees_every_unit_and_each_commune_below(reported, api_as):
    body = api_as("city_admin").get(dashboard_url(reported, "ha-noi")).get_json()
    total = body["total"]
    assert (total["expected"], total["reported"], total["approved"], total["late"]) == (5, 3, 1, 1)
    assert total["completeness"] == pytest.approx(0.6) and total["approval_rate"] == pytest.approx(0.2)
    assert total["outcomes"]["atantt"]["provisional"] == {"passed": 2, "decided": 3}
    assert body["by_kind"]["school"]["reported"] == 2 and body["by_kind"]["enterprise"]["in_progress"] == 1
    children = {row["unit"]["name"]: row for row in body["children"]}
    assert set(children) == {"Phường A", "Xã B"}  # the department is asked nothing
    ward = children["Phường A"]
    assert ward["figures"]["expected"] == 3 and ward["status"] == "submitted"
    # The ward's own report is left out of "the units below it": one of its two schools passed.
    assert ward["below"]["atantt"] == {"passed": 1, "decided": 2, "share_met": False}
    aggregates = {a["field"]: a for a in body["aggregates"]}
    assert aggregates["trained"]["final"] == 15 and aggregates["trained"]["provisional"] == 45
    names = [row["unit"]["name"] for row in body["late_and_missing"]["items"]]
    assert names == ["Công ty B1", "Trường THCS A2", "Xã B"]
    assert body["late_and_missing"]["total"] == 3


def test_a_ward_admin_sees_only_its_subtree(reported, api_as):
    ward = api_as("ward_admin")
    body = ward.get(dashboard_url(reported, "ward-a")).get_json()
    assert body["total"]["expected"] == 3 and body["total"]["reported"] == 3
    assert {row["unit"]["name"] for row in body["children"]} == {"Trường THCS A1", "Trường THCS A2"}
    # Without a scope the dashboard is the caller's own unit, never the city.
    assert ward.get(dashboard_url(reported)).get_json()["scope"]["name"] == "Phường A"


@pytest.mark.parametrize(("username", "scope"), [
    ("ward_admin", "commune-b"), ("ward_reviewer", "ha-noi"), ("commune_admin", "school-a1"),
    ("edu_reviewer", "ward-a"), ("a1_head", "school-a1"), ("ward_reporter", "ward-a"),
])
def test_a_scope_outside_the_callers_subtree_answers_404(reported, api_as, client_as, username, scope):
    assert api_as(username).get(dashboard_url(reported, scope)).status_code == 404
    target = reported.tenant(scope).id
    page = client_as(username).get(f"/dashboard?period={reported.period.id}&scope={target}")
    assert page.status_code == 404
    csv = client_as(username).get(f"/dashboard.csv?chart=ranking&scope={reported.tenant(scope).id}")
    assert csv.status_code == 404


def test_unknown_scopes_and_periods_answer_404(reported, api_as):
    city = api_as("city_admin")
    assert city.get(f"/api/v1/periods/{reported.period.id}/dashboard?scope={uuid.uuid4()}").status_code == 404
    assert city.get(f"/api/v1/periods/{uuid.uuid4()}/dashboard").status_code == 404
    assert city.get(f"/api/v1/periods/{reported.period.id}/dashboard?scope=abc").status_code == 422


@contextlib.contextmanager
def counting(app):
    """The statements run in the block, each as (SQL, number of bound parameters)."""
    statements: list[tuple[str, int]] = []

    def count(conn, cursor, statement, parameters, *args):
        statements.append((statement, len(parameters or ())))

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(app, world, username: str, scope: str) -> tuple[int, int]:
    """(statements, the most bound parameters of one statement) of the scope's dashboard."""
    session = database(app).new_session()
    try:
        access = Access.for_user(session, world.user(username))
        scoping.set_context(session, access.tenant_context())
        access.tenant_context()
        period = session.get(type(world.period), world.period.id)
        tenant = session.get(Tenant, world.tenant(scope).id)
        with app.test_request_context(), counting(app) as statements:
            board = dashboards.dashboard(session, access, plugin_host(app), period, tenant)
        assert board.total.expected > 0
        return len(statements), max(size for _, size in statements)
    finally:
        session.close()


def test_the_dashboard_reads_a_constant_number_of_queries(reported, app, db, host):
    """More units below the city, more of them directly below it, more reports: the city's
    dashboard runs the same statements, and none carries a list that grew with the units."""
    small = _queries(app, reported, "city_admin", "ha-noi")
    city = db.get(Tenant, reported.tenant("ha-noi").id)
    for n in range(3):
        ward = new_tenant(db, name=f"Phường Mới {n}", kind="ward", parent=city, slug=f"phuong-moi-{n}")
        db.flush()
        reported.tenants[ward.slug] = ward
        report(db, host, reported, ward.slug, until="approved" if n % 2 else "submitted")
    ward = db.get(Tenant, reported.tenant("ward-a").id)
    for n in range(12):
        school = new_tenant(db, name=f"Trường Tiểu học số {n}", kind="school", parent=ward,
                            slug=f"truong-so-{n}")
        db.flush()
        reported.tenants[school.slug] = school
        if n % 2:
            report(db, host, reported, school.slug, until="submitted" if n % 3 else "approved")
    commune = db.get(Tenant, reported.tenant("commune-b").id)
    for n in range(5):
        new_tenant(db, name=f"Doanh nghiệp {n}", kind="enterprise", parent=commune)
    db.commit()
    large = _queries(app, reported, "city_admin", "ha-noi")
    assert small == large
    assert large[0] <= 15


def test_the_dashboard_page_draws_charts_and_links_each_unit(reported, client_as):
    page = client_as("city_admin").get(f"/dashboard?period={reported.period.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('<svg class="chart"') >= 4
    # Bars are shares of the units expected: one of the two schools approved is half the width.
    assert 'class="chart-bar seg-approved" x="0.0" y="' in html and 'width="180.0"' in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles
    ward = reported.tenant("ward-a")
    assert f"/dashboard?period={reported.period.id}&amp;scope={ward.id}" in html
    assert f"/tenants/{reported.tenant('school-a2').id}/periods/{reported.period.id}/report" in html
    assert "Trường THCS A2" in html and "Gửi muộn" in html


@pytest.mark.thidua_plugins("rpt", "pnl")
def test_plugin_panels_are_shown(report_world, client_as):
    html = client_as("ward_admin").get(f"/dashboard?period={report_world.period.id}").get_data(as_text=True)
    assert "Ghi chú của ngành công an" in html and "<p class='pnl-note'>Phạm vi Phường A</p>" in html


def test_each_chart_downloads_as_csv(reported, client_as):
    client = client_as("city_admin")
    response = client.get(f"/dashboard.csv?chart=completeness_units&period={reported.period.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffĐơn vị;Phải báo cáo;")
    assert "Phường A;3;1;2;0;0;100;33,3;2;1" in text
    english = client.get(f"/dashboard.csv?chart=completeness_units&period={reported.period.id}&lang=en")
    assert "33.3" in english.get_data(as_text=True) and ",3,1,2," in english.get_data(as_text=True)
    assert client.get("/dashboard.csv?chart=nothing").status_code == 404


def test_a_reviewer_reminds_the_units_that_have_not_sent(reported, client_as, db, app):
    client = client_as("city_reviewer")
    page = client.get(f"/dashboard?period={reported.period.id}").get_data(as_text=True)
    form = {"period": str(reported.period.id), "scope": str(reported.tenant("ha-noi").id)}
    assert client.post("/dashboard/remind", data=form).status_code == 400  # no CSRF token
    response = client.post("/dashboard/remind", data={**form, "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    job = db.scalar(select(Job).where(Job.name == "dashboards.remind"))
    assert job is not None and job.kwargs["tenant_id"] == str(reported.tenant("ha-noi").id)
    from core.jobs.testing import drain

    drain(app)  # through rq on Redis when the suite runs with it, in process otherwise
    db.expire_all()
    notices = db.scalars(select(Notification).where(Notification.kind == "report.reminder"))
    reminded = {n.tenant_id for n in notices}
    # Not sent: the enterprise's draft and the commune with no report; the ward and schools sent.
    assert reminded == {reported.tenant("enterprise-b1").id, reported.tenant("commune-b").id}
    viewer = client_as("city_viewer")
    token = csrf_token_from(viewer.get(f"/dashboard?period={reported.period.id}").get_data(as_text=True))
    assert viewer.post("/dashboard/remind", data={**form, "csrf_token": token}).status_code == 403


def test_the_home_page_of_the_city_a_ward_and_a_department_is_its_dashboard(reported, client_as):
    for username, name in (("city_admin", "Thành phố Hà Nội"), ("ward_reviewer", "Phường A"),
                           ("edu_reviewer", "Sở Giáo dục và Đào tạo"), ("city_viewer", "Thành phố Hà Nội")):
        html = client_as(username).get("/").get_data(as_text=True)
        assert f"Tổng hợp phong trào: {name}" in html, username
    school_head = client_as("a1_head").get("/").get_data(as_text=True)
    assert "Tổng hợp phong trào" not in school_head and "Kỳ báo cáo đang mở" in school_head


def test_a_second_reminder_the_same_day_says_the_units_were_reminded_and_sends_nothing(reported, client_as,
                                                                                         api_as, db, app):
    from core.jobs.testing import drain

    client = client_as("city_reviewer")
    page = client.get(f"/dashboard?period={reported.period.id}").get_data(as_text=True)
    form = {"period": str(reported.period.id), "scope": str(reported.tenant("ha-noi").id),
            "csrf_token": csrf_token_from(page)}
    first = client.post("/dashboard/remind", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Đã gửi lời nhắc tới 2 đơn vị chưa gửi báo cáo." in first
    # Before the job ran: the same request again queues nothing (the job's key is taken).
    again = client.post("/dashboard/remind", data=form, follow_redirects=True).get_data(as_text=True)
    assert "đã được nhắc hôm nay" in again and "Đã gửi lời nhắc" not in again
    drain(app)
    db.expire_all()
    # After it ran: the units hold today's notice, whoever asks (here the ward's dashboard, below).
    assert client.post("/dashboard/remind", data=form, follow_redirects=True).status_code == 200
    assert db.scalar(select(func.count()).select_from(Job).where(Job.name == "dashboards.remind")) == 1
    notices = db.scalar(select(func.count()).select_from(Notification)
                        .where(Notification.kind == "report.reminder"))
    drain(app)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Notification)
                     .where(Notification.kind == "report.reminder")) == notices
    commune = client_as("commune_admin")
    token = csrf_token_from(commune.get(f"/dashboard?period={reported.period.id}").get_data(as_text=True))
    answer = commune.post("/dashboard/remind", follow_redirects=True, data={
        "period": str(reported.period.id), "scope": str(reported.tenant("commune-b").id),
        "csrf_token": token})
    assert "Các đơn vị chưa gửi báo cáo đã được nhắc hôm nay" in answer.get_data(as_text=True)
    api = api_as("city_reviewer").post(f"/api/v1/periods/{reported.period.id}/dashboard/remind",
                                       json={"scope": str(reported.tenant("ha-noi").id)})
    assert api.status_code == 409


def test_the_late_list_past_its_last_page_does_not_claim_everyone_was_on_time(reported, client_as):
    client = client_as("city_admin")
    html = client.get(f"/dashboard?period={reported.period.id}&late_page=9").get_data(as_text=True)
    assert "Mọi đơn vị đã gửi báo cáo đúng hạn." not in html
    assert "Trang 9 không có dòng nào: danh sách có 3 dòng trên 1 trang." in html
    assert "late_page=1#late" in html
    first = client.get(f"/dashboard?period={reported.period.id}").get_data(as_text=True)
    assert "Công ty B1" in first and "Trang sau" not in first.split('id="late"')[1]


def test_the_fronts_viewer_lands_on_the_fronts_dashboard(reported, app, db, client_as):
    from core.testing.fixtures import login
    from core.users import operations as user_ops
    from core.users.access import SystemAccess

    city = db.get(Tenant, reported.tenant("ha-noi").id)
    front = new_tenant(db, name="Ủy ban MTTQ Thành phố", kind="front_org", parent=city, slug="mttq")
    db.flush()
    new_tenant(db, name="Hội Phụ nữ Thành phố", kind="front_org", parent=front, slug="hoi-phu-nu")
    with app.test_request_context():
        system = SystemAccess(db=db, user=None)
        user = user_ops.create_user(db, system, "front_viewer", reported.password)
        user_ops.add_membership(db, system, user, front, "viewer")
    db.commit()
    client = app.test_client()
    assert login(client, "front_viewer", reported.password).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Tổng hợp phong trào: Ủy ban MTTQ Thành phố" in html


def test_the_page_looks_up_each_standards_name_once(reported, client_as, monkeypatch):
    """Naming a standard reads the loaded criteria sets: the page names each standard once, not
    once per unit row (the names come from one dict built per page)."""
    from core.plugins.manager import PluginHost

    asked: list[str] = []
    real = PluginHost.outcome_label

    def counted(self, name, english):
        asked.append(name)
        return real(self, name, english)

    monkeypatch.setattr(PluginHost, "outcome_label", counted)
    html = client_as("city_admin").get(f"/dashboard?period={reported.period.id}").get_data(as_text=True)
    assert "Đơn vị trực thuộc đạt" in html
    # "atantt" is named by the catalogue; every other standard exactly once for the page.
    assert asked and len(asked) == len(set(asked)), asked
