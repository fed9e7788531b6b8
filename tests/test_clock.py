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
    # Leaving the block restores the system clock itself (no wall-clock reading to compare).
    assert clock._source is clock._system_now


def test_frozen_blocks_nest_and_restore_the_clock_around_them():
    outer = datetime(2026, 12, 31, 23, 59, tzinfo=clock.HANOI)
    inner = datetime(2027, 1, 1, tzinfo=clock.HANOI)
    with clock.frozen(outer):
        with clock.frozen(inner):
            assert clock.today().isoformat() == "2027-01-01"
        assert clock.now() == outer and clock.today().isoformat() == "2026-12-31"
        # 00:30 on 1 January in Hanoi is still 31 December in UTC: "today" is Hanoi's.
        with clock.frozen(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)):
            assert clock.today().isoformat() == "2027-01-01"


def test_naive_moments_are_refused():
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 1, 1)):
        pass
