"""The Vietnamese number convention: '.' groups thousands, ',' marks decimals; nothing guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text.numbers import NumberFormatError, format_number, parse_number, read_number


@pytest.mark.parametrize(("text", "value"), [
    ("1.500", Decimal(1500)),  # one thousand five hundred, never 1.5
    ("1.234,5", Decimal("1234.5")),
    ("1,5", Decimal("1.5")),
    ("1500", Decimal(1500)),
    ("12.345.678", Decimal(12345678)),
    ("-1.500,25", Decimal("-1500.25")),
    ("\u22121,5", Decimal("-1.5")),
    ("+7", Decimal(7)),
    ("1 500", Decimal(1500)),
    ("1\u00a0500,5", Decimal("1500.5")),
    ("  42  ", Decimal(42)),
    ("0,25", Decimal("0.25")),
    ("-0", Decimal(0)),
])
def test_reads_the_vietnamese_way(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "", "  ", "1.5", "0.500", "1,234.5", "1.500.5", "1..500", "1.50", "1.5000", "1e5", "NaN",
    "Infinity", "∞", ",5", "1,", "0x10", "1.500 000", "1_000", "--1", "12a",
])
def test_refuses_what_it_cannot_read_one_way_only(text):
    with pytest.raises(NumberFormatError) as caught:
        parse_number(text)
    assert "1.234,5" in caught.value.message or "1.500" in caught.value.message


def test_a_dot_decimal_is_answered_with_how_to_write_it():
    with pytest.raises(NumberFormatError) as caught:
        parse_number("1.5")
    assert "1,5" in caught.value.message


def test_integer_fields_refuse_a_fraction_instead_of_truncating():
    assert parse_number("2,0", integer=True) == 2
    assert parse_number("1.500", integer=True) == 1500
    with pytest.raises(NumberFormatError) as caught:
        parse_number("2,5", integer=True)
    assert "2,5" in caught.value.message


def test_digits_are_bounded():
    parse_number("9" * 24)
    with pytest.raises(NumberFormatError):
        parse_number("9" * 25)


@pytest.mark.parametrize(("value", "places", "text"), [
    (1234.5, None, "1.234,5"),
    (Decimal(1500), None, "1.500"),
    (Decimal("-1500.25"), None, "-1.500,25"),
    (0, None, "0"),
    (Decimal("2.50"), 2, "2,50"),
    (999, None, "999"),
    (1000000, None, "1.000.000"),
])
def test_formats_the_vietnamese_way(value, places, text):
    assert format_number(value, places) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4,
                   min_value=Decimal("-1e15"), max_value=Decimal("1e15")))
def test_format_and_parse_round_trip(value):
    assert parse_number(format_number(value)) == value


@pytest.mark.parametrize(("value", "integer", "read"), [
    ("1.500", False, Decimal(1500)),
    ("1.500", True, 1500),
    ("1.234,5", False, Decimal("1234.5")),
    (2.5, False, 2.5),          # a JSON number stays what it is
    (2.0, True, 2),
    ("nhiều", True, "nhiều"),   # no digit: the field's own message says what it wants
    (True, True, True),
    (None, False, None),
])
def test_read_number_is_the_one_reading_of_a_number_fields_input(value, integer, read):
    result = read_number(value, integer=integer)
    assert result == read and type(result) is type(read)


@pytest.mark.parametrize("value", [2.5, "2,5", Decimal("0.1")])
def test_read_number_refuses_a_fraction_for_a_whole_number(value):
    with pytest.raises(NumberFormatError):
        read_number(value, integer=True)


def test_the_shared_field_types_read_text_the_vietnamese_way_and_never_truncate(app):
    """core.text.fields.Integer and Number, which the schemas of the API's and the web's own
    inputs are built from: marshmallow alone reads "1.500" as 1.5 and keeps 2 of 2.5."""
    from marshmallow import Schema, ValidationError

    from core.text.fields import Integer, Number

    class Quota(Schema):
        count = Integer(minimum=0, maximum=100_000)
        share = Number()
        strict = Integer(strict=True)

    with app.test_request_context():
        assert Quota().load({"count": "1.500", "share": "1.234,5"}) == {"count": 1500, "share": 1234.5}
        assert Quota().load({"count": 4.0, "share": 0.25, "strict": 3}) == {
            "count": 4, "share": 0.25, "strict": 3}
        for body in ({"count": 2.5}, {"count": "2,5"}, {"share": "1.5"}, {"strict": "3"}):
            with pytest.raises(ValidationError) as refused:
                Quota().load(body)
            assert list(refused.value.messages) == list(body), body
