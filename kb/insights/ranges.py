"""The date range every report takes: ``from`` and ``to``, whole UTC days, both included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Date, cast, func

from kb.errors import ValidationError
from kb.extensions import db
from kb.models.types import utcnow

#: The range a report shows when none is given: the last 30 days, today included.
DEFAULT_DAYS = 30
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
#: The longest range a report takes.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        """Every day of the range up to today (none when ``start`` is after ``end``)."""
        last = min(self.end, today())
        return [self.start + timedelta(days=n) for n in range((last - self.start).days + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        """The range as [start, end) UTC instants."""
        return day_start(self.start), day_start(self.end + timedelta(days=1))


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def day_of(column):
    """The UTC calendar day of a timestamp column, in SQL (SQLite keeps UTC text, PostgreSQL a
    ``timestamptz``, read here in UTC whatever the session's time zone)."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def as_date(value) -> date:
    """A day as :func:`day_of` gives it back (a date, or ISO text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def today() -> date:
    return utcnow().date()


def parse(start: str | None, end: str | None, default_days: int = DEFAULT_DAYS,
          strict: bool = True) -> DateRange:
    """The range from ``from``/``to`` strings (``YYYY-MM-DD``); a missing end (None) defaults
    to the last ``default_days`` days up to today, an empty one is refused.

    :raises ValidationError: a date that does not parse, ``from`` after ``to``, or a range
        longer than :data:`MAX_DAYS` (only when ``strict``: the API answers an empty range for
        the first and any length for the second, reading no more than the days with data).
    """
    last = _date(end, "to") if end is not None else today()
    first = _date(start, "from") if start is not None else last - timedelta(days=default_days - 1)
    if not strict:
        return DateRange(first, last)
    if first > last:
        raise ValidationError("from must be on or before to", field="from")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError(f"a range may span at most {MAX_DAYS} days", field="from")
    return DateRange(first, last)


def _date(text: str, field: str) -> date:
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        value = date.fromisoformat(text)
    except (ValueError, TypeError):
        raise ValidationError(f"{field} must be a date like 2026-01-31", field=field) from None
    if not date(1900, 1, 1) <= value <= date(9998, 12, 31):
        raise ValidationError(f"{field} must be between 1900-01-01 and 9998-12-31", field=field)
    return value
