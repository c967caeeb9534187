"""Read-side queries for documents. No writes, no commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kb import locales, permissions, validation
from kb.errors import NotFoundError
from kb.extensions import db
from kb.models import Category, Document, Revision, Section, SlugRedirect, User
from kb.models.content import ARTICLE


def get_document(kind: str, document_id: int) -> Document:
    """:raises NotFoundError: no such document of that kind."""
    validation.identifier(document_id, f"{kind} with id")
    document = db.session.execute(
        select(Document).where(Document.id == document_id, Document.kind == kind)
    ).unique().scalar_one_or_none()
    if document is None:
        raise NotFoundError(f"no {kind} with id {document_id}")
    return document


def find_by_slug(kind: str, slug: str, locale: str | None = None) -> tuple[Document | None, str | None]:
    """The document with this slug in ``locale`` (the default one unless given), or the slug
    it moved to (for a permanent redirect)."""
    if not validation.is_key(slug):
        return None, None
    locale = locale or locales.default()
    document = db.session.execute(
        select(Document).where(Document.kind == kind, Document.locale == locale, Document.slug == slug)
    ).unique().scalar_one_or_none()
    if document is not None:
        return document, None
    target = moved_to(kind, slug, locale)
    return None, target.slug if target else None


def moved_to(kind: str, old_slug: str, locale: str | None = None) -> Document | None:
    """The document that once had ``old_slug`` in ``locale`` (the default one unless given),
    whoever may read it (callers must ask)."""
    if not validation.is_key(old_slug):
        return None
    redirect = db.session.execute(
        select(SlugRedirect).where(SlugRedirect.kind == kind,
                                   SlugRedirect.locale == (locale or locales.default()),
                                   SlugRedirect.slug == old_slug)
    ).scalar_one_or_none()
    return db.session.get(Document, redirect.document_id) if redirect else None


def list_documents(actor: permissions.Actor, kind: str, status: str | None = None,
                   limit: int = 50, offset: int = 0, locale: str | None = None) -> tuple[int, list[Document]]:
    """A page of the documents the actor may list (in ``locale`` when given), newest change first."""
    query = permissions.visible_documents(actor, kind)
    if locale is not None:
        query = query.where(Document.locale == locale)
    if status and permissions.is_staff(actor):
        query = query.join(Revision, Revision.id == Document.latest_revision_id).where(Revision.state == status)
    elif status and status != "published":
        query = query.where(False)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(
        query.order_by(Document.updated_at.desc(), Document.id.desc()).limit(limit).offset(offset)
    ).unique().scalars().all()
    return total or 0, list(rows)


def revisions(document: Document) -> list[Revision]:
    return list(db.session.execute(
        select(Revision).where(Revision.document_id == document.id)
        .options(joinedload(Revision.author)).order_by(Revision.number.desc())
    ).scalars())


def revision(document: Document, number: int) -> Revision:
    """:raises NotFoundError: no such revision."""
    validation.identifier(number, f"revision of {document.kind} {document.id} numbered")
    found = db.session.execute(
        select(Revision).where(Revision.document_id == document.id, Revision.number == number)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"{document.kind} {document.id} has no revision {number}")
    return found


@dataclass
class SectionListing:
    section: Section
    articles: list[tuple[Document, Revision]]


@dataclass
class CategoryListing:
    category: Category
    sections: list[SectionListing]

    @property
    def article_count(self) -> int:
        return sum(len(s.articles) for s in self.sections)


def help_center_tree(actor: permissions.Actor = None, locale: str | None = None) -> list[CategoryListing]:
    """Categories, their sections and the published articles the actor may read, for the home
    page: those in ``locale`` (the default one unless given), and the default locale's where
    ``locale`` has no readable translation. Articles come in their section's order: position,
    then title."""
    default = locales.default()
    locale = locale or default
    rows = db.session.execute(
        select(Document, Revision)
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.kind == ARTICLE, Document.owner_id.is_(None), Revision.section_id.is_not(None),
               Document.locale.in_({locale, default}))
        .order_by(Revision.position, Revision.title, Document.id)
    ).unique().all()
    readable_rows = [(d, r) for d, r in rows if permissions.readable_published(actor, d) is not None]
    translated = {d.translation_of_id for d, _ in readable_rows if d.locale != default}
    by_section: dict[int, list[tuple[Document, Revision]]] = {}
    for document, rev in readable_rows:
        if document.locale == locale or document.id not in translated:
            by_section.setdefault(rev.section_id, []).append((document, rev))
    listings = []
    for category in db.session.execute(select(Category).order_by(Category.position, Category.title)).scalars():
        sections = [SectionListing(s, by_section[s.id]) for s in category.sections if s.id in by_section]
        if sections:
            listings.append(CategoryListing(category, sections))
    return listings


def published_public_articles() -> list[tuple[Document, Revision]]:
    """Every article an anonymous reader may open (the sitemap)."""
    return list(db.session.execute(permissions.sitemap_articles().order_by(Document.slug)).unique().all())


def due_for_review(owner: User | None = None, today: date | None = None) -> list[tuple[Document, Revision]]:
    """Published documents whose ``review_by`` date has passed, oldest first."""
    today = today or date.today()
    query = (
        select(Document, Revision)
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Revision.review_by.is_not(None), Revision.review_by <= today, Document.owner_id.is_(None))
        .order_by(Revision.review_by)
    )
    if owner is not None:
        query = query.where(Document.created_by_id == owner.id)
    return list(db.session.execute(query).unique().all())
