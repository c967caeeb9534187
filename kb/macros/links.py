"""Links from macros to help articles, and the flags raised when those links go bad.

A macro often ends with "you can read more in [this article](/articles/some-slug)", or in a
locale's address, ``/fr/articles/un-slug``, for replies in that language. When that article is
archived, renamed or made internal, every reply sent with the macro carries a dead or
redirecting link. A locale's link is resolved as the help center resolves its address: by slug
within that locale, then that locale's old slugs, then the default locale's article it
falls back to (or that article's translation in the locale, which the address redirects to). So the links of a macro's *published* revision are kept as :class:`DocumentLink` rows,
rewritten by :func:`sync` each time a macro goes live (one explicit call from the publish
paths), and checked against the articles as they are *now* whenever a flag is asked for: archiving
or renaming an article needs no hook of its own.

A link also remembers the article revision the macro was last checked against
(``confirmed_revision_id``). When the article goes live with a different title or body,
:func:`article_went_live` notes when (``changed_at``) and the macro is flagged "linked article
changed" until an editor confirms it (:func:`confirm`) or a new revision of the macro goes live.
Republishing with only metadata changed (a review date, tags) raises nothing: the reply's
wording can only be out of date if the article's words changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from flask import current_app, has_app_context
from sqlalchemy import delete, select

from kb import locales, permissions
from kb.content import markdown
from kb.content.services import lock_document
from kb.database import transaction
from kb.errors import NotFoundError
from kb.extensions import db
from kb.models import Document, DocumentLink, Revision, Role, SlugRedirect, User
from kb.models.content import ARTICLE, MACRO
from kb.models.types import utcnow
from kb.records import audit

_ARTICLE_PATH = re.compile(r"^(?:/([A-Za-z0-9-]{2,16}))?/articles/([a-z0-9][a-z0-9-]*)/?$")

#: Why a link is flagged; the page words each one for the agent.
ARCHIVED = "archived"
#: A translation (or article) that was never published: its address answers 404.
UNPUBLISHED = "unpublished"
#: The article is live for agents only: a customer following the link gets the 404 page.
INTERNAL = "internal"
MOVED = "moved"
MISSING = "missing"
#: Not broken: the article went live with changed content since the macro was confirmed.
CHANGED = "changed"


@dataclass(frozen=True)
class LinkFlag:
    """One bad link of one macro."""

    macro_id: int
    #: The slug as the macro writes it.
    slug: str
    reason: str
    #: For :data:`MOVED`: the article's slug now.
    new_slug: str | None = None
    #: The article's title when it still exists.
    title: str | None = None
    #: The article linked to, when it still exists.
    article_id: int | None = None
    #: When the link went bad (for :data:`CHANGED`: when the changed article went live).
    since: datetime | None = None
    #: For :data:`CHANGED`: the article revision numbers to compare (confirmed, live).
    confirmed_number: int | None = None
    live_number: int | None = None
    #: The locale the link names (``/fr/articles/…``); empty for ``/articles/…``.
    locale: str = ""
    #: For :data:`MOVED`: the locale of the article's address now.
    new_locale: str = ""

    @property
    def kind(self) -> str:
        """The contract's name for the flag: a changed article is not a broken link."""
        return "link_changed" if self.reason == CHANGED else "link_broken"

    @property
    def path(self) -> str:
        """The link as the macro writes it."""
        return article_path(self.locale, self.slug)

    @property
    def message(self) -> str:
        if self.reason == CHANGED:
            return f"Linked article changed: {self.path} was republished with new content"
        if self.reason == MOVED:
            return f"Article moved: update the link to {article_path(self.new_locale, self.new_slug)}"
        if self.reason == ARCHIVED:
            return f"Links to an archived article: {self.path}"
        if self.reason == UNPUBLISHED:
            return f"Links to an article that is not published: {self.path}"
        if self.reason == INTERNAL:
            return f"Links to an internal article customers cannot open: {self.path}"
        return f"Links to an article that does not exist: {self.path}"


def article_path(locale: str, slug: str | None) -> str:
    """``/articles/<slug>``, or ``/<locale>/articles/<slug>`` for a link naming a locale."""
    return f"/{locale}/articles/{slug}" if locale else f"/articles/{slug}"


def article_links(hrefs: list[str]) -> list[tuple[str, str]]:
    """The help-article links among a page's links as ``(locale, slug)``, each once, in order;
    the locale is ``""`` for ``/articles/<slug>`` and a configured one for
    ``/<locale>/articles/<slug>`` (any other prefix is not an article address).

    Relative links count, and absolute ones to this site's own host; an anchor or a query
    string does not change which article is meant.
    """
    own_host = current_app.config.get("SERVER_NAME") if has_app_context() else None
    found: dict[tuple[str, str], None] = {}
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            continue
        if parts.netloc and parts.netloc != own_host:
            continue
        match = _ARTICLE_PATH.match(unquote(parts.path))
        if match is None:
            continue
        locale = ""
        if match.group(1) is not None:
            locale = locales.find(match.group(1)) or ""
            if locale != match.group(1):  # not a locale, or not spelled as the address has it
                continue
        found.setdefault((locale, match.group(2)), None)
    return list(found)


def article_slugs(hrefs: list[str]) -> list[str]:
    """The slugs of :func:`article_links`, each once, in order."""
    return list(dict.fromkeys(slug for _, slug in article_links(hrefs)))


def sync(document: Document, revision: Revision) -> None:
    """Rewrite a macro's link rows from the revision going live (inside the caller's transaction).

    Called by the publish paths only; a draft's links mean nothing until it is published.
    A new macro revision is written against the articles as they are live now, so it confirms
    each of its links.
    """
    if document.kind != MACRO:
        return
    found = article_links(markdown.links_of(revision.html))
    db.session.execute(delete(DocumentLink).where(DocumentLink.source_id == document.id))
    for locale, slug in found:
        article = _resolve(locale, slug)
        db.session.add(DocumentLink(
            source_id=document.id, target_slug=slug, target_locale=locale,
            target_id=article.id if article else None,
            confirmed_revision_id=article.published_revision_id if article else None))


def _resolve(locale: str, slug: str) -> Document | None:
    """The article ``/<locale>/articles/<slug>`` (or ``/articles/<slug>``) shows now, whoever
    may read it, found as the help center finds it: by slug in the locale, then by an old slug
    there; for a locale other than the default, then the default locale's article at that slug
    (or its translation in the locale, which the address redirects to). The first that is live
    wins; when none is, the first found (so the link is flagged for what it names)."""
    default = locales.default()
    within = locale or default
    found = [_by_slug(within, slug), _by_old_slug(within, slug)]
    if within != default:
        source = _by_slug(default, slug) or _by_old_slug(default, slug)
        if source is not None:
            found += [db.session.execute(select(Document).where(
                Document.translation_of_id == source.id, Document.locale == within)
            ).unique().scalar_one_or_none(), source]
    found = [article for article in found if article is not None]
    live = [article for article in found if article.published_revision_id is not None]
    return (live or found or [None])[0]


def _by_slug(locale: str, slug: str) -> Document | None:
    return db.session.execute(select(Document).where(
        Document.kind == ARTICLE, Document.locale == locale, Document.slug == slug)).unique().scalar_one_or_none()


def _by_old_slug(locale: str, slug: str) -> Document | None:
    return db.session.execute(
        select(Document).join(SlugRedirect, SlugRedirect.document_id == Document.id)
        .where(SlugRedirect.kind == ARTICLE, SlugRedirect.locale == locale, SlugRedirect.slug == slug)
    ).unique().scalar_one_or_none()


def article_went_live(document: Document, revision: Revision) -> None:
    """Note, on every macro link to this article, whether its words moved away from the revision
    the macro was confirmed against (inside the publishing transaction).

    The time of the first change is kept until someone confirms, so ``since`` says how long the
    macro has been out of step; going back to the confirmed words clears it.
    """
    if document.kind != ARTICLE:
        return
    rows = db.session.execute(select(DocumentLink).where(DocumentLink.target_id == document.id)).scalars().all()
    confirmed = _revisions({row.confirmed_revision_id for row in rows} - {None})
    now = utcnow()
    for row in rows:
        before = confirmed.get(row.confirmed_revision_id)
        if before is None or _same_words(before, revision):
            # Nothing to compare with (linked before the article was live), or nothing a reply
            # quotes changed: the new revision is what the macro is in step with now.
            row.confirmed_revision_id, row.changed_at = revision.id, None
        elif row.changed_at is None:
            row.changed_at = now


def _revisions(ids: set[int]) -> dict[int, Revision]:
    if not ids:
        return {}
    return {r.id: r for r in db.session.execute(select(Revision).where(Revision.id.in_(ids))).scalars()}


def _same_words(old: Revision, new: Revision) -> bool:
    return old.title == new.title and old.body == new.body


def confirm(actor: User | None, document_id: int) -> Document:
    """An editor says the macro still fits the articles it links to as they are live now.

    :raises PermissionDeniedError: the actor is not an editor or above.
    :raises NotFoundError: no published macro with that id visible to the actor.
    """
    user = permissions.require_role(actor, Role.EDITOR)
    with transaction():
        document = lock_document(MACRO, document_id)
        if document.published is None or not permissions.may_see_document(user, document):
            raise NotFoundError(f"no published macro with id {document_id}")
        flags = [f for f in flags_for(document) if f.reason == CHANGED]
        rows = db.session.execute(
            select(DocumentLink).where(DocumentLink.source_id == document.id, DocumentLink.target_id.is_not(None))
        ).scalars().all()
        live = dict(db.session.execute(
            select(Document.id, Document.published_revision_id)
            .where(Document.id.in_([row.target_id for row in rows]))
        ).all()) if rows else {}
        for row in rows:
            if live.get(row.target_id) is not None:
                row.confirmed_revision_id, row.changed_at = live[row.target_id], None
        audit(user, "confirm_links", document, document.published,
              articles=sorted({f.article_id for f in flags if f.article_id is not None}))
    return document


def flags_for(document: Document) -> list[LinkFlag]:
    """The bad links of one macro's published revision (none when it is not published)."""
    if document.published_revision_id is None:
        return []
    return _check(db.session.execute(
        select(DocumentLink).where(DocumentLink.source_id == document.id).order_by(DocumentLink.id)
    ).scalars().all())


def flagged(macros_query) -> list[tuple[Document, list[LinkFlag]]]:
    """Every published macro of ``macros_query`` (a select of documents) with a bad link."""
    visible = macros_query.where(Document.kind == MACRO, Document.published_revision_id.is_not(None))
    ids = select(visible.subquery().c.id)
    links = db.session.execute(
        select(DocumentLink).where(DocumentLink.source_id.in_(ids))
        .order_by(DocumentLink.source_id, DocumentLink.id)
    ).scalars().all()
    by_macro: dict[int, list[LinkFlag]] = {}
    for flag in _check(links):
        by_macro.setdefault(flag.macro_id, []).append(flag)
    if not by_macro:
        return []
    documents = db.session.execute(
        select(Document).where(Document.id.in_(list(by_macro)))
    ).unique().scalars().all()
    documents = sorted(documents, key=lambda d: d.published.title.lower())
    return [(d, by_macro[d.id]) for d in documents]


def _check(links: list[DocumentLink]) -> list[LinkFlag]:
    """Compare each link with the article it points at now (one query for the linked ones; a
    link that named no article when written is looked for again by its address)."""
    if not links:
        return []
    ids = {link.target_id for link in links if link.target_id is not None}
    by_id = {a.id: a for a in db.session.execute(
        select(Document).where(Document.kind == ARTICLE, Document.id.in_(ids))).unique().scalars()} if ids else {}
    by_address = {(link.target_locale, link.target_slug): _resolve(link.target_locale, link.target_slug)
                  for link in links if link.target_id is None}
    numbers = _numbers({link.confirmed_revision_id for link in links if link.changed_at is not None})
    flags = []
    for link in links:
        article = (by_id.get(link.target_id) if link.target_id is not None
                   else by_address.get((link.target_locale, link.target_slug)))
        flag = _flag(link, article, numbers)
        if flag is not None:
            flags.append(flag)
    return flags


def _numbers(ids: set[int | None]) -> dict[int, int]:
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(Revision.id, Revision.number).where(Revision.id.in_(ids))).all())


def _flag(link: DocumentLink, article: Document | None, numbers: dict[int, int]) -> LinkFlag | None:
    where = {"locale": link.target_locale}
    if article is None:
        return LinkFlag(link.source_id, link.target_slug, MISSING, **where)
    title = article.latest.title if article.latest else None
    seen = {"title": title, "article_id": article.id, "since": article.updated_at, **where}
    if article.published_revision_id is None:
        never = article.latest is None or article.latest.state != "archived"
        return LinkFlag(link.source_id, link.target_slug, UNPUBLISHED if never else ARCHIVED, **seen)
    if not _same_address(link, article):
        return LinkFlag(link.source_id, link.target_slug, MOVED, new_slug=article.slug,
                        new_locale=_address_locale(link, article), **seen)
    if article.published.visibility == "internal":
        return LinkFlag(link.source_id, link.target_slug, INTERNAL, **seen)
    if (link.changed_at is not None and link.target_id == article.id
            and link.confirmed_revision_id != article.published_revision_id):
        return LinkFlag(link.source_id, link.target_slug, CHANGED, title=article.published.title,
                        article_id=article.id, since=link.changed_at,
                        confirmed_number=numbers.get(link.confirmed_revision_id),
                        live_number=article.published.number, locale=link.target_locale)
    return None


def _same_address(link: DocumentLink, article: Document) -> bool:
    """Whether the link still names the article's own address: its slug, and its locale (an
    unprefixed link names the default locale's; a locale's link may name the default locale's
    article, which that locale's address falls back to)."""
    if article.slug != link.target_slug:
        return False
    if not link.target_locale:
        return article.locale == locales.default()
    return article.locale in (link.target_locale, locales.default())


def _address_locale(link: DocumentLink, article: Document) -> str:
    """The locale to write in the corrected link: none for a default-locale article linked
    without one, else the article's."""
    if not link.target_locale and article.locale == locales.default():
        return ""
    return article.locale
