"""Fixtures shared by the API tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def period_body():
    """A valid body for ``POST /periods``; keyword arguments replace fields, ``...`` drops one."""

    def make(**overrides) -> dict:
        start = datetime(2027, 3, 1, 8, 0, tzinfo=VN)
        body = {
            "key": "2027-thematic",
            "kind": "thematic",
            "title": "Chuyên đề bảo vệ an ninh Tổ quốc năm 2027",
            "opens_at": start.isoformat(),
            "due_at": (start + timedelta(days=20)).isoformat(),
            "city_due_at": (start + timedelta(days=30)).isoformat(),
            "closes_at": (start + timedelta(days=45)).isoformat(),
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not ...}

    return make
