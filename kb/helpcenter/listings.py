"""Read-side queries that shape the help center's pages: categories, sections, neighbours.

Everything here starts from :func:`kb.content.queries.help_center_tree` or re-checks each row
with :mod:`kb.permissions`, so a listing can only ever hold articles the reader may open; a
category or section with nothing readable in it does not exist for that reader.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, NamedTuple, TypeVar

from flask import current_app, has_request_context, request

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from kb import permissions, validation
from kb.content import queries
from kb.content.queries import CategoryListing, SectionListing
from kb.extensions import db
from kb.models import Document, IndexEvent, Revision, Section
from kb.models.content import ARTICLE

#: Articles listed per section on the home page before "See all".
TOP_PER_SECTION = 5
#: Entries :func:`memo` and :func:`related` keep before dropping the oldest.
MEMO_SIZE = 50_000
#: Seconds a related-articles answer is reused before "more like this" runs again.
RELATED_TTL = 900.0

T = TypeVar("T")

Entry = tuple[Document, Revision]


class Link(NamedTuple):
    """Just enough of an article to link to it."""

    slug: str
    title: str
    locale: str


@dataclass(frozen=True)
class Neighbours:
    """The articles before and after one article in its section's reading order."""

    previous: Link | None
    next: Link | None


def article(slug: str, locale: str) -> Document | None:
    """The article at ``slug`` in ``locale`` with its published revision, section and category,
    in one query.

    The latest revision (drafts, with their stored HTML) is not loaded: the page never shows it.
    """
    if not validation.is_key(slug):
        return None
    return db.session.execute(
        select(Document).where(Document.kind == ARTICLE, Document.locale == locale, Document.slug == slug)
        .options(lazyload(Document.latest),
                 joinedload(Document.published).joinedload(Revision.section)
                 .joinedload(Section.category))
    ).unique().scalar_one_or_none()


def tree(actor: permissions.Actor, helpful: dict[int, int] | None = None,
         locale: str | None = None) -> list[CategoryListing]:
    """The categories for the home page in ``locale``, each section's articles most helpful first.

    :param helpful: "yes" votes per document id; articles without votes keep their section's
        order (position, then title).
    """
    listings = queries.help_center_tree(actor, locale)
    if helpful:
        for listing in listings:
            for item in listing.sections:
                item.articles.sort(key=lambda entry: -helpful.get(entry[0].id, 0))
    return listings


def category(actor: permissions.Actor, slug: str, locale: str | None = None) -> CategoryListing | None:
    """One category with every section and article the actor may read in ``locale``, or None."""
    return next((c for c in queries.help_center_tree(actor, locale) if c.category.slug == slug), None)


def section(actor: permissions.Actor, category_slug: str, section_slug: str,
            locale: str | None = None) -> tuple[CategoryListing, SectionListing] | None:
    """One section (and its category) with the articles the actor may read, or None."""
    listing = category(actor, category_slug, locale)
    if listing is None:
        return None
    found = next((s for s in listing.sections if s.section.slug == section_slug), None)
    return (listing, found) if found else None


@dataclass(frozen=True)
class Readable:
    """Every published article one kind of reader may open, as plain links."""

    #: document id -> link
    links: dict[int, Link]
    #: section id -> document ids in the order section pages list them (position, then title)
    orders: dict[int, list[int]]


def readable(actor: permissions.Actor) -> Readable:
    """The published articles this kind of reader (staff or not) may open, remembered.

    One query over slugs and titles for the whole help center, kept until the next publishing
    change (see :func:`memo`): page views outnumber publishes by far, and a per-section query
    would scan every published revision each time. Which articles count comes from
    :func:`kb.permissions.visible_documents`; personal documents are left out, so the answer
    is the same for every reader of one kind.
    """
    def load() -> Readable:
        published = aliased(Revision)
        rows = db.session.execute(
            permissions.visible_documents(actor, ARTICLE)
            .join(published, published.id == Document.published_revision_id)
            .where(Document.owner_id.is_(None))
            .with_only_columns(Document.id, Document.slug, published.title, published.section_id,
                               Document.locale, maintain_column_froms=False)
            .order_by(published.position, published.title, Document.id)
        ).all()
        links, orders = {}, {}
        for document_id, slug, title, section_id, locale in rows:
            links[document_id] = Link(slug, title, locale)
            if section_id is not None:
                orders.setdefault(section_id, []).append(document_id)
        return Readable(links, orders)

    return memo(("readable", permissions.is_staff(actor)), load)


def neighbours(actor: permissions.Actor, document: Document, revision: Revision) -> Neighbours:
    """Previous and next article in the same section, in the order the section page lists them."""
    known = readable(actor)
    order = [i for i in (known.orders.get(revision.section_id, []) if revision.section_id else [])
             if known.links[i].locale == document.locale]
    if document.id not in order:
        return Neighbours(None, None)
    position = order.index(document.id)
    return Neighbours(known.links[order[position - 1]] if position > 0 else None,
                      known.links[order[position + 1]] if position + 1 < len(order) else None)


def related(actor: permissions.Actor, document: Document,
            find: Callable[[], list[int]]) -> list[Link]:
    """The related articles ``find()`` returns (document ids), remembered for a while.

    "More like this" is the costliest part of an article page, so its answer is kept per
    article, published revision and kind of reader for :data:`RELATED_TTL` seconds, across
    publishing changes; what is shown is always filtered through :func:`readable` now, so an
    article archived, hidden or renamed since drops out or shows its new address at once.
    Only a newly published article may take up to the TTL to appear in older lists.
    """
    key = (document.id, document.published_revision_id, permissions.is_staff(actor))
    cache = current_app.extensions.setdefault("kb.help_related", OrderedDict())
    now = time.monotonic()
    entry = cache.get(key)
    if entry is None or now - entry[0] > RELATED_TTL:
        entry = cache[key] = (now, find())
        while len(cache) > MEMO_SIZE:
            cache.popitem(last=False)
    links = readable(actor).links
    return [links[i] for i in entry[1] if i in links and i != document.id
            and links[i].locale == document.locale]


def memo(key: tuple, compute: Callable[[], T]) -> T:
    """Remember ``compute()`` in this process until what is published changes.

    Keyed on :func:`content_version`, so every publish, archive or rename anywhere starts
    afresh; values must be plain data (never ORM objects, which belong to one session).
    """
    version = content_version()[0]
    store = current_app.extensions.get("kb.help_memo")
    if store is None or store[0] != version or len(store[1]) > MEMO_SIZE:
        store = current_app.extensions["kb.help_memo"] = (version, {})
    if key not in store[1]:
        store[1][key] = compute()
    return store[1][key]


def content_version() -> tuple[int, datetime | None]:
    """(position, time) of the latest change to what is published anywhere (read once per request).

    Every publish, archive, visibility or slug change writes an index event, so this moves
    whenever an article page's related list, neighbours or breadcrumbs could have changed;
    article pages put it into their ETag and Last-Modified.
    """
    cache = request.environ if has_request_context() else {}
    if "kb.content_version" not in cache:
        latest = select(func.max(IndexEvent.id)).scalar_subquery()
        row = db.session.execute(
            select(IndexEvent.id, IndexEvent.created_at).where(IndexEvent.id == latest)).first()
        cache["kb.content_version"] = (row[0], row[1]) if row else (0, None)
    return cache["kb.content_version"]
