"""``Objects``: a list of plain JSON objects in an answer, written as ``List(Dict())`` writes it."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields

from core.text.fields import Objects


class _Listed(Schema):
    rows = fields.List(fields.Dict())


class _Objects(Schema):
    rows = Objects()


def test_objects_are_written_as_a_list_of_dicts_is():
    rows = ({"name": "staff", "points": {"a": 1}, "choices": ["Có", "Không"]}, {"name": "x", "unit": None})
    written = _Objects().dump({"rows": rows})
    assert written == _Listed().dump({"rows": rows}) == {"rows": list(rows)}
    assert isinstance(written["rows"], list) and written["rows"] is not rows
    assert _Objects().dump({"rows": None}) == {"rows": None}


def test_objects_are_read_as_a_list_of_dicts_is():
    assert _Objects().load({"rows": [{"a": 1}]}) == {"rows": [{"a": 1}]}
    with pytest.raises(ValidationError) as refused:
        _Objects().load({"rows": [1]})
    assert "rows" in refused.value.messages
