"""The searches report: volume over time, top queries, zero-result queries and queries whose
results nobody clicked, for a date range and optionally one scope (``public`` or ``staff``).

Days up to the roll-up's watermark are read from the daily and monthly tiers
(:mod:`kb.insights.tiers`); later days (today, until the job runs) from the raw search log,
summed the same way (:func:`kb.insights.rollup.raw_search_sums`). The lists are ranked and cut
in SQL, so a page reads its few dozen rows whatever the number of distinct queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal_column, select, union_all

from kb.errors import ValidationError
from kb.extensions import db
from kb.insights import events, rollup, tiers
from kb.insights.ranges import DateRange, as_date, day_of, day_start
from kb.models import SearchLog, SearchVolumeDaily

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
    volume: dict[date, Volume] = {}
    parts = []
    if rolled_end is not None:
        rows = db.session.execute(
            _in_scope(select(SearchVolumeDaily.day, func.sum(SearchVolumeDaily.searches),
                             func.sum(SearchVolumeDaily.zero_results))
                      .where(SearchVolumeDaily.day.between(span.start, rolled_end)),
                      SearchVolumeDaily.scope, scope)
            .group_by(SearchVolumeDaily.day))
        for day, searches, zero in rows:
            volume[day] = Volume(day, int(searches), int(zero))
        rolled = tiers.rows(tiers.SEARCHES, span.start, rolled_end,
                            (lambda t: t.c.scope == scope) if scope else None)
        parts.append(select(*(rolled.c[n] for n in _COLUMNS)))
    if raw_start is not None:
        start, end = day_start(raw_start), day_start(span.end + timedelta(days=1))
        raw = rollup.raw_search_sums(start, end).subquery()
        parts.append(_in_scope(select(*(raw.c[n] for n in _COLUMNS)), raw.c.scope, scope))
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
    if parts:
        lists = _lists(parts, limit)
        found.top, found.zero_results, found.no_clicks = (lists.get(name, []) for name in LISTS)
    return found


#: The report's lists of queries, each the best ``limit`` of the range by its own measure.
LISTS = ("top", "zero_results", "no_clicks")
_COLUMNS = ("query", *tiers.SEARCHES.sums)


def _lists(parts: list, limit: int) -> dict[str, list[QueryRow]]:
    """Every list in one statement: the range's rows are summed per query once, and each list
    is that sum's best ``limit`` rows in SQL, so only those rows leave the database."""
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    summed = select(merged.c.query, *(func.sum(merged.c[n]).label(n) for n in _COLUMNS[1:])) \
        .group_by(merged.c.query).cte("summed")
    query = _bytewise(summed.c.query)
    chosen = {
        "top": (summed.c.searches > 0, summed.c.searches),
        "zero_results": (summed.c.zero_results > 0, summed.c.zero_results),
        "no_clicks": (and_(summed.c.clicked == 0, summed.c.zero_results < summed.c.searches),
                      summed.c.searches),
    }
    best = [select(summed).where(keep).order_by(measure.desc(), query).limit(limit).subquery()
            for keep, measure in chosen.values()]
    statement = union_all(*(select(literal_column(f"'{name}'").label("list"), *sub.c)
                            for name, sub in zip(chosen, best)))
    found: dict[str, list[QueryRow]] = {}
    for name, text, *values in db.session.execute(statement):
        row = QueryRow(text)
        row.add([int(v or 0) for v in values])
        found.setdefault(name, []).append(row)
    key = {"top": lambda r: (-r.searches, r.query),
           "zero_results": lambda r: (-r.zero_results, r.query),
           "no_clicks": lambda r: (-r.searches, r.query)}
    return {name: sorted(rows, key=key[name]) for name, rows in found.items()}


def _bytewise(column):
    """Ties in a list are broken by the query's characters, as Python compares them, whatever
    the database's collation."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


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
