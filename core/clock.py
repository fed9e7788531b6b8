"""The one clock every part of Thi Đua reads "now" from.

Deadlines, lateness, job schedules, retries, reminders and the demo's calendar all ask
:func:`now`. Tests move time with :func:`frozen` (or :func:`set_clock`) instead of sleeping or
reading the wall clock, so a test behaves the same on 1 January, 29 February and 31 December.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return _source().astimezone(UTC)


def now_in_hanoi() -> datetime:
    """The current moment in Asia/Ho_Chi_Minh, the time zone every deadline is read in."""
    return now().astimezone(HANOI)


def today() -> date:
    """Today's date on Hanoi's calendar (a unit's code valid "today", a year's periods)."""
    return now_in_hanoi().date()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the system clock). ``source`` returns aware datetimes."""
    global _source
    _source = source or _system_now


def running_from(start: datetime) -> Callable[[], datetime]:
    """A clock source that reads ``start`` now and runs on from it as real time passes: what a
    whole test session is set to when it must behave as on another day (``THIDUA_TEST_NOW``),
    where a frozen moment would stop timeouts and expiries that count real seconds.

    :raises ValueError: ``start`` is naive.
    """
    if start.tzinfo is None:
        raise ValueError("running_from() needs a timezone-aware datetime")
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


@contextmanager
def frozen(at: datetime) -> Iterator[Callable[[datetime], None]]:
    """Within the block ``now()`` is ``at``; the yielded function moves the clock to a new moment.

    ``at`` must be timezone-aware: a naive moment has no place on Hanoi's calendar.
    """
    if at.tzinfo is None:
        raise ValueError("frozen() needs a timezone-aware datetime")
    moment = [at]

    def move_to(when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("the clock moves only to timezone-aware datetimes")
        moment[0] = when

    previous = _source
    set_clock(lambda: moment[0])
    try:
        yield move_to
    finally:
        set_clock(previous)
