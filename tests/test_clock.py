"""One clock for the whole product, and tests that move it instead of reading the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from core.db.types import utcnow


def test_frozen_clock_is_what_every_reader_sees():
    at = datetime(2028, 2, 29, 23, 59, tzinfo=clock.HANOI)
    with clock.frozen(at) as move_to:
        assert clock.now() == at
        assert clock.now().tzinfo is UTC
        assert utcnow() == at
        assert clock.now_in_hanoi().date().isoformat() == "2028-02-29"
        move_to(at + timedelta(minutes=1))
        assert clock.now_in_hanoi().date().isoformat() == "2028-03-01"
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=5)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 1, 1)):
        pass
