"""What the insights reports read: clicks on search results and the daily roll-ups.

Raw search rows (:class:`~kb.models.activity.SearchLog`) and clicks are kept for
``KB_SEARCH_LOG_DAYS``; the daily tables here are kept for good, so a report over any range
reads a few rows per day instead of every search that was ever made.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kb.extensions import db
from kb.models.activity import BigIntId
from kb.models.types import UTCDateTime, utcnow


class SearchClick(db.Model):
    """A reader followed a search result: which search (its ``burst`` key), which document, at
    which rank. No foreign keys: a click must outlive a deleted personal macro, and a search
    row may still be on its way to the database when the click arrives."""

    __tablename__ = "search_clicks"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    burst: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[int] = mapped_column(Integer)
    #: 1 for the first result on the first page.
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchDaily(db.Model):
    """One query's searches on one day, in one scope (``public`` or ``staff``)."""

    __tablename__ = "search_daily"
    __table_args__ = (
        UniqueConstraint("day", "scope", "query"),
        Index("ix_search_daily_query_day", "query", "day"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(24))
    query: Mapped[str] = mapped_column(String(256))
    searches: Mapped[int] = mapped_column(Integer, default=0)
    #: Searches that found nothing.
    zero_results: Mapped[int] = mapped_column(Integer, default=0)
    #: Searches with at least one click, and the sum of their first click's rank.
    clicked: Mapped[int] = mapped_column(Integer, default=0)
    rank_sum: Mapped[int] = mapped_column(Integer, default=0)
    #: Sum of the result counts, for the average number of results.
    result_sum: Mapped[int] = mapped_column(Integer, default=0)


class SearchDocumentDaily(db.Model):
    """How often a document was shown in search results (impressions) and followed (clicks)."""

    __tablename__ = "search_document_daily"
    #: Each report reads its range from this index alone.
    __table_args__ = (Index("ix_search_document_daily_covering",
                            "day", "document_id", "impressions", "clicks"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    impressions: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class ArticleViewDaily(db.Model):
    """Views of an article's page per day: a counter, nothing about who read it."""

    __tablename__ = "article_view_daily"
    #: Each report reads its range from this index alone.
    __table_args__ = (Index("ix_article_view_daily_covering", "day", "document_id", "views"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    views: Mapped[int] = mapped_column(Integer, default=0)
