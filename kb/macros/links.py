"""Links from macros to help articles, and the flags raised when those links go bad.

A macro often ends with "you can read more in [this article](/articles/some-slug)". When that
article is archived or renamed, every reply sent with the macro carries a dead or redirecting
link. So the links of a macro's *published* revision are kept as :class:`DocumentLink` rows,
rewritten by :func:`sync` each time a macro goes live (one explicit call from the publish
paths), and checked against the articles as they are *now* whenever a flag is asked for: archiving
or renaming an article needs no hook of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask import current_app, has_app_context
from sqlalchemy import delete, select

from kb.content import markdown
from kb.extensions import db
from kb.models import Document, DocumentLink, Revision, SlugRedirect
from kb.models.content import ARTICLE, MACRO

_ARTICLE_PATH = re.compile(r"^/articles/([a-z0-9][a-z0-9-]*)/?$")

#: Why a link is flagged; the page words each one for the agent.
ARCHIVED = "archived"
MOVED = "moved"
MISSING = "missing"


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

    @property
    def message(self) -> str:
        if self.reason == MOVED:
            return f"Article moved: update the link to /articles/{self.new_slug}"
        if self.reason == ARCHIVED:
            return f"Links to an archived article: /articles/{self.slug}"
        return f"Links to an article that does not exist: /articles/{self.slug}"


def article_slugs(hrefs: list[str]) -> list[str]:
    """The help-article slugs among a page's links, each once, in order.

    Relative ``/articles/<slug>`` links count, and absolute ones to this site's own host;
    an anchor or a query string does not change which article is meant.
    """
    own_host = current_app.config.get("SERVER_NAME") if has_app_context() else None
    slugs: dict[str, None] = {}
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            continue
        if parts.netloc and parts.netloc != own_host:
            continue
        match = _ARTICLE_PATH.match(unquote(parts.path))
        if match:
            slugs.setdefault(match.group(1), None)
    return list(slugs)


def sync(document: Document, revision: Revision) -> None:
    """Rewrite a macro's link rows from the revision going live (inside the caller's transaction).

    Called by the publish paths only; a draft's links mean nothing until it is published.
    """
    if document.kind != MACRO:
        return
    slugs = article_slugs(markdown.links_of(revision.html))
    db.session.execute(delete(DocumentLink).where(DocumentLink.source_id == document.id))
    for slug in slugs:
        db.session.add(DocumentLink(source_id=document.id, target_slug=slug, target_id=_resolve(slug)))


def _resolve(slug: str) -> int | None:
    """The article a slug names now, directly or through a redirect."""
    found = db.session.scalar(select(Document.id).where(Document.kind == ARTICLE, Document.slug == slug))
    if found is not None:
        return found
    return db.session.scalar(
        select(SlugRedirect.document_id).where(SlugRedirect.kind == ARTICLE, SlugRedirect.slug == slug)
    )


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
    """Compare each link with the article it points at now; one query for all of them."""
    if not links:
        return []
    ids = {link.target_id for link in links if link.target_id is not None}
    slugs = {link.target_slug for link in links if link.target_id is None}
    articles = db.session.execute(
        select(Document).where(Document.kind == ARTICLE)
        .where((Document.id.in_(ids)) | (Document.slug.in_(slugs)))
    ).unique().scalars().all()
    by_id = {a.id: a for a in articles}
    by_slug = {a.slug: a for a in articles}
    by_slug.update(_redirected({s for s in slugs if s not in by_slug}))
    flags = []
    for link in links:
        article = by_id.get(link.target_id) if link.target_id is not None else by_slug.get(link.target_slug)
        flag = _flag(link, article)
        if flag is not None:
            flags.append(flag)
    return flags


def _redirected(slugs: set[str]) -> dict[str, Document]:
    """Articles that answer an old slug with a redirect (links written before the article existed
    under that name are resolved by slug, so they still find it)."""
    if not slugs:
        return {}
    rows = db.session.execute(
        select(SlugRedirect.slug, Document).join(Document, Document.id == SlugRedirect.document_id)
        .where(SlugRedirect.kind == ARTICLE, SlugRedirect.slug.in_(slugs))
    ).unique().all()
    return {slug: document for slug, document in rows}


def _flag(link: DocumentLink, article: Document | None) -> LinkFlag | None:
    if article is None:
        return LinkFlag(link.source_id, link.target_slug, MISSING)
    title = article.latest.title if article.latest else None
    if article.published_revision_id is None:
        return LinkFlag(link.source_id, link.target_slug, ARCHIVED, title=title)
    if article.slug != link.target_slug:
        return LinkFlag(link.source_id, link.target_slug, MOVED, new_slug=article.slug, title=title)
    return None
