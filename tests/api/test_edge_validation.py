"""Validation at the edge: every input that once answered 500, or was stored unreadable, answers
4xx naming the field and saves nothing; text is NFC; deadlines given as a date or to the minute
reach the end of that day or minute; a key, code or slug used outside the caller's reach answers
as a free one does."""

from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.clusters.models import Cluster
from core.periods.models import ReportingPeriod
from core.reports.models import Section
from core.tenants.models import Tenant
from tests.web.helpers import post_form

from .helpers import error_of

RATING_PLUGIN = """
from marshmallow import Schema, fields, validate
from core.plugins import CriteriaSet, hookimpl

RATINGS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"]


class RatingValues(Schema):
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS),
                           metadata={"label": "Xếp loại", "points": 100})
    note = fields.String(load_default="", metadata={"label": "Ghi chú"})


@hookimpl
def thidua_criteria_sets():
    return [CriteriaSet(key="edge.rating", version=1, title="Xếp loại", title_en="Rating",
                        applies_to={"school"}, schema=RatingValues)]
"""
GOOD = "Hoàn thành tốt nhiệm vụ"


@pytest.fixture(name="thidua_config")
def thidua_config_fixture(install_plugin):
    install_plugin("edge", {"thidua_edge_rating.py": RATING_PLUGIN})
    return {"THIDUA_PLUGINS": "edge"}


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def refused(response, field: str, status: int = 422) -> list[str]:
    assert response.status_code == status, response.get_data(as_text=True)
    messages = error_of(response).get("fields", {}).get(field)
    assert messages, error_of(response)
    return messages


# Control characters: body, query string, path, form


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_title_is_refused_and_nothing_saved(api_as, db, period_body, char):
    before = count(db, ReportingPeriod)
    response = api_as("city_admin").post("/api/v1/periods", json=period_body(title=f"Kỳ{char}2027"))
    refused(response, "title")
    assert count(db, ReportingPeriod) == before


def test_a_nul_in_a_unit_name_or_an_attribute_key_is_refused(api_as, world, db):
    client = api_as("ward_admin")
    before = count(db, Tenant)
    parent = str(world.tenant("ward-a").id)
    refused(
        client.post("/api/v1/tenants", json={"name": "Trường\x00A3", "kind": "school", "parent": parent}),
        "name",
    )
    refused(
        client.post(
            "/api/v1/tenants",
            json={"name": "Trường A3", "kind": "school", "parent": parent, "attributes": {"k\x00": 1}},
        ),
        "attributes",
    )
    assert count(db, Tenant) == before


def test_a_nul_in_a_query_parameter_or_a_path_value_is_refused(api_as, world):
    client = api_as("city_admin")
    assert "slug" in error_of(client.get("/api/v1/tenants?slug=%00"))["fields"]
    assert "q" in error_of(client.get("/api/v1/tenants?q=a%01b"))["fields"]
    response = client.get(f"/api/v1/periods/{world.period.id}/criteria-sets/a%00b")
    assert response.status_code in (404, 422)  # a key with a NUL names nothing, never a 500


def test_line_breaks_are_kept_in_a_reason_and_refused_in_a_name(api_as, world):
    refused(
        api_as("ward_admin").post(
            "/api/v1/tenants",
            json={"name": "Trường\nA3", "kind": "school", "parent": str(world.tenant("ward-a").id)},
        ),
        "name",
    )


def test_a_nul_in_a_web_form_is_refused_naming_the_field(client_as, world, db):
    before = count(db, Tenant)
    response = post_form(
        client_as("ward_admin"),
        "/admin/tenants",
        "/admin/tenants",
        {"parent": str(world.tenant("ward-a").id), "name": "Trường\x00A3", "kind": "school", "code": ""},
    )
    assert response.status_code == 422
    assert "name" in response.get_data(as_text=True)
    assert count(db, Tenant) == before


# JSON itself: nesting, NaN and Infinity, numbers out of range


def test_a_deeply_nested_body_answers_422_not_a_recursion_error(api_as, db):
    before = count(db, ReportingPeriod)
    response = api_as("city_admin").post(
        "/api/v1/periods", data="[" * 1000 + "]" * 1000, content_type="application/json"
    )
    refused(response, "_schema")
    assert count(db, ReportingPeriod) == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_refused_naming_the_field(api_as, world, db, literal):
    before = count(db, Tenant)
    body = '{{"name": "Trường A3", "kind": "school", "parent": "{}", "attributes": {{"k": {}}}}}'.format(
        world.tenant("ward-a").id,
        literal,
    )
    response = api_as("ward_admin").post("/api/v1/tenants", data=body, content_type="application/json")
    refused(response, "attributes.k")
    assert count(db, Tenant) == before


def test_integers_past_64_bits_and_unbounded_offsets_are_refused(api_as, world):
    client = api_as("city_admin")
    refused(client.get(f"/api/v1/notifications?offset={2**63}"), "offset")
    refused(client.get(f"/api/v1/tenants?offset={2**64}"), "offset")
    report = f"/api/v1/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report"
    refused(api_as("a1_head").put(report, json={"version": 2**70, "sections": {}}), "version")


# Dates and text lengths


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00", "1800-01-01"])
def test_dates_out_of_range_are_refused(api_as, db, period_body, moment):
    before = count(db, ReportingPeriod)
    refused(api_as("city_admin").post("/api/v1/periods", json=period_body(closes_at=moment)), "closes_at")
    assert count(db, ReportingPeriod) == before


def test_over_long_text_is_refused_by_column_length(api_as, world, period_body):
    client = api_as("city_admin")
    refused(client.post("/api/v1/periods", json=period_body(title="T" * 256)), "title")
    refused(
        api_as("ward_admin").post(
            "/api/v1/tenants",
            json={"name": "T" * 256, "kind": "school", "parent": str(world.tenant("ward-a").id)},
        ),
        "name",
    )


def test_a_long_unit_name_makes_a_slug_that_fits_its_column(api_as, world, db):
    name = "Trường Trung học cơ sở " + "Nguyễn Văn A " * 9  # 140 characters
    response = api_as("ward_admin").post(
        "/api/v1/tenants", json={"name": name, "kind": "school", "parent": str(world.tenant("ward-a").id)}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(response.get_json()["slug"]) <= 120


# Empty values, missing bodies, long URLs (the document says what happens)


def test_an_empty_uuid_query_value_is_refused_as_the_document_says(api_as):
    refused(api_as("city_admin").get("/api/v1/tenants?parent="), "parent")


def test_patch_without_a_body_answers_400(api_as, world, db):
    response = api_as("city_admin").patch(f"/api/v1/periods/{world.period.id}")
    assert response.status_code == 400
    assert error_of(response)["code"] == "missing_body"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_a_body_of_another_type_answers_415_as_documented_and_saves_nothing(api_as, app, db, period_body,
                                                                           content_type):
    before = count(db, ReportingPeriod)
    response = api_as("city_admin").post("/api/v1/periods", data=json.dumps(period_body()),
                                         content_type=content_type)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert count(db, ReportingPeriod) == before
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "415" in spec["paths"]["/api/v1/periods"]["post"]["responses"]
    assert "415" not in spec["paths"]["/api/v1/periods"]["get"]["responses"]


def test_json_with_a_charset_or_a_json_suffix_is_read(api_as, db, period_body):
    client = api_as("city_admin")
    for n, content_type in enumerate(("application/json; charset=utf-8", "application/merge-patch+json")):
        body = period_body(key=f"2027-kieu-{n}")
        answer = client.post("/api/v1/periods", data=json.dumps(body), content_type=content_type)
        assert answer.status_code == 201, answer.get_json()


def test_an_over_long_query_string_answers_414_as_documented(api_as, app):
    response = api_as("city_admin").get("/api/v1/tenants?q=" + "a" * 9000)
    assert response.status_code == 414
    assert error_of(response)["code"] == "request_uri_too_long"
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "414" in spec["paths"]["/api/v1/tenants"]["get"]["responses"]


# NFC


def test_a_title_sent_in_nfd_is_stored_in_nfc(api_as, db, period_body):
    title = "Kỳ chuyên đề bảo vệ an ninh Tổ quốc"
    created = api_as("city_admin").post("/api/v1/periods", json=period_body(title=nfd(title))).get_json()
    assert created["title"] == title
    db.rollback()
    assert db.get(ReportingPeriod, uuid.UUID(created["id"])).title == title


def test_a_search_term_in_nfd_finds_the_unit(api_as):
    found = api_as("city_admin").get("/api/v1/tenants", query_string={"q": nfd("Phường A")}).get_json()
    assert "Phường A" in [item["name"] for item in found["items"]]


def test_a_choice_sent_in_nfd_is_the_nfc_choice(api_as, world, db, enable_criteria_sets):
    enable_criteria_sets("edge.rating")
    client = api_as("a1_head")
    report = f"/api/v1/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report"
    version = client.get(report).get_json()["version"]
    response = client.put(
        report, json={"version": version, "sections": {"edge.rating": {"rating": nfd(GOOD)}}}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    db.rollback()
    stored = list(
        db.scalars(
            select(Section.values).where(
                Section.tenant_id == world.tenant("school-a1").id, Section.set_key == "edge.rating"
            )
        )
    )
    assert len(stored) == 1 and stored[0]["rating"] == GOOD


# Deadlines: a date means the end of that day, a minute the whole minute (Hanoi time)


def _stored_moment(db, period_id: str, name: str) -> datetime:
    db.rollback()
    return getattr(db.get(ReportingPeriod, uuid.UUID(period_id)), name).astimezone(UTC)


def test_a_date_only_deadline_is_the_end_of_that_day_in_hanoi(api_as, db, period_body):
    body = period_body(
        opens_at="2026-12-01", due_at="2026-12-10", city_due_at="2026-12-20", closes_at="2026-12-31"
    )
    created = api_as("city_admin").post("/api/v1/periods", json=body).get_json()
    assert _stored_moment(db, created["id"], "opens_at") == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert _stored_moment(db, created["id"], "due_at") == datetime(
        2026, 12, 10, 16, 59, 59, 999999, tzinfo=UTC
    )
    assert _stored_moment(db, created["id"], "closes_at") == datetime(
        2026, 12, 31, 16, 59, 59, 999999, tzinfo=UTC
    )


def test_a_deadline_to_the_minute_covers_the_whole_minute(api_as, db, period_body):
    body = period_body(
        opens_at="2026-12-01T08:00",
        due_at="2026-12-10T17:00",
        city_due_at="2026-12-20T17:00:00",
        closes_at="2026-12-31T17:00+07:00",
    )
    created = api_as("city_admin").post("/api/v1/periods", json=body).get_json()
    assert _stored_moment(db, created["id"], "opens_at") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert _stored_moment(db, created["id"], "due_at") == datetime(
        2026, 12, 10, 10, 0, 59, 999999, tzinfo=UTC
    )
    # Seconds typed are taken as typed.
    assert _stored_moment(db, created["id"], "city_due_at") == datetime(2026, 12, 20, 10, 0, tzinfo=UTC)
    assert _stored_moment(db, created["id"], "closes_at") == datetime(
        2026, 12, 31, 10, 0, 59, 999999, tzinfo=UTC
    )


def test_the_period_form_reads_a_deadline_to_the_end_of_its_minute(client_as, db):
    data = {
        "key": "2027-han-phut",
        "kind": "thematic",
        "title": "Kỳ hạn theo phút",
        "description": "",
        "window_start": "",
        "window_end": "",
        "opens_at": "2027-07-01T08:00",
        "due_at": "2027-07-10T23:59",
        "city_due_at": "2027-07-20T17:00",
        "closes_at": "2027-07-31T23:59",
    }
    client = client_as("city_admin")
    page = client.get("/admin/periods").get_data(as_text=True)
    assert "23:59 là hết ngày" in page  # the form says what a deadline covers
    response = post_form(client, "/admin/periods", "/admin/periods", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.rollback()
    period = db.scalar(select(ReportingPeriod).where(ReportingPeriod.key == "2027-han-phut"))
    assert period.due_at.astimezone(UTC) == datetime(2027, 7, 10, 16, 59, 59, 999999, tzinfo=UTC)
    assert period.opens_at.astimezone(UTC) == datetime(2027, 7, 1, 1, 0, tzinfo=UTC)


# No existence hints across tenants


def test_a_period_key_of_another_unit_answers_as_a_free_one(api_as, db, period_body):
    taken = api_as("ward_admin").post("/api/v1/periods", json=period_body(key="2027-rieng"))
    assert taken.status_code == 201
    # The sibling commune cannot see ward-a's period: its key is free there.
    response = api_as("commune_admin").post("/api/v1/periods", json=period_body(key="2027-rieng"))
    assert response.status_code == 201, response.get_data(as_text=True)
    # Within one owner the key stays unique.
    refused(api_as("ward_admin").post("/api/v1/periods", json=period_body(key="2027-rieng")), "key")


def test_a_unit_code_used_outside_reach_answers_as_a_free_one(api_as, world, db):
    ward = api_as("ward_admin")
    made = ward.post(
        "/api/v1/tenants",
        json={
            "name": "Trường A3",
            "kind": "school",
            "code": "79-TH-003",
            "parent": str(world.tenant("ward-a").id),
        },
    )
    assert made.status_code == 201
    commune = api_as("commune_admin")
    free = commune.post(
        "/api/v1/tenants",
        json={
            "name": "Trường B3",
            "kind": "school",
            "code": "79-TH-004",
            "parent": str(world.tenant("commune-b").id),
        },
    )
    taken_elsewhere = commune.post(
        "/api/v1/tenants",
        json={
            "name": "Trường B4",
            "kind": "school",
            "code": "79-TH-003",
            "parent": str(world.tenant("commune-b").id),
        },
    )
    assert free.status_code == taken_elsewhere.status_code == 201
    # Within reach the code still clashes.
    refused(
        ward.post(
            "/api/v1/tenants",
            json={
                "name": "Trường A4",
                "kind": "school",
                "code": "79-TH-003",
                "parent": str(world.tenant("ward-a").id),
            },
        ),
        "code",
    )


def test_a_unit_name_used_elsewhere_leaves_no_mark_on_the_slug(api_as, world):
    first = api_as("ward_admin").post(
        "/api/v1/tenants",
        json={"name": "Trường Tiểu học Hòa Bình", "kind": "school", "parent": str(world.tenant("ward-a").id)},
    )
    second = api_as("commune_admin").post(
        "/api/v1/tenants",
        json={
            "name": "Trường Tiểu học Hòa Bình",
            "kind": "school",
            "parent": str(world.tenant("commune-b").id),
        },
    )
    slugs = [first.get_json()["slug"], second.get_json()["slug"]]
    # Both have the name's slug and a random suffix: neither shows whether the other exists.
    assert all(slug.startswith("truong-tieu-hoc-hoa-binh-") and len(slug) == len(slugs[0]) for slug in slugs)
    assert slugs[0] != slugs[1]


def test_a_cluster_slug_of_another_unit_answers_as_a_free_one(api_as, world, db):
    def create(username, owner, slug):
        return api_as(username).post(
            "/api/v1/clusters",
            json={
                "name": "Cụm thi đua số 1",
                "slug": slug,
                "owner": str(world.tenant(owner).id),
                "members": [],
            },
        )

    first = create("ward_admin", "ward-a", "cum-1")
    assert first.status_code == 201, first.get_data(as_text=True)
    assert create("commune_admin", "commune-b", "cum-1").status_code == 201
    refused(create("ward_admin", "ward-a", "cum-1"), "slug")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Cluster).where(Cluster.slug == "cum-1")) == 2


def test_an_unknown_address_with_a_nul_answers_the_apis_404(api_as):
    response = api_as("city_admin").get("/api/v1/clusters/not-a-uuid/ranking?scope=%00")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
