"""Use cases for documents: create, save a revision, rename on publish.

Each function takes the acting user explicitly, checks permissions through
:mod:`kb.permissions`, owns its transaction and raises :class:`~kb.errors.KbError` subclasses.
One versioning mechanism serves articles and macros alike.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator, Mapping

from sqlalchemy import func, select

from kb import locales, permissions, validation
from kb.content import kinds, markdown, translations
from kb.media import store as media
from kb.records import audit, index_event
from kb.content.renames import change_slug, check_slug_free, free_slug, take_revision_slug  # noqa: F401
from kb.content.slugs import slugify, title_from_slug
from kb.database import transaction
from kb.errors import NotFoundError, StaleRevisionError, ValidationError
from kb.extensions import db
from kb.models import Category, Document, Revision, Section, User
from kb.models.content import ARTICLE, KINDS, MACRO
from kb.models.types import utcnow

MAX_TITLE = 300
MAX_BODY = 1_000_000
MAX_TAGS = 30
MAX_TAG = 50
VISIBILITIES = ("public", "internal")
#: Bounds of an article's position: what a 32-bit integer column holds on every database.
MIN_POSITION, MAX_POSITION = -(2**31), 2**31 - 1

#: ``(category slug, section slug) -> section id`` while :func:`remembered_sections` is active.
_section_ids: contextvars.ContextVar[dict[tuple[str, str], int] | None] = contextvars.ContextVar(
    "kb_section_ids", default=None)


@dataclass(frozen=True)
class DocumentInput:
    """What an author submits for a new revision, already parsed from a form, JSON or a file."""

    title: str
    body: str
    tags: tuple[str, ...] = ()
    #: ``category-slug/section-slug`` (articles only).
    section: str | None = None
    visibility: str = "public"
    #: The URL name wanted once this revision is published; ``None`` keeps the latest one.
    slug: str | None = None
    review_by: date | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""
    #: The article's place in its section (lowest first); ``None`` keeps the latest revision's.
    position: int | None = None


def normalise_tags(tags: Any) -> tuple[str, ...]:
    """Lower-case, trimmed, unique tags in their given order.

    :raises ValidationError: tags are not a list of short strings.
    """
    if tags is None:
        return ()
    if isinstance(tags, str):
        tags = [t for t in tags.split(",")]
    if not isinstance(tags, (list, tuple)) or not all(isinstance(t, str) for t in tags):
        raise ValidationError("tags must be a list of strings", field="tags")
    seen: dict[str, None] = {}
    for tag in tags:
        clean = " ".join(validation.text(tag, "tags", multiline=False).strip().lower().split())
        if len(clean) > MAX_TAG:
            raise ValidationError(f"tag {clean[:20]!r}… is longer than {MAX_TAG} characters", field="tags")
        if clean:
            seen.setdefault(clean, None)
    if len(seen) > MAX_TAGS:
        raise ValidationError(f"at most {MAX_TAGS} tags", field="tags")
    return tuple(seen)


@dataclass(frozen=True)
class RenderedBody:
    """A body rendered ahead of its save, together with the exact text it was rendered from.

    ``kb import`` renders files in worker processes while this one writes to the database;
    carrying the body along lets the save check that the HTML belongs to what it stores.
    """

    #: The body after :func:`normalise_body`.
    body: str
    rendered: markdown.Rendered
    #: A macro's fill template, when rendered for a macro.
    fill: kinds.Prepared | None = None


def render_body(body: str, kind: str = ARTICLE) -> RenderedBody:
    """Normalise and render a body the way a save would (pure: safe in any process).

    :raises RenderRefusedError: the body cannot be rendered within the budget.
    """
    normal = normalise_body(body)
    prepare = kinds.rules_for(kind).prepare
    return RenderedBody(normal, markdown.render(normal), prepare(normal) if prepare else None)


def normalise_body(body: str) -> str:
    """One newline convention and exactly one trailing newline, so the same text from a form,
    the API or a file compares equal and an identical save makes no revision."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    return text + "\n" if text else ""


def validate_input(kind: str, data: DocumentInput) -> None:
    """The rules every revision obeys, whatever surface it came from.

    :raises ValidationError: with the offending field.
    """
    if kind not in KINDS:
        raise ValidationError(f"unknown kind {kind!r}", field="kind")
    validation.text(data.title, "title", max_length=MAX_TITLE, multiline=False)
    if not data.title or not validation.visible(data.title):
        raise ValidationError("a title is required", field="title")
    if len(data.body or "") > MAX_BODY:
        raise ValidationError("the body is larger than 1 MB", field="body")
    validation.text(data.body, "body")
    validation.text(data.message, "message", max_length=500)
    validation.text(data.slug, "slug", multiline=False, max_length=200)
    validation.text(data.section, "section", multiline=False, max_length=200)
    normalise_tags(data.tags)
    validation.values(dict(data.meta or {}), "meta")
    validation.day(data.review_by, "review_by")
    if data.position is not None and (isinstance(data.position, bool) or not isinstance(data.position, int)
                                      or not MIN_POSITION <= data.position <= MAX_POSITION):
        raise ValidationError(f"position must be a whole number from {MIN_POSITION} to {MAX_POSITION}",
                              field="position")
    if data.visibility not in VISIBILITIES:
        raise ValidationError("visibility must be public or internal", field="visibility")
    validate = kinds.rules_for(kind).validate
    if validate is not None:
        validate(data.body)


def create_document(kind: str, data: DocumentInput, actor: User | None, *,
                    personal: bool = False, create_sections: bool = False,
                    rendered: RenderedBody | None = None, origin: str = "app",
                    locale: str | None = None, translation_of: int | None = None) -> Document:
    """Create a document with its first revision, a draft (personal macros go live at once).

    ``rendered`` is ``render_body(data.body)`` done beforehand (bulk imports); without it the
    body is rendered here. ``origin`` is ``import`` for revisions written by ``kb import``.
    ``locale`` defaults to the default locale; ``translation_of`` (a source document's id)
    makes the new document that source's translation into ``locale``.

    :raises ValidationError: bad input, an unknown section or locale, or a translation that
        cannot be (see :func:`kb.content.translations.check_new`).
    """
    user = permissions.require_role(actor, permissions.Role.AGENT)
    validate_input(kind, data)
    locale = locales.check(locale) if locale is not None else locales.default()
    if personal and kind != MACRO:
        raise ValidationError("only macros can be personal", field="personal")
    if personal and (translation_of is not None or locale != locales.default()):
        raise ValidationError("personal macros are not translated", field="locale")
    if translation_of is None and locale != locales.default():
        raise ValidationError(f"a document in {locale} must be a translation of a "
                              f"{locales.default()} document", field="translation_of")
    # Rendered before the transaction: a write lock is never held while Markdown renders.
    rendered = rendered or render_body(data.body, kind)
    with transaction():
        source = translations.check_new(kind, translation_of, locale) if translation_of else None
        document = Document(kind=kind, slug=free_slug(kind, data.slug or data.title, locale),
                            owner_id=user.id if personal else None, created_by_id=user.id,
                            locale=locale, translation_of_id=source.id if source else None,
                            source_revision_id=source.published_revision_id if source else None)
        db.session.add(document)
        db.session.flush()
        revision = _append_revision(document, data, user, create_sections, rendered, origin)
        if source is not None:
            audit(user, "create", document, revision, locale=locale, translation_of=source.id)
        else:
            audit(user, "create", document, revision)
        if personal:
            go_live(document, revision, None)
    return document


def save_revision(kind: str, document_id: int, data: DocumentInput, base_revision: int,
                  actor: User | None, *, create_sections: bool = False,
                  rendered: RenderedBody | None = None, origin: str = "app") -> Document:
    """Save a new immutable revision on top of ``base_revision``.

    Identical content makes no revision. A published document keeps serving its published
    revision; the new one is a draft that goes through review. A new slug is part of the
    revision: the live URL changes only when the revision is published.

    :raises StaleRevisionError: someone saved since ``base_revision`` (nothing is written).
    :raises SlugTakenError: another document already answers at the wanted slug.
    """
    validate_input(kind, data)
    rendered = rendered or render_body(data.body, kind)  # before the write lock, as above
    with transaction():
        document = lock_document(kind, document_id)
        user = permissions.require_document_editor(actor, document)
        latest = document.latest
        if base_revision != latest.number:
            raise StaleRevisionError(
                f"revision {base_revision} is not the latest; revision {latest.number} was saved "
                f"since by {latest.author.name if latest.author else 'someone'}",
                current_revision=latest.number,
            )
        slug = revision_slug(document, data)
        if slug != document.slug:
            check_slug_free(document, slug)
        if (same_content(latest, data, _resolve_section_id(kind, data.section, create_sections), kind)
                and slug == (latest.slug or document.slug)):
            return document
        revision = _append_revision(document, data, user, create_sections, rendered, origin)
        audit(user, "edit", document, revision)
        if document.owner_id is not None:
            go_live(document, revision, None)
    return document


def lock_document(kind: str, document_id: int) -> Document:
    """Load a document for change, locking its row on PostgreSQL (SQLite locks the database).

    The row is locked by a statement of its own and only then loaded. A ``FOR UPDATE`` that
    waits for another writer re-reads the locked row but not the rows joined to it, so a
    document loaded in the locking statement could point at a latest revision it cannot see.
    """
    validation.identifier(document_id, f"{kind} with id")
    locked = db.session.execute(
        select(Document.id).where(Document.id == document_id, Document.kind == kind).with_for_update()
    ).scalar_one_or_none()
    if locked is None:
        raise NotFoundError(f"no {kind} with id {document_id}")
    return db.session.execute(
        select(Document).where(Document.id == document_id)
        .execution_options(populate_existing=True)
    ).unique().scalar_one()


def same_content(revision: Revision, data: DocumentInput, section_id: int | None,
                 kind: str = ARTICLE) -> bool:
    return (
        revision.title == data.title.strip()
        and revision.body == normalise_body(data.body)
        and tuple(revision.tags or ()) == normalise_tags(data.tags)
        and revision.section_id == section_id
        and revision.visibility == effective_visibility(kind, data.visibility)
        and revision.review_by == data.review_by
        and (revision.meta or {}) == dict(data.meta or {})
        and (data.position is None or revision.position == data.position)
    )


def copy_input(revision: Revision, message: str = "") -> DocumentInput:
    """The input that reproduces a revision's content (restore, import comparisons).

    The slug is left out: restoring old text keeps the address the document has now.
    """
    return DocumentInput(
        title=revision.title, body=revision.body, tags=tuple(revision.tags or ()),
        section=revision.section.path if revision.section else None,
        visibility=revision.visibility, review_by=revision.review_by,
        meta=dict(revision.meta or {}), message=message, position=revision.position,
    )


def append_revision(document: Document, data: DocumentInput, author: User,
                    create_sections: bool = False) -> Revision:
    """Write the next revision (inside the caller's transaction) and make it the latest."""
    return _append_revision(document, data, author, create_sections)


def revision_slug(document: Document, data: DocumentInput) -> str:
    """The slug a new revision carries: the one asked for, else the latest revision's."""
    if data.slug:
        return slugify(data.slug)
    latest = document.latest if document.latest_revision_id is not None else None
    return (latest.slug if latest is not None else None) or document.slug


def _append_revision(document: Document, data: DocumentInput, author: User,
                     create_sections: bool, prerendered: RenderedBody | None = None,
                     origin: str = "app") -> Revision:
    body = normalise_body(data.body)
    if prerendered is None:
        rendered = markdown.render(body)
    elif prerendered.body == body:
        rendered = prerendered.rendered
    else:
        raise ValueError("the pre-rendered HTML was rendered from another body")
    # A document being created has no revision yet: no need to ask for the highest number.
    number = 1 if document.latest_revision_id is None else (db.session.scalar(
        select(func.max(Revision.number)).where(Revision.document_id == document.id)) or 0) + 1
    section_id = _resolve_section_id(document.kind, data.section, create_sections)
    revision = Revision(
        document_id=document.id, number=number, title=data.title.strip(), body=body,
        html=media.with_image_sizes(rendered.html), text=rendered.text,
        outline=[[h.level, h.id, h.text] for h in rendered.headings], tags=list(normalise_tags(data.tags)),
        section_id=section_id,
        visibility=effective_visibility(document.kind, data.visibility),
        review_by=data.review_by, meta=dict(data.meta or {}), author_id=author.id,
        position=_position(document, data),
        message=data.message[:500], state="draft", origin=origin,
        slug=document.slug if number == 1 else revision_slug(document, data),
    )
    prepare = kinds.rules_for(document.kind).prepare
    if prepare is not None:
        template = prerendered.fill if prerendered and prerendered.fill else prepare(body)
        revision.fill_marker, revision.fill_template = template.marker, template.html
    db.session.add(revision)
    db.session.flush()
    media.record_uses(revision)
    document.latest = revision
    if number > 1:  # a new document's updated_at is already its creation time
        document.updated_at = utcnow()
    return revision


def _position(document: Document, data: DocumentInput) -> int:
    """The position asked for, else the latest revision's (an edit that does not name one keeps it)."""
    if data.position is not None:
        return data.position
    latest = document.latest if document.latest_revision_id is not None else None
    return latest.position if latest is not None else 0


#: Macros are for staff only, whatever the input says (the rule is :mod:`kb.permissions`').
effective_visibility = permissions.effective_visibility


def go_live(document: Document, revision: Revision, actor: User | None) -> None:
    """Make ``revision`` what readers see, under the slug it carries (inside the caller's
    transaction). The one way anything is published: the review workflow's publish step, and
    each save of a personal macro, which skips review.

    :raises ConflictError: another document took the revision's slug since it was saved.
    """
    take_revision_slug(document, revision, actor)
    revision.state = "published"
    revision.publish_at = None
    document.published = revision
    translations.confirm(document)
    document.updated_at = utcnow()
    went_live = kinds.rules_for(document.kind).went_live
    if went_live is not None:
        went_live(document, revision)
    index_event(document)


@contextmanager
def remembered_sections() -> Iterator[dict[tuple[str, str], int]]:
    """Look each section up once for the length of a bulk import (thousands of files, a few
    hundred sections) instead of once per file.

    Yields the memory; the caller must ``clear()`` it whenever a transaction rolls back, since
    a section created in that transaction is then gone.
    """
    token = _section_ids.set({})
    try:
        yield _section_ids.get()
    finally:
        _section_ids.reset(token)


def _resolve_section_id(kind: str, path: str | None, create: bool) -> int | None:
    """The id of the section ``path`` names (``category/section``), created when asked to.

    :raises ValidationError: a malformed path, or an unknown section when ``create`` is false.
    """
    if kind != ARTICLE or not path:
        return None
    parts = [p for p in path.strip().strip("/").split("/") if p]
    if len(parts) == 1:
        parts.append("general")
    if len(parts) != 2:
        raise ValidationError("section must read category/section", field="section")
    key = slugify(parts[0]), slugify(parts[1])
    remembered = _section_ids.get()
    if remembered is not None and key in remembered:
        return remembered[key]
    section = _find_or_create_section(*key, create)
    if remembered is not None:
        remembered[key] = section.id
    return section.id


def _find_or_create_section(category_slug: str, section_slug: str, create: bool) -> Section:
    section = db.session.execute(
        select(Section).join(Category)
        .where(Category.slug == category_slug, Section.slug == section_slug)
    ).scalar_one_or_none()
    if section is not None:
        return section
    if not create:
        raise ValidationError(f"no section {category_slug}/{section_slug}", field="section")
    return _create_section(category_slug, section_slug)


def _create_section(category_slug: str, section_slug: str) -> Section:
    category = db.session.execute(
        select(Category).where(Category.slug == category_slug)).scalar_one_or_none()
    if category is None:
        category = Category(slug=category_slug, title=title_from_slug(category_slug))
        db.session.add(category)
        db.session.flush()
    section = Section(category_id=category.id, slug=section_slug, title=title_from_slug(section_slug))
    db.session.add(section)
    db.session.flush()
    return section
