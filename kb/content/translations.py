"""Translations: a translation is a document of its own, tied to its source.

Each translation has its own revisions, review workflow, publication state and slug, so every
rule that applies to a document applies to it unchanged. What this module adds is the tie: a
source (in the default locale) has at most one translation per other locale, and a
translation is *outdated* while the source's live revision says something other than the
source revision it was last confirmed against (set when the translation is created and each
time it goes live).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from kb import locales
from kb.errors import ConflictError, NotFoundError, ValidationError
from kb.extensions import db
from kb.models import Document, Revision


def check_new(kind: str, source_id: int, locale: str) -> Document:
    """The source a new ``locale`` translation may be made of (inside the caller's transaction).

    :raises NotFoundError: no such source.
    :raises ValidationError: the source is itself a translation, personal, or ``locale`` is
        the default one.
    :raises ConflictError: the source already has a translation in ``locale``.
    """
    source = db.session.get(Document, source_id) if isinstance(source_id, int) else None
    if source is None or source.kind != kind:
        raise NotFoundError(f"no {kind} with id {source_id!r} to translate")
    if source.translation_of_id is not None or source.locale != locales.default():
        raise ValidationError(f"translate the {locales.default()} source, not a translation",
                              field="translation_of")
    if source.owner_id is not None:
        raise ValidationError("personal macros are not translated", field="translation_of")
    if locale == source.locale:
        raise ValidationError(f"{locale} is the source's own locale", field="locale")
    taken = db.session.scalar(select(Document.id).where(
        Document.translation_of_id == source.id, Document.locale == locale))
    if taken is not None:
        raise ConflictError(f"this {kind} already has a {locale} translation (id {taken})")
    return source


def confirm(document: Document) -> None:
    """A translation going live was checked against its source's live text: note which."""
    if document.translation_of_id is not None:
        source = db.session.get(Document, document.translation_of_id)
        document.source_revision_id = source.published_revision_id if source else None


def source_of(document: Document) -> Document:
    """The source of a translation; the document itself for a source."""
    if document.translation_of_id is None:
        return document
    return db.session.get(Document, document.translation_of_id) or document


def family(document: Document) -> list[Document]:
    """The source and every translation of it, the source first, then by locale."""
    source = source_of(document)
    others = db.session.execute(
        select(Document).where(Document.translation_of_id == source.id).order_by(Document.locale)
    ).unique().scalars().all()
    return [source, *others]


def in_locale(document: Document, locale: str) -> Document | None:
    """The member of the document's family written in ``locale``, if any."""
    return next((member for member in family(document) if member.locale == locale), None)


@dataclass(frozen=True)
class SourceChange:
    """What changed in the source since a translation was confirmed: two source revisions."""

    source: Document
    confirmed: Revision
    live: Revision


def source_change(document: Document) -> SourceChange | None:
    """How a translation is behind its source, or None while it is up to date (and for a
    source, or a translation never confirmed against a live source revision)."""
    if document.translation_of_id is None or document.source_revision_id is None:
        return None
    source = db.session.get(Document, document.translation_of_id)
    if source is None or source.published_revision_id in (None, document.source_revision_id):
        return None
    confirmed = db.session.get(Revision, document.source_revision_id)
    live = source.published
    if confirmed is None or live is None:
        return None
    if confirmed.title == live.title and confirmed.body == live.body:
        return None  # republished with the same words (a tag, a section): nothing to translate
    return SourceChange(source, confirmed, live)


def outdated(document: Document) -> bool:
    return source_change(document) is not None


def outdated_select():
    """``SELECT documents.id`` of every outdated translation: the rule of :func:`source_change`
    as one query, for lists and filters (narrow it with ``.where``)."""
    source, confirmed, live = aliased(Document), aliased(Revision), aliased(Revision)
    return (select(Document.id)
            .join(source, source.id == Document.translation_of_id)
            .join(confirmed, confirmed.id == Document.source_revision_id)
            .join(live, live.id == source.published_revision_id)
            .where(live.id != confirmed.id, or_(live.title != confirmed.title, live.body != confirmed.body)))


def outdated_ids(ids) -> set[int]:
    """The outdated translations among the documents ``ids`` (one query, for lists)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(outdated_select().where(Document.id.in_(ids))))
