"""The searches report: volume over time, top queries, zero-result queries and queries whose
results nobody clicked, for a date range and optionally one scope (``public`` or ``staff``).

Days up to the roll-up's watermark are read from ``search_daily``; later days from the raw
search log, summed the same way (:func:`kb.insights.rollup.search_sums`).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from kb.errors import ValidationError
from kb.extensions import db
from kb.insights import events, rollup
from kb.insights.ranges import DateRange, as_date, day_of, day_start
from kb.models import SearchDaily, SearchLog

SCOPES = ("public", "staff")
#: Rows in each list of the report.
TOP = 20


@dataclass
class QueryRow:
    query: str
    searches: int = 0
    zero_results: int = 0
    clicked: int = 0
    rank_sum: int = 0
    result_sum: int = 0

    def add(self, values: list[int]) -> None:
        self.searches += values[0]
        self.zero_results += values[1]
        self.clicked += values[2]
        self.rank_sum += values[3]
        self.result_sum += values[4]

    @property
    def click_rate(self) -> float:
        """Share of the searches with a click on a result, 0 to 1."""
        return self.clicked / self.searches if self.searches else 0.0

    @property
    def average_rank(self) -> float | None:
        return self.rank_sum / self.clicked if self.clicked else None

    @property
    def average_results(self) -> float:
        return self.result_sum / self.searches if self.searches else 0.0


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
    raw: dict[str, QueryRow] = {}
    volume: dict[date, Volume] = {}
    if rolled_end is not None:
        rows = db.session.execute(
            _where(select(SearchDaily.day, func.sum(SearchDaily.searches),
                          func.sum(SearchDaily.zero_results)), span.start, rolled_end, scope)
            .group_by(SearchDaily.day))
        for day, searches, zero in rows:
            volume[day] = Volume(day, int(searches), int(zero))
    if raw_start is not None:
        start, end = day_start(raw_start), day_start(span.end + timedelta(days=1))
        for (row_scope, query), values in rollup.search_sums(start, end).items():
            if scope is None or row_scope == scope:
                raw.setdefault(query, QueryRow(query)).add(values)
        day = day_of(SearchLog.created_at)
        statement = (select(day, func.count(),
                            func.sum(case((SearchLog.result_count == 0, 1), else_=0)))
                     .where(SearchLog.created_at >= start, SearchLog.created_at < end))
        if scope is not None:
            statement = statement.where(SearchLog.scope == scope)
        for value, searches, zero in db.session.execute(statement.group_by(day)):
            volume[as_date(value)] = Volume(as_date(value), int(searches), int(zero or 0))
    found = SearchReport(span, scope)
    found.volume = [volume.get(day) or Volume(day, 0, 0) for day in span.days]
    found.total = sum(v.searches for v in found.volume)
    found.zero_total = sum(v.zero_results for v in found.volume)
    merged = _rolled_sums(span.start, rolled_end, scope) if rolled_end is not None else {}
    for query, row in raw.items():
        merged.setdefault(query, QueryRow(query)).add(
            [row.searches, row.zero_results, row.clicked, row.rank_sum, row.result_sum])
    rows = list(merged.values())
    found.top = _best(rows, lambda r: r.searches > 0, lambda r: r.searches, limit)
    found.zero_results = _best(rows, lambda r: r.zero_results > 0, lambda r: r.zero_results, limit)
    found.no_clicks = _best(rows, lambda r: r.clicked == 0 and r.zero_results < r.searches,
                            lambda r: r.searches, limit)
    return found


def _split(span: DateRange) -> tuple[date | None, date | None]:
    """(the last day of the range read from the daily table, the first day read raw), each
    None when no day of the range is read that way."""
    last = rollup.rolled_through()
    if last is None or last < span.start:
        return None, span.start if span.start <= span.end else None
    rolled_end = min(last, span.end)
    raw_start = rolled_end + timedelta(days=1)
    return rolled_end, raw_start if raw_start <= span.end else None


def _where(statement, start: date, end: date, scope: str | None):
    statement = statement.where(SearchDaily.day >= start, SearchDaily.day <= end)
    return statement.where(SearchDaily.scope == scope) if scope else statement


_SUMS = (func.sum(SearchDaily.searches), func.sum(SearchDaily.zero_results),
         func.sum(SearchDaily.clicked), func.sum(SearchDaily.rank_sum),
         func.sum(SearchDaily.result_sum))


def _rolled_sums(start: date, end: date, scope: str | None) -> dict[str, QueryRow]:
    """Every query's sums over the rolled-up days of the range: one grouped scan of the daily
    table serves all three lists."""
    statement = _where(select(SearchDaily.query, *_SUMS), start, end, scope)
    rows: dict[str, QueryRow] = {}
    for query, *values in db.session.execute(statement.group_by(SearchDaily.query)):
        row = rows[query] = QueryRow(query)
        row.add([int(v or 0) for v in values])
    return rows


def _best(rows: list[QueryRow], keep, key, limit: int) -> list[QueryRow]:
    return heapq.nsmallest(limit, (r for r in rows if keep(r)), key=lambda r: (-key(r), r.query))
