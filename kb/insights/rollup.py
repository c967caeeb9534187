"""Folding each finished day's raw search events into the daily tables, and retention.

The roll-up is idempotent per day (a day's rows are replaced, never added to), rebuilds the
monthly rows of the months it touched from their daily rows, and it remembers
the last day it rolled (``insights.rolled_through`` in the settings table). Reports read the
daily tables up to that day and the raw rows after it, so they answer the same numbers whether
or not the job has run yet. A day is rolled again once, the next time a new day is rolled: a
click that arrives just after midnight still counts for the search it followed.

Raw rows older than ``KB_SEARCH_LOG_DAYS`` are deleted, but never before their day is rolled up.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, insert, select

from kb import settings
from kb.database import transaction
from kb.extensions import db
from kb.insights import events, tiers
from kb.insights.ranges import day_start
from kb.models import (SearchClick, SearchDaily, SearchDocumentDaily, SearchLog,
                       SearchVolumeDaily)
from kb.models.types import utcnow

WATERMARK = "insights.rolled_through"
#: Changes whenever the roll-up writes, so what was worked out from the tiers before is not
#: read again (:mod:`kb.insights.search_lists`).
VERSION = "insights.tiers_version"

#: Per (scope, query): searches, zero-result searches, clicked searches, sum of first-click
#: ranks, sum of result counts.
SearchSums = dict[tuple[str, str], list[int]]
#: Per document id: impressions, clicks.
DocumentSums = dict[int, list[int]]


def rolled_through() -> date | None:
    """The last day whose raw rows are in the daily tables, or None before the first roll-up."""
    value = settings.get(WATERMARK)
    return date.fromisoformat(value) if value else None


def raw_search_sums(start: datetime, end: datetime):
    """The statement summing the raw searches made in [start, end) per scope and query, in the
    columns of :data:`kb.insights.tiers.SEARCHES` (keys, then sums)."""
    # Each search's first click, looked up by its burst (an index probe per search): grouping
    # the clicks instead would read every click ever kept.
    first_click = (select(func.min(SearchClick.rank))
                   .where(SearchClick.burst == SearchLog.burst, SearchClick.created_at >= start)
                   .scalar_subquery())
    made = (select(SearchLog.scope, SearchLog.query, SearchLog.result_count,
                   first_click.label("rank"))
            .where(SearchLog.created_at >= start, SearchLog.created_at < end).subquery())
    return (
        select(made.c.scope.label("scope"), made.c.query.label("query"),
               func.count().label("searches"),
               func.sum(case((made.c.result_count == 0, 1), else_=0)).label("zero_results"),
               func.count(made.c.rank).label("clicked"),
               func.coalesce(func.sum(made.c.rank), 0).label("rank_sum"),
               func.sum(made.c.result_count).label("result_sum"))
        .group_by(made.c.scope, made.c.query)
    )


def search_sums(start: datetime, end: datetime) -> SearchSums:
    """The raw searches made in [start, end), summed per scope and query."""
    rows = db.session.execute(raw_search_sums(start, end))
    return {(scope, query): [int(v or 0) for v in values] for scope, query, *values in rows}


def document_sums(start: datetime, end: datetime) -> DocumentSums:
    """Per document: how many searches in [start, end) showed it, and how many clicks it got."""
    shown: Counter[int] = Counter()
    for (value,) in db.session.execute(
            select(SearchLog.shown).where(SearchLog.created_at >= start, SearchLog.created_at < end,
                                          SearchLog.shown.is_not(None))):
        ids = value if isinstance(value, list) else json.loads(value or "[]")
        shown.update(i for i in set(ids) if isinstance(i, int))
    sums: DocumentSums = {i: [n, 0] for i, n in shown.items()}
    for document_id, clicks in db.session.execute(
            select(SearchClick.document_id, func.count())
            .where(SearchClick.created_at >= start, SearchClick.created_at < end)
            .group_by(SearchClick.document_id)):
        sums.setdefault(document_id, [0, 0])[1] = int(clicks)
    return sums


def roll_day(day: date) -> None:
    """Replace ``day``'s rows in the daily tables with the sums of its raw rows."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    searches, documents = search_sums(start, end), document_sums(start, end)
    with transaction():
        if not _day_lock(day):
            return  # another process is rolling this day up right now
        db.session.execute(delete(SearchDaily).where(SearchDaily.day == day))
        db.session.execute(delete(SearchDocumentDaily).where(SearchDocumentDaily.day == day))
        db.session.execute(delete(SearchVolumeDaily).where(SearchVolumeDaily.day == day))
        volume: dict[str, list[int]] = {}
        for (scope, _), v in searches.items():
            total = volume.setdefault(scope, [0, 0])
            total[0], total[1] = total[0] + v[0], total[1] + v[1]
        if volume:
            db.session.execute(insert(SearchVolumeDaily), [
                {"day": day, "scope": scope, "searches": v[0], "zero_results": v[1]}
                for scope, v in volume.items()])
        if searches:
            db.session.execute(insert(SearchDaily), [
                {"day": day, "scope": scope, "query": query, "searches": v[0], "zero_results": v[1],
                 "clicked": v[2], "rank_sum": v[3], "result_sum": v[4]}
                for (scope, query), v in searches.items()])
        if documents:
            db.session.execute(insert(SearchDocumentDaily), [
                {"day": day, "document_id": i, "impressions": v[0], "clicks": v[1]}
                for i, v in documents.items()])
        settings.put(WATERMARK, max(day, rolled_through() or day).isoformat())
        settings.put(VERSION, uuid.uuid4().hex)


def roll_days(first: date, last: date) -> int:
    """Roll up each day from ``first`` to ``last``, then rebuild the monthly rows of the months
    those days are in (a month's rows sum the days rolled so far). Answers the days rolled."""
    day, months = first, set()
    while day <= last:
        roll_day(day)
        months.add(tiers.month_of(day))
        day += timedelta(days=1)
    for month in sorted(months):
        with transaction():
            for tier in (tiers.SEARCHES, tiers.SEARCH_DOCUMENTS):
                tiers.rebuild_month(tier, month)
            settings.put(VERSION, uuid.uuid4().hex)
    return (last - first).days + 1 if first <= last else 0


def _day_lock(day: date) -> bool:
    """Take the day's roll-up lock for this transaction (PostgreSQL: an advisory lock, so two
    workers never replace the same day's rows at once; SQLite's write lock already queues
    them). False when another transaction holds it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(_LOCK_BASE + day.toordinal()))))


#: Advisory lock keys of the roll-up: this base plus the day's ordinal.
_LOCK_BASE = 0x6B62_0000_0000


def run(now: datetime | None = None) -> str:
    """Roll up every finished day not rolled yet, then delete raw rows past retention.

    Answers a one-line summary for the command line and the log.
    """
    events.flush_all()
    today = (now or utcnow()).date()
    yesterday = today - timedelta(days=1)
    last = rolled_through()
    rolled = 0
    if last is None or last < yesterday:
        rolled = roll_days(last or _earliest_raw_day() or yesterday, yesterday)
    removed = prune(today)
    return f"rolled up {rolled} day(s), removed {removed} old search row(s)"


def prune(today: date) -> int:
    """Delete raw searches and clicks older than the retention, from rolled-up days only."""
    keep = int(current_app.config.get("SEARCH_LOG_DAYS") or 90)
    cutoff = today - timedelta(days=keep)
    last = rolled_through()
    if last is None:
        return 0
    before = day_start(min(cutoff, last + timedelta(days=1)))
    old = (db.session.scalar(select(SearchLog.id).where(SearchLog.created_at < before).limit(1))
           or db.session.scalar(select(SearchClick.id).where(SearchClick.created_at < before).limit(1)))
    if old is None:
        return 0  # nothing to delete: no write transaction every time the job runs
    with transaction():
        removed = db.session.execute(delete(SearchLog).where(SearchLog.created_at < before)).rowcount
        db.session.execute(delete(SearchClick).where(SearchClick.created_at < before))
    return int(removed or 0)


def _earliest_raw_day() -> date | None:
    first = db.session.scalar(select(func.min(SearchLog.created_at)))
    return first.date() if first is not None else None
