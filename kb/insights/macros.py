"""The macros report: uses over time, every shared macro's uses and last use, the ones never or
rarely used in the range, and the ones flagged by their links to articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from kb.extensions import db
from kb.insights.ranges import DateRange, as_date, day_of
from kb.macros import links
from kb.models import Document, MacroUse, Revision
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
    start, end = span.bounds()
    rows = {r.id: MacroRow(r.id, r.slug, r.title) for r in db.session.execute(
        select(Document.id, Document.slug, Revision.title)
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.kind == MACRO, Document.owner_id.is_(None)))}
    in_range = (MacroUse.created_at >= start, MacroUse.created_at < end)
    for document_id, uses in db.session.execute(
            select(MacroUse.document_id, func.count()).where(*in_range)
            .group_by(MacroUse.document_id)):
        if document_id in rows:
            rows[document_id].uses = int(uses)
    for document_id, last in db.session.execute(
            select(MacroUse.document_id, func.max(MacroUse.created_at))
            .where(MacroUse.document_id.in_(list(rows) or [0])).group_by(MacroUse.document_id)):
        rows[document_id].last_used_at = last
    day = day_of(MacroUse.created_at)
    per_day = {as_date(d): int(n) for d, n in db.session.execute(
        select(day, func.count()).where(*in_range, MacroUse.document_id.in_(
            select(Document.id).where(Document.owner_id.is_(None)))).group_by(day))}
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
