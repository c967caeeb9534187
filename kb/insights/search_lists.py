"""The searches report's lists: the most searched queries, those that found nothing most often,
and those whose results nobody clicked, each the best ``limit`` of a range.

The rolled-up part of a range only changes when the roll-up runs, so its ranking is computed
once per roll-up (in SQL, over the tiers: :func:`rank`) and kept, ``KEEP`` rows deeper than
asked. The days not rolled up yet (today's raw searches) are merged in exactly: every query
searched today gets its rolled sums looked up, and any other query cannot have moved, so it
stays behind the kept rows. When today's searches disqualify too many kept rows to prove the
answer, the whole ranking is computed again over tiers and raw rows together.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from flask import current_app
from sqlalchemy import and_, func, literal_column, select, union_all

from kb import settings
from kb.extensions import db
from kb.insights import rollup, tiers

#: Rows kept per list beyond the ones asked for, so today's searches can be merged in.
KEEP = 100
#: Rankings kept per process (one per range, scope and roll-up).
CACHED = 32


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
    def sums(self) -> list[int]:
        return [self.searches, self.zero_results, self.clicked, self.rank_sum, self.result_sum]

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


@dataclass(frozen=True)
class Measure:
    """A list: which queries it takes and what ranks them (most first, then by the text)."""

    keeps: Callable[[QueryRow], bool]
    value: Callable[[QueryRow], int]


LISTS = {
    "top": Measure(lambda r: r.searches > 0, lambda r: r.searches),
    "zero_results": Measure(lambda r: r.zero_results > 0, lambda r: r.zero_results),
    "no_clicks": Measure(lambda r: r.clicked == 0 and r.zero_results < r.searches,
                         lambda r: r.searches),
}
_COLUMNS = ("query", *tiers.SEARCHES.sums)


def lists(start: date, rolled_end: date | None, raw: tuple[datetime, datetime] | None,
          scope: str | None, limit: int) -> dict[str, list[QueryRow]]:
    """Each list of the range: the days [start, rolled_end] from the tiers, the instants
    ``raw`` from the search log."""
    today = _raw_rows(raw, scope) if raw is not None else {}
    if rolled_end is None:
        return rank([_raw_part(raw, scope)], limit) if today else {}
    kept = _kept(start, rolled_end, scope, limit + KEEP)
    if not today:
        return {name: rows[:limit] for name, rows in kept.items()}
    rolled = _rolled_sums(start, rolled_end, scope, list(today))
    found = {}
    for name, measure in LISTS.items():
        merged = _merge(kept[name], rolled, today, measure, limit)
        if merged is None:  # not provable from the kept rows: rank everything again
            return rank([_rolled_part(start, rolled_end, scope), _raw_part(raw, scope)], limit)
        found[name] = merged
    return found


def _merge(kept: list[QueryRow], rolled: dict[str, QueryRow], today: dict[str, QueryRow],
           measure: Measure, limit: int) -> list[QueryRow] | None:
    """The list with today's sums added, or None when the kept rows cannot prove it."""
    totals = {r.query: QueryRow(r.query, *r.sums) for r in kept}
    for query, row in today.items():
        total = totals.get(query) or QueryRow(query, *rolled.get(query, QueryRow(query)).sums)
        total.add(row.sums)
        totals[query] = total
    best = sorted((r for r in totals.values() if measure.keeps(r)), key=_order(measure))[:limit]
    if len(kept) < limit + KEEP:
        return best  # every query the rolled days put in the list was kept
    # A query neither kept nor searched today ranks no better than the last kept row.
    floor = measure.value(kept[-1])
    if len(best) == limit and measure.value(best[-1]) > floor:
        return best
    return None


def _order(measure: Measure):
    return lambda r: (-measure.value(r), r.query)


def rank(parts: list, limit: int) -> dict[str, list[QueryRow]]:
    """Every list in one statement: the parts' rows are summed per query once, and each list
    is that sum's best ``limit`` rows, ranked and cut in SQL."""
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
    best = [select(summed).where(keep).order_by(value.desc(), query).limit(limit).subquery()
            for keep, value in chosen.values()]
    statement = union_all(*(select(literal_column(f"'{name}'").label("list"), *sub.c)
                            for name, sub in zip(chosen, best)))
    found: dict[str, list[QueryRow]] = {name: [] for name in LISTS}
    for name, text, *values in db.session.execute(statement):
        found[name].append(QueryRow(text, *(int(v or 0) for v in values)))
    return {name: sorted(rows, key=_order(LISTS[name])) for name, rows in found.items()}


def _bytewise(column):
    """Ties are broken by the query's characters, as Python compares them, whatever the
    database's collation."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


def _rolled_part(start: date, end: date, scope: str | None, queries: list[str] | None = None):
    def where(table):
        conditions = []
        if scope:
            conditions.append(table.c.scope == scope)
        if queries is not None:
            conditions.append(table.c.query.in_(queries))
        return and_(*conditions) if conditions else True
    rows = tiers.rows(tiers.SEARCHES, start, end, where if (scope or queries is not None) else None)
    return select(*(rows.c[n] for n in _COLUMNS))


def _raw_part(raw: tuple[datetime, datetime], scope: str | None):
    sums = rollup.raw_search_sums(*raw).subquery()
    statement = select(*(sums.c[n] for n in _COLUMNS))
    return statement.where(sums.c.scope == scope) if scope else statement


def _raw_rows(raw: tuple[datetime, datetime], scope: str | None) -> dict[str, QueryRow]:
    rows: dict[str, QueryRow] = {}
    for query, *values in db.session.execute(_raw_part(raw, scope)):
        rows.setdefault(query, QueryRow(query)).add([int(v or 0) for v in values])
    return rows


def _rolled_sums(start: date, end: date, scope: str | None,
                 queries: list[str]) -> dict[str, QueryRow]:
    """The rolled sums of just these queries (an index lookup per query and piece)."""
    found: dict[str, QueryRow] = {}
    for chunk in range(0, len(queries), 500):
        part = _rolled_part(start, end, scope, queries[chunk:chunk + 500]).subquery()
        for query, *values in db.session.execute(
                select(part.c.query, *(func.sum(part.c[n]) for n in _COLUMNS[1:]))
                .group_by(part.c.query)):
            found.setdefault(query, QueryRow(query)).add([int(v or 0) for v in values])
    return found


_lock = threading.Lock()


def _kept(start: date, end: date, scope: str | None, depth: int) -> dict[str, list[QueryRow]]:
    """The rolled days' lists ``depth`` rows deep, ranked once per roll-up."""
    key = (start, end, scope, depth, settings.get(rollup.VERSION))
    cache = current_app.extensions.setdefault("kb.insights.ranked", OrderedDict())
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    ranked = rank([_rolled_part(start, end, scope)], depth)
    with _lock:
        cache[key] = ranked
        while len(cache) > CACHED:
            cache.popitem(last=False)
    return ranked
