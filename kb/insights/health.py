"""Content health: one list of what needs attention now.

- review due: published articles and macros whose ``review_by`` date has come;
- unhelpful: articles most readers found unhelpful lately;
- zero-result topics: what readers searched for lately and did not find;
- macro links: macros whose linked article is gone, moved or changed since it was checked;
- stale drafts: work in progress nobody has touched for a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from kb.extensions import db
from kb.insights import articles, searches
from kb.insights.ranges import DateRange, today
from kb.macros import links
from kb.models import Document, Revision
from kb.models.types import utcnow

#: The window for "unhelpful" and "zero-result topics".
RECENT_DAYS = 30
#: A draft untouched this long is stale.
STALE_DRAFT_DAYS = 30
#: Below this share of helpful votes (with at least ``articles.MIN_VOTES`` votes) an article
#: counts as unhelpful.
UNHELPFUL_BELOW = 0.5
WORK_IN_PROGRESS = ("draft", "changes_requested")


@dataclass
class Due:
    id: int
    kind: str
    slug: str
    title: str
    review_by: date | None = None
    updated_at: datetime | None = None
    state: str = ""


@dataclass
class Health:
    review_due: list[Due] = field(default_factory=list)
    unhelpful: list[articles.ArticleRow] = field(default_factory=list)
    zero_results: list[searches.QueryRow] = field(default_factory=list)
    flagged: list[tuple[Due, list[links.LinkFlag]]] = field(default_factory=list)
    stale_drafts: list[Due] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (len(self.review_due) + len(self.unhelpful) + len(self.zero_results)
                + len(self.flagged) + len(self.stale_drafts))


def report(limit: int = 50) -> Health:
    recent = DateRange(today() - timedelta(days=RECENT_DAYS - 1), today())
    found = Health()
    found.review_due = review_due(today(), limit)
    rows = articles.report(recent).rows
    found.unhelpful = sorted(
        (r for r in rows if r.votes >= articles.MIN_VOTES and r.ratio < UNHELPFUL_BELOW),
        key=lambda r: (r.ratio, -r.votes, r.title))[:limit]
    found.zero_results = searches.report(recent, limit=limit).zero_results
    shared = select(Document).where(Document.owner_id.is_(None))
    found.flagged = [(Due(d.id, d.kind, d.slug, d.published.title), flags)
                     for d, flags in links.flagged(shared)][:limit]
    found.stale_drafts = stale_drafts(limit)
    return found


def review_due(day: date, limit: int = 50) -> list[Due]:
    """Published shared documents whose review date is ``day`` or earlier, oldest first."""
    rows = db.session.execute(
        select(Document.id, Document.kind, Document.slug, Revision.title, Revision.review_by)
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.owner_id.is_(None), Revision.review_by.is_not(None),
               Revision.review_by <= day)
        .order_by(Revision.review_by, Document.id).limit(limit))
    return [Due(*row) for row in rows]


def stale_drafts(limit: int = 50) -> list[Due]:
    """Shared documents whose latest revision is work in progress, untouched for a month."""
    before = utcnow() - timedelta(days=STALE_DRAFT_DAYS)
    rows = db.session.execute(
        select(Document.id, Document.kind, Document.slug, Revision.title, Revision.review_by,
               Revision.created_at, Revision.state)
        .join(Revision, Revision.id == Document.latest_revision_id)
        .where(Document.owner_id.is_(None), Revision.state.in_(WORK_IN_PROGRESS),
               Revision.created_at < before)
        .order_by(Revision.created_at, Document.id).limit(limit))
    return [Due(*row) for row in rows]
