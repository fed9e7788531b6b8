"""A criteria set's schema is localised once per class and language: the instance is reused,
and each language keeps its own messages."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from marshmallow import Schema, ValidationError, fields, validate

from core.plugins.messages import localised_schema


class Counts(Schema):
    staff = fields.Integer(required=True, validate=validate.Range(min=0, max=500))


def _errors(schema: Schema, data: dict) -> dict:
    with pytest.raises(ValidationError) as raised:
        schema.load(data)
    return raised.value.normalized_messages()


def test_one_instance_per_language_each_with_its_own_messages(app):
    with app.test_request_context():
        with force_locale("vi"):
            vietnamese = localised_schema(Counts)
            assert localised_schema(Counts) is vietnamese
            assert _errors(vietnamese, {"staff": "x"}) == {"staff": ["Vui lòng nhập một số nguyên."]}
            assert _errors(vietnamese, {"staff": 900}) == {"staff": ["Giá trị phải từ 0 đến 500."]}
        with force_locale("en"):
            english = localised_schema(Counts)
            assert english is not vietnamese
            assert _errors(english, {"staff": 900}) == {"staff": ["The value must be between 0 and 500."]}
        with force_locale("vi"):
            assert _errors(localised_schema(Counts), {}) == {"staff": ["Vui lòng nhập trường này."]}
