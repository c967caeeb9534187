"""Categories, sections and versioned documents (articles and macros)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.extensions import db
from kb.models.types import JSONText, UTCDateTime, utcnow
from kb.models.users import User

ARTICLE = "article"
MACRO = "macro"
KINDS = (ARTICLE, MACRO)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    sections: Mapped[list["Section"]] = relationship(
        back_populates="category", order_by="(Section.position, Section.title)"
    )


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("category_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship(back_populates="sections")

    @property
    def path(self) -> str:
        """``category/section``, the form content files and the API use."""
        return f"{self.category.slug}/{self.slug}"


class PlaceName(db.Model):
    """A category's or a section's title and description in one locale other than the default.

    The default locale's words stay on :class:`Category` and :class:`Section`; a locale with no
    row here reads those. Slugs are not translated: a section keeps one address in every
    language. Exactly one of ``category_id`` and ``section_id`` is set.
    """

    __tablename__ = "place_names"
    __table_args__ = (
        UniqueConstraint("category_id", "locale", name="uq_place_names_category_id_locale"),
        UniqueConstraint("section_id", "locale", name="uq_place_names_section_id_locale"),
        CheckConstraint("(category_id IS NULL) <> (section_id IS NULL)", name="one_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class Document(db.Model):
    """The stable identity of an article or a macro.

    Content lives in revisions; the document points at its latest revision (what editors
    work on) and its published revision (what readers and agents see).
    """

    __tablename__ = "documents"
    __table_args__ = (
        # Slugs are unique per locale: a translation may keep its source's slug.
        UniqueConstraint("kind", "locale", "slug", name="uq_documents_kind_locale_slug"),
        # One translation per locale of a source document.
        UniqueConstraint("translation_of_id", "locale", name="uq_documents_translation_of_id_locale"),
        Index("ix_documents_kind_published", "kind", "published_revision_id"),
        # The staff content list: from a latest revision to its document without reading the
        # document's row.
        Index("ix_documents_listing", "latest_revision_id", "owner_id", "kind", "updated_at", "use_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(200))
    #: Personal macros belong to one agent, are seen only by them and skip review.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    latest_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_documents_latest_revision")
    )
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_documents_published_revision")
    )
    #: Times a macro was rendered for a ticket.
    use_count: Mapped[int] = mapped_column(default=0)
    #: The language of the content (one of ``KB_LOCALES``); a source is in the default locale.
    locale: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    #: For a translation, its source document (in the default locale); None for a source.
    translation_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    #: For a translation, the source's live revision it was last confirmed against (set when
    #: the translation is created and each time it is published). It is outdated while the
    #: source's live revision says something else.
    source_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_documents_source_revision"))

    latest: Mapped["Revision | None"] = relationship(
        foreign_keys=[latest_revision_id], post_update=True, lazy="joined"
    )
    published: Mapped["Revision | None"] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    translation_of: Mapped["Document | None"] = relationship(
        foreign_keys=[translation_of_id], remote_side=[id])

    @property
    def is_personal(self) -> bool:
        return self.owner_id is not None

    @property
    def status(self) -> str:
        return self.latest.state if self.latest else "draft"


class Revision(db.Model):
    """One immutable version of a document's content.

    Only ``state``, the review fields and ``publish_at`` change after a revision is written;
    title, body, slug, tags, section and visibility never do.
    """

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        # Covers what the staff content list filters and sorts latest revisions by (tags are
        # left out: a long tag list could pass PostgreSQL's limit on an index entry).
        Index("ix_revisions_listing", "state", "visibility", "section_id", "author_id", "review_by",
              "publish_at", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: Sanitised HTML rendered once at save time, never per request.
    html: Mapped[str] = mapped_column(Text)
    #: Plain text for the search index, derived at save time too.
    text: Mapped[str] = mapped_column(Text)
    #: Macros: the body rendered once with a marker in place of each placeholder, so filling
    #: it for a ticket renders nothing (see :mod:`kb.macros.fill_templates`). NULL for
    #: articles, and for macro revisions saved before templates existed until first filled.
    fill_template: Mapped[str | None] = mapped_column(Text)
    #: The marker used in :attr:`fill_template`; ``"refused"`` when the body could not be
    #: rendered within the budget, :attr:`fill_template` then giving the reason.
    fill_marker: Mapped[str | None] = mapped_column(String(40))
    #: The h2/h3 headings as ``[level, id, text]``, for a table of contents.
    outline: Mapped[list] = mapped_column(JSONText, default=list)
    tags: Mapped[list] = mapped_column(JSONText, default=list)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    #: Articles: the place in their section, lowest first (then by title). Part of the content,
    #: like the section itself, so a new order goes through review and publishing.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    review_by: Mapped[date | None] = mapped_column(Date)
    #: Unknown front-matter keys, kept so an export gives them back.
    meta: Mapped[dict] = mapped_column(JSONText, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message: Mapped[str] = mapped_column(String(500), default="")
    #: The URL name this revision gives its document once published; until then the live slug
    #: stays on :class:`Document` (a rename goes through review like any other change).
    slug: Mapped[str | None] = mapped_column(String(200))
    #: Where the revision was written: ``app`` (editor, API) or ``import`` (``kb import``). A
    #: re-import leaves alone any document whose latest revision was made in the app.
    origin: Mapped[str] = mapped_column(String(16), default="app", server_default="app")
    state: Mapped[str] = mapped_column(String(24), default="draft")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: An approved revision may be scheduled to go live at this time.
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    section: Mapped[Section | None] = relationship()


class SlugRedirect(db.Model):
    """An old slug that keeps answering with a permanent redirect."""

    __tablename__ = "slug_redirects"
    __table_args__ = (UniqueConstraint("kind", "locale", "slug", name="uq_slug_redirects_kind_locale_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: The locale of the document that had the slug (slugs are unique per locale).
    locale: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    slug: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))


class DocumentLink(db.Model):
    """A published macro that links to a help article, kept to flag broken links."""

    __tablename__ = "document_links"
    __table_args__ = (UniqueConstraint("source_id", "target_locale", "target_slug",
                                       name="uq_document_links_source_locale_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    #: The slug as written in the macro; the article may since have moved.
    target_slug: Mapped[str] = mapped_column(String(200), index=True)
    #: The locale the link names (``/fr/articles/<slug>``); empty for an unprefixed
    #: ``/articles/<slug>``, which is the default locale's address.
    target_locale: Mapped[str] = mapped_column(String(16), default="", server_default="")
    target_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    #: The article revision the macro was last checked against: the one live when the macro was
    #: published, or when an editor confirmed the macro still fits the article.
    confirmed_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    #: When the article went live with a title or body unlike the confirmed revision's (None
    #: while the macro is in step with it).
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
