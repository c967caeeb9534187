"""The searches report: volume over time, top queries, zero-result queries and queries whose
results nobody clicked, for a date range and optionally one scope (``public`` or ``staff``).

Days up to the roll-up's watermark are read from the daily and monthly tiers
(:mod:`kb.insights.tiers`); later days (today, until the job runs) from the raw search log,
summed the same way (:func:`kb.insights.rollup.raw_search_sums`). The lists of queries come
from :mod:`kb.insights.search_lists`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from kb.errors import ValidationError
from kb.extensions import db
from kb.insights import events, rollup, search_lists
from kb.insights.ranges import DateRange, as_date, day_of, day_start
from kb.insights.search_lists import QueryRow
from kb.models import SearchLog, SearchVolumeDaily

SCOPES = ("public", "staff")
#: Rows in each list of the report.
TOP = 20


@dataclass
class Volume:
    day: date
    searches: int
    zero_results: int


@dataclass
class SearchReport:
    range: DateRange
    scope: str | None
    total: int = 0
    zero_total: int = 0
    volume: list[Volume] = field(default_factory=list)
    top: list[QueryRow] = field(default_factory=list)
    zero_results: list[QueryRow] = field(default_factory=list)
    no_clicks: list[QueryRow] = field(default_factory=list)


def parse_scope(value: str | None) -> str | None:
    """:raises ValidationError: a scope other than public or staff."""
    if not value:
        return None
    if value not in SCOPES:
        raise ValidationError("scope must be public or staff", field="scope")
    return value


def report(span: DateRange, scope: str | None = None, limit: int = TOP) -> SearchReport:
    events.flush_all()
    rolled_end, raw_start = _split(span)
    volume: dict[date, Volume] = {}
    if rolled_end is not None:
        rows = db.session.execute(
            _in_scope(select(SearchVolumeDaily.day, func.sum(SearchVolumeDaily.searches),
                             func.sum(SearchVolumeDaily.zero_results))
                      .where(SearchVolumeDaily.day.between(span.start, rolled_end)),
                      SearchVolumeDaily.scope, scope)
            .group_by(SearchVolumeDaily.day))
        for day, searches, zero in rows:
            volume[day] = Volume(day, int(searches), int(zero))
    if raw_start is not None:
        start, end = day_start(raw_start), day_start(span.end + timedelta(days=1))
        day = day_of(SearchLog.created_at)
        statement = _in_scope(select(day, func.count(),
                                     func.sum(case((SearchLog.result_count == 0, 1), else_=0)))
                              .where(SearchLog.created_at >= start, SearchLog.created_at < end),
                              SearchLog.scope, scope)
        for value, searches, zero in db.session.execute(statement.group_by(day)):
            volume[as_date(value)] = Volume(as_date(value), int(searches), int(zero or 0))
    found = SearchReport(span, scope)
    found.volume = [volume.get(day) or Volume(day, 0, 0) for day in span.days]
    found.total = sum(v.searches for v in found.volume)
    found.zero_total = sum(v.zero_results for v in found.volume)
    raw = (day_start(raw_start), day_start(span.end + timedelta(days=1))) if raw_start else None
    lists = search_lists.lists(span.start, rolled_end, raw, scope, limit)
    found.top, found.zero_results, found.no_clicks = (
        lists.get(name, []) for name in ("top", "zero_results", "no_clicks"))
    return found


def _in_scope(statement, column, scope: str | None):
    return statement.where(column == scope) if scope else statement


def _split(span: DateRange) -> tuple[date | None, date | None]:
    """(the last day of the range read from the daily table, the first day read raw), each
    None when no day of the range is read that way."""
    last = rollup.rolled_through()
    if last is None or last < span.start:
        return None, span.start if span.start <= span.end else None
    rolled_end = min(last, span.end)
    raw_start = rolled_end + timedelta(days=1)
    return rolled_end, raw_start if raw_start <= span.end else None
