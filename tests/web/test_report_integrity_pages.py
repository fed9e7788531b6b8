"""The report pages under the integrity rules: a return after closing offers an extension, a
ward's page says what changed below it and recomputes, a form posted after the session ended
leads through the login page back to the form, and the form carries what the page script needs
to keep typed values on the device."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from core.db.types import utcnow
from core.periods.models import ReportingPeriod
from core.testing.fixtures import csrf_token_from

from .helpers import text_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    REASON,
    attach_evidence,
    form_fields,
    page,
    post,
    report_world_fixture,
    save,
    stored,
    submitted,
    thidua_config_fixture,
)


def close_period(db, world) -> None:
    db.rollback()
    period = db.get(ReportingPeriod, world.period.id)
    now = utcnow()
    period.due_at = period.city_due_at = now - timedelta(days=2)
    period.closes_at = now - timedelta(hours=1)
    db.commit()


def local(moment) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%dT%H:%M")


def test_the_return_form_offers_an_extension_once_the_period_has_closed(report_world, client_as, db):
    head = submitted(client_as, db, report_world)
    reviewer = client_as("ward_reviewer")
    assert 'id="input-return-extension"' not in reviewer.get(page(report_world)).get_data(as_text=True)
    close_period(db, report_world)
    assert 'id="input-return-extension"' in reviewer.get(page(report_world)).get_data(as_text=True)

    past = post(reviewer, report_world, "/return", {"reason": REASON,
                                                    "extension_until": local(utcnow() - timedelta(days=1))})
    assert past.status_code == 422
    assert 'id="error-return-extension"' in past.get_data(as_text=True)
    assert "đã qua" in text_of(past)
    assert REASON in past.get_data(as_text=True)  # what was typed stays in the form
    assert stored(db, report_world).status == "submitted"

    until = utcnow() + timedelta(days=3)
    assert post(reviewer, report_world, "/return", {"reason": REASON, "extension_until": local(until)}
                ).status_code == 302
    assert stored(db, report_world).status == "returned"
    unit_page = text_of(head.get(page(report_world)))
    assert "Ký gửi báo cáo" in unit_page and "Lưu nháp" in unit_page  # it can send it again


def test_an_extension_granted_with_a_past_date_is_refused_on_the_page(report_world, client_as, db):
    client_as("a1_head")
    close_period(db, report_world)
    head = client_as("a1_head")
    assert post(head, report_world, "/extensions", {"reason": "Chờ số liệu",
                                                    "until": local(utcnow() + timedelta(days=2))}
                ).status_code == 302
    admin = client_as("ward_admin")
    html = admin.get(page(report_world)).get_data(as_text=True)
    extension_id = html.split("/extensions/", 1)[1].split("/decision", 1)[0]
    refused = post(admin, report_world, f"/extensions/{extension_id}/decision",
                   {"decision": "grant", "until": local(utcnow() - timedelta(hours=3))})
    assert refused.status_code == 422
    assert f'id="error-until-{extension_id}"' in refused.get_data(as_text=True)
    assert post(admin, report_world, f"/extensions/{extension_id}/decision",
                {"decision": "grant", "until": local(utcnow() + timedelta(days=4))}).status_code == 302


def _ward_values(models: int = 3) -> dict:
    return {**form_fields(COMPLETE), **form_fields({"models": models}, "rpt.units")}


def test_a_wards_page_says_what_changed_below_it_and_recomputes_before_approving(
        report_world, client_as, db):
    for slug in ("school-a1", "school-a2"):
        submitted(client_as, db, report_world, slug)
        assert post(client_as("ward_reviewer"), report_world, "/approve", {}, slug).status_code == 302
    ward_head = client_as("ward_head")
    html = ward_head.get(page(report_world, slug="ward-a")).get_data(as_text=True)
    version = int(html.split('name="version" value="', 1)[1].split('"', 1)[0])
    assert post(ward_head, report_world, "", {"version": str(version), **_ward_values()},
                "ward-a").status_code == 302
    attach_evidence(db, report_world, "ward-a")
    assert post(ward_head, report_world, "/submit", {"confirm": "yes"}, "ward-a").status_code == 302

    # School A1 is reopened, records an incident and is sent again.
    assert post(client_as("ward_admin"), report_world, "/reopen", {"reason": "Bổ sung"}).status_code == 302
    a1 = client_as("a1_head")
    assert save(a1, report_world, {**COMPLETE, "incidents": 2}).status_code == 302
    assert post(a1, report_world, "/submit", {"confirm": "yes"}).status_code == 302

    city = client_as("city_reviewer")
    ward_page = city.get(page(report_world, slug="ward-a"))
    text = text_of(ward_page)
    assert 'id="children-changed"' in ward_page.get_data(as_text=True)
    assert "Trường THCS A1" in text and "An toàn về ANTT: Đạt → Không đạt" in text
    assert "Trạng thái báo cáo: Đã duyệt → Đã gửi" in text

    refused = post(city, report_world, "/approve", {"reason": "Đạt"}, "ward-a")
    assert refused.status_code == 409
    assert 'id="result-changes"' in refused.get_data(as_text=True)
    assert "Đạt → Không đạt" in text_of(refused)
    assert stored(db, report_world, "ward-a").status == "submitted"

    assert post(city, report_world, "/recompute", {}, "ward-a").status_code == 302
    assert 'id="children-changed"' not in city.get(page(report_world, slug="ward-a")).get_data(as_text=True)
    assert post(city, report_world, "/approve", {"reason": "Đạt"}, "ward-a").status_code == 302
    ward = stored(db, report_world, "ward-a")
    assert ward.status == "approved" and ward.outcomes["units_safe"] is False


def test_a_form_posted_after_the_session_ended_leads_back_to_the_form(app, report_world, client_as, world):
    client = client_as("a1_reporter")
    html = client.get(page(report_world)).get_data(as_text=True)
    # The same account logs out on another device: every session of it ends.
    elsewhere = client_as("a1_reporter")
    home = elsewhere.get("/").get_data(as_text=True)
    assert elsewhere.post("/logout", data={"csrf_token": csrf_token_from(home)}).status_code == 302

    form_url = f"http://localhost{page(report_world)}"
    response = client.post(page(report_world), headers={"Referer": form_url}, data={
        "csrf_token": csrf_token_from(html), "version": "0", **form_fields({"staff": 7})})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/login" and parse_qs(target.query)["next"] == [page(report_world)]
    assert "Phiên đăng nhập đã kết thúc" in text_of(client.get("/login"))
    back = client.post(response.headers["Location"], data={
        "username": "a1_reporter", "password": world.password,
        "csrf_token": csrf_token_from(client.get(response.headers["Location"]).get_data(as_text=True))})
    assert back.status_code == 302 and back.headers["Location"] == page(report_world)
    # A page asked for while signed out comes back the same way.
    fresh = app.test_client()
    assert parse_qs(urlsplit(fresh.get(page(report_world)).headers["Location"]).query)["next"] == [
        page(report_world)]
    # A post from another site is not taken as the page to come back to.
    response = app.test_client().post(page(report_world, "/submit"),
                                      headers={"Referer": "https://example.org/x"})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "next" not in response.headers["Location"]


def test_an_expired_form_offers_the_way_back_to_it(report_world, client_as):
    client = client_as("a1_reporter")
    response = client.post(page(report_world), headers={"Referer": f"http://localhost{page(report_world)}"},
                           data={"version": "0", **form_fields({"staff": 3})})
    assert response.status_code == 400
    assert f'href="{page(report_world)}" id="error-back"' in response.get_data(as_text=True)


def test_the_form_carries_what_keeps_typed_values_on_the_device(report_world, client_as):
    client = client_as("a1_reporter")
    html = client.get(page(report_world)).get_data(as_text=True)
    user = report_world.user("a1_reporter").id
    key = f"thidua.draft.{user}.{report_world.tenant('school-a1').id}.{report_world.period.id}"
    assert f'data-draft-key="{key}"' in html and 'data-version="0"' in html
    assert 'id="draft-banner"' in html and "data-saved-version" not in html
    assert save(client, report_world, {"staff": 5}).status_code == 302
    after = client.get(page(report_world)).get_data(as_text=True)
    assert 'data-saved-version="1"' in after and 'data-version="1"' in after
    # Said once: a later visit does not drop what was typed since.
    assert "data-saved-version" not in client.get(page(report_world)).get_data(as_text=True)
