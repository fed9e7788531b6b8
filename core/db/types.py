"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator

from core import clock


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC.

    SQLite keeps no offset, so values come back naive; this type makes every value aware and in
    UTC on the way in and out, so comparisons never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current moment from :mod:`core.clock` (which tests may freeze), aware and in UTC."""
    return clock.now()


#: A sort key from :func:`core.text.collation.sort_key`, compared byte by byte: the "C" collation
#: on PostgreSQL, whatever the database's own; SQLite compares bytes already.
NAME_KEY_TYPE = String(2400).with_variant(String(2400, collation="C"), "postgresql")
