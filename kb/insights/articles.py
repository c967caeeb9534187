"""The articles report: views, votes, readers' comments, search impressions and clicks, and the
review date, per article for a date range; plus marking a comment handled.

Views, votes and comments come from their counters per day and month (a vote is dated by its
reader's last answer), impressions and clicks from the search tiers and the raw rows not rolled
up yet (:mod:`kb.insights.tiers`). Only the open comments list reads the votes themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from kb import permissions, validation
from kb.database import transaction
from kb.errors import NotFoundError, ValidationError
from kb.extensions import db
from kb.insights import events, rollup, tiers
from kb.insights.ranges import DateRange, day_start, today
from kb.models import Document, Feedback, Revision, User
from kb.models.content import ARTICLE
from kb.models.types import utcnow

SORTS = ("views", "helpful", "not_helpful", "ratio", "comments", "impressions", "clicks",
         "review_by", "title")
#: Votes an article needs before its helpful ratio counts as "least helpful".
MIN_VOTES = 3
#: Rows in the "least helpful" and "most viewed but stale" lists.
AT_HAND = 5


@dataclass
class ArticleRow:
    id: int
    slug: str
    title: str
    status: str
    visibility: str
    review_by: date | None
    views: int = 0
    helpful: int = 0
    not_helpful: int = 0
    comments: int = 0
    impressions: int = 0
    clicks: int = 0

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def ratio(self) -> float | None:
        """Helpful votes over all votes, 0 to 1; None without votes."""
        return self.helpful / self.votes if self.votes else None

    @property
    def stale(self) -> bool:
        return self.review_by is not None and self.review_by <= today()


@dataclass
class Comment:
    id: int
    document_id: int
    title: str
    helpful: bool
    text: str
    created_at: datetime


@dataclass
class ArticleReport:
    range: DateRange
    sort: str
    rows: list[ArticleRow] = field(default_factory=list)
    least_helpful: list[ArticleRow] = field(default_factory=list)
    stale_most_viewed: list[ArticleRow] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


def parse_sort(value: str | None) -> str:
    """:raises ValidationError: not one of :data:`SORTS`."""
    if not value:
        return "views"
    if value not in SORTS:
        raise ValidationError(f"sort must be one of {', '.join(SORTS)}", field="sort")
    return value


def report(span: DateRange, sort: str = "views") -> ArticleReport:
    events.flush_all()
    rows = _articles()
    for document_id, views in _summed(tiers.VIEWS, span.start, span.end):
        if document_id in rows:
            rows[document_id].views = int(views)
    for document_id, yes, no, comments in _summed(tiers.VOTES, span.start, span.end):
        if document_id in rows:
            row = rows[document_id]
            row.helpful, row.not_helpful, row.comments = int(yes), int(no), int(comments)
    for document_id, (impressions, clicks) in _search_sums(span).items():
        if document_id in rows:
            rows[document_id].impressions, rows[document_id].clicks = impressions, clicks
    found = ArticleReport(span, sort, rows=_sorted(list(rows.values()), sort))
    found.least_helpful = least_helpful(list(rows.values()), AT_HAND)
    stale = [r for r in rows.values() if r.stale and r.status == "published"]
    found.stale_most_viewed = sorted(stale, key=lambda r: (-r.views, r.title))[:AT_HAND]
    found.comments = open_comments(span)
    return found


def least_helpful(rows: list[ArticleRow], limit: int) -> list[ArticleRow]:
    """The articles with the lowest helpful ratio among those with :data:`MIN_VOTES` votes."""
    voted = [r for r in rows if r.votes >= MIN_VOTES]
    return sorted(voted, key=lambda r: (r.ratio, -r.votes, r.title))[:limit]


def _articles() -> dict[int, ArticleRow]:
    """Every shared article, with its published revision's fields (else its latest's)."""
    shown = func.coalesce(Document.published_revision_id, Document.latest_revision_id)
    rows = db.session.execute(
        select(Document.id, Document.slug, Revision.title, Revision.state, Revision.visibility,
               Revision.review_by, Document.published_revision_id)
        .join(Revision, Revision.id == shown)
        .where(Document.kind == ARTICLE, Document.owner_id.is_(None)))
    return {r.id: ArticleRow(r.id, r.slug, r.title,
                             "published" if r.published_revision_id else r.state,
                             r.visibility, r.review_by) for r in rows}


def _search_sums(span: DateRange) -> dict[int, tuple[int, int]]:
    last = rollup.rolled_through()
    sums: dict[int, list[int]] = {}
    if last is not None and last >= span.start:
        for document_id, impressions, clicks in _summed(tiers.SEARCH_DOCUMENTS, span.start,
                                                        min(last, span.end)):
            sums[document_id] = [int(impressions), int(clicks)]
    raw_start = span.start if last is None else max(span.start, last + timedelta(days=1))
    if raw_start <= span.end:
        raw = rollup.document_sums(day_start(raw_start), day_start(span.end + timedelta(days=1)))
        for document_id, (impressions, clicks) in raw.items():
            total = sums.setdefault(document_id, [0, 0])
            total[0] += impressions
            total[1] += clicks
    return {i: (v[0], v[1]) for i, v in sums.items()}


def _summed(tier: tiers.Tier, start: date, end: date):
    """Each document's sums of ``tier`` over [start, end]."""
    found = tiers.rows(tier, start, end)
    if found is None:
        return []
    return db.session.execute(
        select(found.c.document_id, *(func.sum(found.c[n]) for n in tier.sums))
        .group_by(found.c.document_id))


def _sorted(rows: list[ArticleRow], sort: str) -> list[ArticleRow]:
    if sort == "title":
        return sorted(rows, key=lambda r: r.title.lower())
    if sort == "review_by":
        return sorted(rows, key=lambda r: (r.review_by is None, r.review_by or date.max, r.title))
    if sort == "ratio":
        return sorted(rows, key=lambda r: (r.ratio is None, r.ratio or 0, -r.votes, r.title))
    return sorted(rows, key=lambda r: (-getattr(r, sort), r.title.lower()))


def open_comments(span: DateRange, limit: int = 50) -> list[Comment]:
    """Readers' comments in the range not yet marked handled, newest first."""
    start, end = span.bounds()
    rows = db.session.execute(
        select(Feedback.id, Feedback.document_id, Revision.title, Feedback.helpful,
               Feedback.comment, Feedback.created_at)
        .join(Document, Document.id == Feedback.document_id)
        .join(Revision, Revision.id == func.coalesce(Document.published_revision_id,
                                                    Document.latest_revision_id))
        .where(Feedback.comment != "", Feedback.handled_at.is_(None),
               Feedback.created_at >= start, Feedback.created_at < end)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit))
    return [Comment(*row) for row in rows]


def mark_handled(actor: User | None, feedback_id: int) -> None:
    """Take a reader's comment off the list (editors and up).

    :raises NotFoundError: no comment has this id.
    """
    permissions.require_insights_reader(actor)
    with transaction():
        vote = db.session.get(Feedback, validation.identifier(feedback_id, "comment with id"))
        if vote is None or not vote.comment:
            raise NotFoundError("no such comment")
        vote.handled_at = utcnow()
