"""One clock for the whole product, and tests that move it instead of reading the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from core.db.types import utcnow


def test_frozen_clock_is_what_every_reader_sees():
    at = datetime(2028, 2, 29, 23, 59, tzinfo=clock.HANOI)
    before = clock._source  # the system clock, or the session's (THIDUA_TEST_NOW)
    with clock.frozen(at) as move_to:
        assert clock.now() == at
        assert clock.now().tzinfo is UTC
        assert utcnow() == at
        assert clock.now_in_hanoi().date().isoformat() == "2028-02-29"
        move_to(at + timedelta(minutes=1))
        assert clock.now_in_hanoi().date().isoformat() == "2028-03-01"
    # Leaving the block restores the clock it replaced (no wall-clock reading to compare).
    assert clock._source is before


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


def test_a_running_clock_starts_at_its_moment_and_moves_on():
    start = datetime(2028, 2, 29, 9, 0, tzinfo=clock.HANOI)
    source = clock.running_from(start)
    first = source()
    second = source()
    assert start <= first <= second < start + timedelta(hours=1)
    with pytest.raises(ValueError):
        clock.running_from(datetime(2028, 2, 29))


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-12-16", datetime(2026, 12, 16, 9, 0, tzinfo=clock.HANOI)),
    ("2028-02-29T23:30", datetime(2028, 2, 29, 23, 30, tzinfo=clock.HANOI)),
    ("2026-12-31T16:30:00+00:00", datetime(2026, 12, 31, 23, 30, tzinfo=clock.HANOI)),
])
def test_the_sessions_start_is_read_in_hanoi_time(raw, expected):
    from core.testing.fixtures import session_start

    assert session_start(raw) == expected
