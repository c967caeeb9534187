"""The macros report: uses over time, every shared macro's uses and last use, the ones never or
rarely used in the range, and the ones flagged by their links to articles.

Uses are read from their counters per day and month (:mod:`kb.insights.tiers`); the last use of
each macro from the uses themselves, one index probe per macro."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from kb.extensions import db
from kb.insights import tiers
from kb.insights.ranges import DateRange, as_date
from kb.macros import links
from kb.models import Document, MacroUse, MacroUseDaily, Revision
from kb.models.content import MACRO

#: Uses in the range at or under which a macro counts as rarely used.
RARELY = 1


@dataclass
class MacroRow:
    id: int
    slug: str
    title: str
    uses: int = 0
    last_used_at: datetime | None = None


@dataclass
class MacroReport:
    range: DateRange
    total: int = 0
    volume: list[tuple[date, int]] = field(default_factory=list)
    rows: list[MacroRow] = field(default_factory=list)
    rarely_used: list[MacroRow] = field(default_factory=list)
    flagged: list[tuple[MacroRow, list[links.LinkFlag]]] = field(default_factory=list)


def report(span: DateRange) -> MacroReport:
    last_use = (select(func.max(MacroUse.created_at)).where(MacroUse.document_id == Document.id)
                .scalar_subquery())  # one index probe per macro (document_id, created_at)
    rows = {r.id: MacroRow(r.id, r.slug, r.title, last_used_at=r.last) for r in db.session.execute(
        select(Document.id, Document.slug, Revision.title, last_use.label("last"))
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.kind == MACRO, Document.owner_id.is_(None)))}
    used = tiers.rows(tiers.USES, span.start, span.end)
    if used is not None:
        for document_id, uses in db.session.execute(
                select(used.c.document_id, func.sum(used.c.uses)).group_by(used.c.document_id)):
            if document_id in rows:
                rows[document_id].uses = int(uses)
    shared = select(Document.id).where(Document.owner_id.is_(None))
    per_day = {as_date(d): int(n) for d, n in db.session.execute(
        select(MacroUseDaily.day, func.sum(MacroUseDaily.uses))
        .where(MacroUseDaily.day.between(span.start, span.end),
               MacroUseDaily.document_id.in_(shared))
        .group_by(MacroUseDaily.day))}
    found = MacroReport(span)
    found.volume = [(d, per_day.get(d, 0)) for d in span.days]
    found.total = sum(n for _, n in found.volume)
    found.rows = sorted(rows.values(), key=lambda r: (-r.uses, r.title.lower()))
    found.rarely_used = sorted((r for r in rows.values() if r.uses <= RARELY),
                               key=lambda r: (r.uses, r.last_used_at is not None,
                                              r.last_used_at or datetime.min, r.title.lower()))
    shared = select(Document).where(Document.owner_id.is_(None))
    found.flagged = [(rows.get(d.id) or MacroRow(d.id, d.slug, d.published.title), flags)
                     for d, flags in links.flagged(shared)]
    return found
