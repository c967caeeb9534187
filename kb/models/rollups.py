"""The tiers the insights reports read instead of raw rows.

Each per-day table has a per-month companion (``month`` is the month's first day), so a report
over a year reads about twelve rows per query or document instead of 365. Search sums are
rolled up by the scheduled job (:mod:`kb.insights.rollup`); votes, macro uses and article views
are counted into their day and month as they happen (:mod:`kb.tallies`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.extensions import db


class SearchMonthly(db.Model):
    """:class:`~kb.models.insights.SearchDaily` summed per month: the month's rolled-up days."""

    __tablename__ = "search_monthly"
    __table_args__ = (Index("ix_search_monthly_query_month", "query", "month"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    query: Mapped[str] = mapped_column(String(256), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_results: Mapped[int] = mapped_column(Integer, default=0)
    clicked: Mapped[int] = mapped_column(Integer, default=0)
    rank_sum: Mapped[int] = mapped_column(Integer, default=0)
    result_sum: Mapped[int] = mapped_column(Integer, default=0)


class SearchVolumeDaily(db.Model):
    """All searches of a day in one scope: the volume chart reads two rows a day."""

    __tablename__ = "search_volume_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_results: Mapped[int] = mapped_column(Integer, default=0)


class SearchDocumentMonthly(db.Model):
    """:class:`~kb.models.insights.SearchDocumentDaily` summed per month."""

    __tablename__ = "search_document_monthly"
    __table_args__ = (Index("ix_search_document_monthly_covering",
                            "month", "document_id", "impressions", "clicks"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    impressions: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class ArticleViewMonthly(db.Model):
    """Views of an article's page per month, counted with the day's."""

    __tablename__ = "article_view_monthly"
    __table_args__ = (Index("ix_article_view_monthly_covering", "month", "document_id", "views"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    views: Mapped[int] = mapped_column(Integer, default=0)


class FeedbackDaily(db.Model):
    """Readers' votes standing on a day (a vote is dated by its reader's last answer, so a
    changed vote moves from its old day to the new one)."""

    __tablename__ = "feedback_daily"
    __table_args__ = (Index("ix_feedback_daily_covering",
                            "day", "document_id", "helpful", "not_helpful", "comments"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    not_helpful: Mapped[int] = mapped_column(Integer, default=0)
    #: Votes that carry a comment.
    comments: Mapped[int] = mapped_column(Integer, default=0)


class FeedbackMonthly(db.Model):
    __tablename__ = "feedback_monthly"
    __table_args__ = (Index("ix_feedback_monthly_covering",
                            "month", "document_id", "helpful", "not_helpful", "comments"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    not_helpful: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)


class MacroUseDaily(db.Model):
    """Uses of a macro per day (copies and renders), counted with each use."""

    __tablename__ = "macro_use_daily"
    __table_args__ = (Index("ix_macro_use_daily_covering", "day", "document_id", "uses"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class MacroUseMonthly(db.Model):
    __tablename__ = "macro_use_monthly"
    __table_args__ = (Index("ix_macro_use_monthly_covering", "month", "document_id", "uses"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    uses: Mapped[int] = mapped_column(Integer, default=0)
