"""Slugs of documents: picking a free one, and renaming when a revision goes live.

A slug is part of a revision (see :class:`~kb.models.Revision`): saving a draft with a new slug
only checks that the slug is free; the live URL moves when that revision is published, and
every older slug keeps answering with a permanent redirect to the current one.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from kb.records import audit, index_event
from kb.content.slugs import slugify
from kb.errors import SlugTakenError
from kb.extensions import db
from kb.models import Document, Revision, SlugRedirect, User

#: Room left for a ``-N`` suffix within the longest slug.
MAX_SLUG_BASE = 72


def free_slug(kind: str, wanted: str, locale: str) -> str:
    """The slug for ``wanted`` in ``locale``, suffixed ``-2``, ``-3``… when taken there (now or
    as a redirect). Slugs are unique per locale: a translation may keep its source's slug."""
    base = slugify(wanted)
    candidate, n = base, 1
    while _slug_taken(kind, candidate, locale):
        n += 1
        candidate = f"{base[:MAX_SLUG_BASE]}-{n}"
    return candidate


def _slug_taken(kind: str, slug: str, locale: str) -> bool:
    return bool(db.session.scalar(select(or_(
        exists().where(Document.kind == kind, Document.locale == locale, Document.slug == slug),
        exists().where(SlugRedirect.kind == kind, SlugRedirect.locale == locale, SlugRedirect.slug == slug),
    ))))


def check_slug_free(document: Document, slug: str) -> None:
    """:raises SlugTakenError: another document of the kind lives at ``slug``.

    An old slug that only redirects does not block: the document taking it over answers there.
    """
    clash = db.session.scalar(select(Document.id).where(
        Document.kind == document.kind, Document.locale == document.locale, Document.slug == slug,
        Document.id != document.id))
    if clash is not None:
        raise SlugTakenError(
            f"the slug {slug!r} is used by another {document.kind}; choose another", slug=slug)


def take_revision_slug(document: Document, revision: Revision, actor: User | None) -> None:
    """Give the document the slug of the revision going live (inside the caller's transaction).

    Checked again here because another document may have taken the slug since the draft was
    saved.

    :raises SlugTakenError: another document lives at the revision's slug.
    """
    if revision.slug and revision.slug != document.slug:
        change_slug(document, revision.slug, actor)


def change_slug(document: Document, wanted: str, actor: User | None) -> None:
    """Rename a document's live URL now; every older slug keeps answering with a permanent
    redirect. Called when a revision carrying a new slug is published.

    :raises SlugTakenError: the slug belongs to another document.
    """
    new = slugify(wanted)
    if new == document.slug:
        return
    check_slug_free(document, new)
    stale = db.session.execute(
        select(SlugRedirect).where(SlugRedirect.kind == document.kind,
                                   SlugRedirect.locale == document.locale, SlugRedirect.slug == new)
    ).scalar_one_or_none()
    if stale is not None:
        db.session.delete(stale)
        db.session.flush()
    db.session.add(SlugRedirect(kind=document.kind, locale=document.locale, slug=document.slug,
                                document_id=document.id))
    audit(actor, "rename", document, old=document.slug, new=new)
    document.slug = new
    index_event(document)
