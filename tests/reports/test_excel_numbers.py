"""One number parser for every surface: the API's text values, the web form and an Excel text
cell read "1.500" as one thousand five hundred and "1.234,5" as 1234,5; text that could be read
two ways is refused with how to write it; a fraction for a whole-number field is refused, never
truncated; JSON numbers stay JSON numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import fields
from openpyxl import load_workbook
from sqlalchemy import select

from core.plugins.numbers import read_number
from core.reports.models import Section
from core.testing.fixtures import csrf_token_from
from core.text.numbers import NumberFormatError, format_number

SAFETY = "An toàn về an ninh, trật tự"
BUDGET = "sections.rpt.safety.grassroots_budget"


def api_url(world) -> str:
    return f"/api/v1/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report"


def page(world) -> str:
    return f"/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report"


def stored_values(db, world) -> dict:
    db.rollback()
    db.expire_all()
    section = db.scalar(select(Section).where(Section.tenant_id == world.tenant("school-a1").id))
    return dict(section.values) if section is not None else {}


def put(client, world, values: dict, version: int = 0):
    return client.put(api_url(world), json={"version": version, "sections": {"rpt.safety": values}})


@pytest.mark.parametrize(("sent", "kept"), [
    ("1.500", 1500),
    ("1.234,5", 1234.5),
    ("1 500", 1500),
    ("0,25", 0.25),
    (1.5, 1.5),        # a JSON number is a number, never re-read as text
    (1500, 1500),
])
def test_the_api_reads_text_the_vietnamese_way_and_keeps_json_numbers(report_world, api_as, db, sent, kept):
    response = put(api_as("a1_reporter"), report_world, {"grassroots_budget": sent})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored_values(db, report_world)["grassroots_budget"] == kept


@pytest.mark.parametrize("sent", ["1.5", "1,234.5", "1e3", "0x10", "1.5.0"])
def test_ambiguous_text_is_refused_with_how_to_write_it(report_world, api_as, db, sent):
    response = put(api_as("a1_reporter"), report_world, {"grassroots_budget": sent})
    assert response.status_code == 422
    message = " ".join(response.get_json()["error"]["fields"][BUDGET])
    assert "1.500" in message or "1.234,5" in message
    assert stored_values(db, report_world) == {}


@pytest.mark.parametrize("sent", [2.5, "2,5", "1.500,5"])
def test_a_fraction_for_a_whole_number_field_answers_422_and_is_never_truncated(
        report_world, api_as, db, sent):
    response = put(api_as("a1_reporter"), report_world, {"staff": sent})
    assert response.status_code == 422
    assert "số nguyên" in " ".join(response.get_json()["error"]["fields"]["sections.rpt.safety.staff"])
    assert stored_values(db, report_world) == {}


@pytest.mark.parametrize("sent", ["nhiều", "NaN", "Infinity"])
def test_text_without_digits_gets_the_fields_own_message(report_world, api_as, db, sent):
    response = put(api_as("a1_reporter"), report_world, {"grassroots_budget": sent})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][BUDGET]
    assert stored_values(db, report_world) == {}


def test_a_whole_number_field_reads_grouped_text(report_world, api_as, db):
    response = put(api_as("a1_reporter"), report_world, {"staff": "1.500", "trained": "2,0"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored_values(db, report_world) == {"staff": 1500, "trained": 2}


def test_the_web_form_reads_1_500_as_1500_and_shows_it_back_the_same_way(report_world, client_as, db):
    client = client_as("a1_reporter")
    token = csrf_token_from(client.get(page(report_world)).get_data(as_text=True))
    response = client.post(page(report_world), data={
        "csrf_token": token, "version": "0", "rpt.safety--grassroots_budget": "1.500",
        "rpt.safety--staff": "1.200"})
    assert response.status_code == 302, response.get_data(as_text=True)
    values = stored_values(db, report_world)
    assert (values["grassroots_budget"], values["staff"]) == (1500, 1200)
    html = " ".join(client.get(page(report_world)).get_data(as_text=True).split())
    assert 'id="input-rpt-safety-grassroots_budget" type="text" inputmode="decimal" value="1.500"' in html
    assert 'id="input-rpt-safety-staff" type="text" inputmode="numeric" value="1.200"' in html


def test_the_web_form_refuses_ambiguous_text_beside_the_field(report_world, client_as, db):
    client = client_as("a1_reporter")
    token = csrf_token_from(client.get(page(report_world)).get_data(as_text=True))
    response = client.post(page(report_world), data={
        "csrf_token": token, "version": "0", "rpt.safety--grassroots_budget": "1.5"})
    assert response.status_code == 422
    assert "1,5" in response.get_data(as_text=True)  # shows how to write one and a half
    assert stored_values(db, report_world) == {}


def _xlsx(client, world):
    response = client.get(api_url(world) + ".xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def _row_of(sheet, name: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == name)


def _send(client, world, book):
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(api_url(world) + ".xlsx", data={"file": (io.BytesIO(buffer.getvalue()), "f.xlsx")},
                       content_type="multipart/form-data")


def test_an_excel_text_cell_reads_1_500_as_1500(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = _xlsx(client, report_world)
    sheet = book[SAFETY]
    sheet.cell(_row_of(sheet, "grassroots_budget"), 4).value = "1.500"
    sheet.cell(_row_of(sheet, "staff"), 4).value = "1.200"
    response = _send(client, report_world, book)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored_values(db, report_world) == {"grassroots_budget": 1500, "staff": 1200}


def test_an_excel_number_cell_with_a_fraction_for_a_whole_number_is_refused(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = _xlsx(client, report_world)
    sheet = book[SAFETY]
    sheet.cell(_row_of(sheet, "staff"), 4).value = 2.5
    response = _send(client, report_world, book)
    assert response.status_code == 422
    assert stored_values(db, report_world) == {}


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3,
                   min_value=Decimal("-1e12"), max_value=Decimal("1e12")))
def test_what_a_form_shows_reads_back_to_the_same_number(value):
    assert read_number(fields.Decimal(), format_number(value)) == value
    assert read_number(fields.Float(), format_number(value)) == float(value)


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_whole_numbers_round_trip_through_a_whole_number_field(value):
    assert read_number(fields.Integer(), format_number(value)) == value


def test_a_whole_number_field_refuses_a_fractional_json_number():
    with pytest.raises(NumberFormatError):
        read_number(fields.Integer(), 2.5)
    assert read_number(fields.Integer(), 2.0) == 2
    assert read_number(fields.Boolean(), "1.500") == "1.500"
