"""Reading a date range from a per-day table and its per-month companion.

A range is cut into the whole calendar months inside it, read from the monthly table, and the
days before and after them, read from the daily table; so a year costs about twelve rows per
query or document, plus the days of the two partial months. The monthly tables of the search
sums are rebuilt from their daily rows by the roll-up (:func:`rebuild_month`); the counted ones
(views, votes, uses) are added to as things happen (:mod:`kb.tallies`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import Date, Table, case, delete, func, insert, literal, select, union_all

from kb.database import transaction
from kb.extensions import db
from kb.insights.ranges import as_date, day_of
from kb.models import (ArticleViewDaily, ArticleViewMonthly, Feedback, FeedbackDaily,
                       FeedbackMonthly, MacroUse, MacroUseDaily, MacroUseMonthly, SearchDaily,
                       SearchDocumentDaily, SearchDocumentMonthly, SearchMonthly)


@dataclass(frozen=True)
class Tier:
    daily: Table
    monthly: Table
    #: What a row is about, besides its day or month.
    keys: tuple[str, ...]
    #: The columns summed.
    sums: tuple[str, ...]


SEARCHES = Tier(SearchDaily.__table__, SearchMonthly.__table__, ("scope", "query"),
                ("searches", "zero_results", "clicked", "rank_sum", "result_sum"))
SEARCH_DOCUMENTS = Tier(SearchDocumentDaily.__table__, SearchDocumentMonthly.__table__,
                        ("document_id",), ("impressions", "clicks"))
VIEWS = Tier(ArticleViewDaily.__table__, ArticleViewMonthly.__table__, ("document_id",), ("views",))
VOTES = Tier(FeedbackDaily.__table__, FeedbackMonthly.__table__, ("document_id",),
             ("helpful", "not_helpful", "comments"))
USES = Tier(MacroUseDaily.__table__, MacroUseMonthly.__table__, ("document_id",), ("uses",))


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def pieces(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """[start, end] as (the first and last whole month inside it, or None; the day ranges
    left over, at most one before and one after the months)."""
    if start > end:
        return None, []
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end.replace(day=1) if month_end(end) == end else month_of(end) - timedelta(days=1)
    last = month_of(last)
    if first > last:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - timedelta(days=1)))
    if month_end(last) < end:
        days.append((month_end(last) + timedelta(days=1), end))
    return (first, last), days


def rows(tier: Tier, start: date, end: date, where: Callable[[Table], object] | None = None):
    """A subquery of the tier's rows (keys and sums) covering [start, end], or None when the
    range is empty. The caller groups it by what it needs."""
    months, days = pieces(start, end)
    parts = []
    if months is not None:
        parts.append(_part(tier, tier.monthly, tier.monthly.c.month.between(*months), where))
    for first, last in days:
        parts.append(_part(tier, tier.daily, tier.daily.c.day.between(first, last), where))
    if not parts:
        return None
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()


def _part(tier: Tier, table: Table, when, where):
    statement = select(*(table.c[name] for name in tier.keys + tier.sums)).where(when)
    return statement.where(where(table)) if where is not None else statement


def rebuild_month(tier: Tier, month: date) -> None:
    """Replace ``month``'s monthly rows with the sums of its daily rows (in the caller's
    transaction)."""
    daily, monthly = tier.daily, tier.monthly
    db.session.execute(delete(monthly).where(monthly.c.month == month))
    columns = [daily.c[name] for name in tier.keys]
    summed = select(literal(month, Date), *columns, *(func.sum(daily.c[n]) for n in tier.sums)) \
        .where(daily.c.day.between(month, month_end(month))).group_by(*columns)
    db.session.execute(insert(monthly).from_select(["month", *tier.keys, *tier.sums], summed))


def recount() -> None:
    """Count votes and macro uses into their days and months again from the rows themselves,
    and the monthly views from the daily ones: for data written by other means than the app
    (a bulk load), which the counters never saw."""
    sources = (
        (FeedbackDaily, select(day_of(Feedback.created_at), Feedback.document_id,
                               func.sum(case((Feedback.helpful.is_(True), 1), else_=0)),
                               func.sum(case((Feedback.helpful.is_(True), 0), else_=1)),
                               func.sum(case((Feedback.comment != "", 1), else_=0)))),
        (MacroUseDaily, select(day_of(MacroUse.created_at), MacroUse.document_id, func.count())),
    )
    with transaction():
        for table, counted in sources:
            db.session.execute(delete(table))
            columns = [c.name for c in table.__table__.columns]
            db.session.execute(insert(table).from_select(columns, counted.group_by(
                *counted.selected_columns[:2])))
        for tier in (VIEWS, VOTES, USES):
            db.session.execute(delete(tier.monthly))
            days = {as_date(d) for (d,) in db.session.execute(select(tier.daily.c.day).distinct())}
            for month in sorted({month_of(d) for d in days}):
                rebuild_month(tier, month)
