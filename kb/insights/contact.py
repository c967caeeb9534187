"""The contact report: how many people started a request, how many the help center answered
first (deflected), how many sent one; per topic and per day, the articles that deflect most and
the topics that never deflect.

Counted by the day a form session started (sent: the day the request was stored). A session is
deflected when it opened a suggested article and no request followed within
``KB_CONTACT_DEFLECTION_MINUTES`` of its last opening; one still inside that window is
``waiting``. Reads the raw rows (a few per visit to the form; none hold personal data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select

from kb.extensions import db
from kb.insights.ranges import DateRange, as_date, day_of
from kb.models import Category, ContactFormSession, ContactRequest, Document, Revision
from kb.models.types import utcnow

#: The name shown for requests sent without a topic.
NO_TOPIC = "Something else"


@dataclass
class Counts:
    started: int = 0
    deflected: int = 0
    sent: int = 0
    waiting: int = 0

    @property
    def rate(self) -> float | None:
        """Deflected sessions out of those that ended (deflected or sent)."""
        ended = self.deflected + self.sent
        return self.deflected / ended if ended else None


@dataclass
class TopicRow(Counts):
    topic: str = ""
    name: str = NO_TOPIC


@dataclass
class DayRow(Counts):
    day: date = date.min


@dataclass
class ArticleRow:
    id: int
    slug: str
    title: str
    deflections: int


@dataclass
class ContactReport:
    range: DateRange
    totals: Counts = field(default_factory=Counts)
    days: list[DayRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    articles: list[ArticleRow] = field(default_factory=list)
    never_deflect: list[TopicRow] = field(default_factory=list)


def window() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("CONTACT_DEFLECTION_MINUTES") or 0))


def report(span: DateRange) -> ContactReport:
    start, end = span.bounds()
    cutoff = utcnow() - window()
    s = ContactFormSession
    opened_unsent = and_(s.opened_at.is_not(None), s.submitted_at.is_(None))
    deflected = and_(opened_unsent, s.opened_at <= cutoff)
    waiting = and_(opened_unsent, s.opened_at > cutoff)
    in_range = (s.started_at >= start, s.started_at < end)
    day = day_of(s.started_at)
    names = {slug: title for slug, title in db.session.execute(
        select(Category.slug, Category.title).order_by(Category.position, Category.title))}
    by_day: dict[date, DayRow] = {d: DayRow(day=d) for d in span.days}
    by_topic: dict[str, TopicRow] = {slug: TopicRow(topic=slug, name=name)
                                     for slug, name in names.items()}

    def topic_row(slug: str) -> TopicRow:
        if slug not in by_topic:
            by_topic[slug] = TopicRow(topic=slug, name=names.get(slug) or slug or NO_TOPIC)
        return by_topic[slug]

    found = ContactReport(span)
    for d, topic, started, n_deflected, n_waiting in db.session.execute(
            select(day, s.topic, func.count(), func.sum(case((deflected, 1), else_=0)),
                   func.sum(case((waiting, 1), else_=0)))
            .where(*in_range).group_by(day, s.topic)):
        for row in (by_day.setdefault(as_date(d), DayRow(day=as_date(d))), topic_row(topic or ""),
                    found.totals):
            row.started += int(started)
            row.deflected += int(n_deflected or 0)
            row.waiting += int(n_waiting or 0)
    r = ContactRequest
    sent_day = day_of(r.created_at)
    for d, topic, sent in db.session.execute(
            select(sent_day, r.topic, func.count())
            .where(r.created_at >= start, r.created_at < end).group_by(sent_day, r.topic)):
        for row in (by_day.setdefault(as_date(d), DayRow(day=as_date(d))), topic_row(topic or ""),
                    found.totals):
            row.sent += int(sent)
    found.days = [by_day[d] for d in sorted(by_day)]
    found.topics = sorted(by_topic.values(), key=lambda t: (-t.started - t.sent, t.name.lower()))
    found.never_deflect = sorted((t for t in by_topic.values() if t.deflected == 0 and t.topic),
                                 key=lambda t: (-t.sent, t.name.lower()))
    found.articles = [ArticleRow(int(i), slug, title or slug, int(n)) for i, slug, title, n in
                      db.session.execute(
                          select(s.opened_document_id, Document.slug, Revision.title, func.count())
                          .join(Document, Document.id == s.opened_document_id)
                          .outerjoin(Revision, Revision.id == Document.published_revision_id)
                          .where(*in_range, deflected)
                          .group_by(s.opened_document_id, Document.slug, Revision.title)
                          .order_by(func.count().desc(), Document.slug).limit(20))]
    return found
