"""The edge rules on their own: JSON read with bounds, text in NFC without control characters, and
the shared field types (lines, bounded numbers, moments and deadlines in Hanoi time)."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from core.text.edge import MAX_DEPTH, EdgeError, clean, depth, has_control, load_json
from core.text.fields import Deadline, Integer, Line, Moment, Number, Text


def test_depth_skips_brackets_inside_strings():
    assert depth('{"a": "[[[[[[", "b": [1, {"c": []}]}') == 4
    assert depth('"just a string"') == 0
    assert depth(r'["a \" [ b"]') == 1


def test_the_nesting_limit_is_exact():
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(EdgeError):
        load_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_a_string_field_is_named_by_its_path():
    with pytest.raises(EdgeError) as error:
        load_json('{"sections": {"rpt": {"rows": [{"note": "a\\u0000b"}]}}}')
    assert list(error.value.errors) == ["sections.rpt.rows.0.note"]


@given(st.text())
def test_clean_text_is_nfc_and_holds_no_control_character(text):
    try:
        cleaned = clean(text, "f")
    except EdgeError:
        assert has_control(text)
    else:
        assert not has_control(cleaned)
        assert unicodedata.is_normalized("NFC", cleaned)


@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=5), children, max_size=4), max_leaves=12))
def test_json_without_control_characters_reads_back_as_sent_in_nfc(value):
    raw = json.dumps(value)
    try:
        loaded = load_json(raw)
    except EdgeError:
        assert _any_control(value)
        return
    assert json.dumps(loaded) == json.dumps(_nfc(value))


def _any_control(value) -> bool:
    if isinstance(value, str):
        return has_control(value)
    if isinstance(value, list):
        return any(_any_control(v) for v in value)
    if isinstance(value, dict):
        return any(_any_control(k) or _any_control(v) for k, v in value.items())
    return False


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


class Sample(Schema):
    name = Line(10, min_length=1, strip=True)
    note = Text(20)
    count = Integer(minimum=0, maximum=100)
    ratio = Number()
    opens = Moment()
    due = Deadline()


def test_lines_refuse_line_breaks_and_text_keeps_them():
    assert Sample().load({"note": "hai\ndòng"})["note"] == "hai\ndòng"
    with pytest.raises(ValidationError) as error:
        Sample().load({"name": "hai\ndòng"})
    assert "name" in error.value.messages


def test_lengths_count_characters_after_nfc():
    decomposed = unicodedata.normalize("NFD", "Hoàn thành")  # 10 characters in NFC, 12 in NFD
    assert Sample().load({"name": decomposed})["name"] == "Hoàn thành"


@pytest.mark.parametrize("data, field", [
    ({"count": 101}, "count"), ({"count": 2**70}, "count"), ({"ratio": float("nan")}, "ratio"),
    ({"ratio": float("inf")}, "ratio"), ({"note": "x" * 21}, "note"), ({"name": "  "}, "name"),
    ({"due": "9999-12-31T23:00:00-12:00"}, "due"), ({"opens": "1899-12-31"}, "opens"),
])
def test_out_of_range_values_name_their_field(data, field):
    with pytest.raises(ValidationError) as error:
        Sample().load(data)
    assert list(error.value.messages) == [field]


def test_deadlines_reach_the_end_of_the_day_or_minute_and_moments_start_it():
    loaded = Sample().load({"opens": "2026-12-10", "due": "2026-12-10"})
    assert loaded["opens"].astimezone(UTC) == datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
    assert loaded["due"].astimezone(UTC) == datetime(2026, 12, 10, 16, 59, 59, 999999, tzinfo=UTC)
    assert Sample().load({"due": "2026-12-10T17:00Z"})["due"] == datetime(2026, 12, 10, 17, 0, 59, 999999,
                                                                          tzinfo=UTC)
    assert Sample().load({"due": "2026-12-10T17:00:00Z"})["due"] == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
