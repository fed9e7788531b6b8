"""The app's JSON answers are written by orjson and are the documents Flask's own provider writes:
the same bytes for text, integers, dates, UUIDs and decimals, the same values for floats."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from dataclasses import dataclass

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from core.json_provider import OrjsonProvider


def _providers(debug: bool = False) -> tuple[OrjsonProvider, DefaultJSONProvider]:
    app = Flask("json_answers")
    app.debug = debug
    ours, flasks = OrjsonProvider(app), DefaultJSONProvider(app)
    ours.ensure_ascii = flasks.ensure_ascii = False  # as the app sets it
    return ours, flasks


def _bodies(value, debug: bool = False) -> tuple[bytes, bytes]:
    ours, flasks = _providers(debug)
    with ours._app.app_context():
        return ours.response(value).get_data(), flasks.response(value).get_data()


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(_PLAIN)
def test_documents_without_floats_are_the_same_bytes(value):
    ours, flasks = _bodies(value)
    assert ours == flasks


@given(st.recursive(
    st.floats(allow_nan=False, allow_infinity=False) | st.integers(min_value=-(2**63), max_value=2**63 - 1),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
))
def test_floats_are_the_same_values(value):
    # 1e16 is written "1e16" by orjson and "1e+16" by json: both read back as the same float.
    ours, flasks = _bodies(value)
    assert json.loads(ours) == json.loads(flasks)


@dataclass
class _Point:
    label: str
    weight: int


def test_dates_uuids_decimals_dataclasses_and_markup_are_written_as_flask_writes_them():
    value = {
        "moment": dt.datetime(2026, 11, 10, 17, 0, tzinfo=dt.UTC),
        "day": dt.date(2026, 11, 30),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "score": decimal.Decimal("92.50"),
        "point": _Point("Phường Hoàn Kiếm", 3),
        "html": Markup("<b>Tốt</b>"),
        "Đơn vị": ["Xã Sóc Sơn", 1],
    }
    ours, flasks = _bodies(value)
    assert ours == flasks
    assert json.loads(ours)["moment"] == "Tue, 10 Nov 2026 17:00:00 GMT"


def test_what_orjson_refuses_is_written_by_json():
    # A 422 echoes the value it refuses: an integer beyond 64 bits is written all the same.
    value = {"fields": {"version": ["Quá lớn"]}, "value": 2**70}
    ours, flasks = _bodies(value)
    assert ours == flasks
    provider, _flasks = _providers()
    assert provider.dumps(value) == _flasks.dumps(value)


def test_debug_answers_are_indented_and_text_options_are_honoured():
    value = {"b": [1, {"c": None}], "a": "Hà Nội"}
    ours, flasks = _bodies(value, debug=True)
    assert ours.startswith(b"{\n  ") and json.loads(ours) == json.loads(flasks)
    provider, flask_provider = _providers()
    assert provider.dumps(value, indent=4) == flask_provider.dumps(value, indent=4)
    assert provider.dumps(value) == '{"a":"Hà Nội","b":[1,{"c":null}]}'


def test_the_app_answers_through_it(app):
    assert isinstance(app.json, OrjsonProvider) and app.json.ensure_ascii is False
