"""Promoted answers: an editor pins an article to the top of the results for one query.

Search ranks by words; sometimes the question people type most has one right answer that the
words alone do not put first. A pin says "for this query, this article first". It is kept in
the ``promoted_answers`` table under the query's normalised form (:func:`normalise`: case,
whitespace and punctuation folded), and applied after the search itself
(:func:`search` wraps :func:`kb.search.service.search`), so ranking stays the ranker's
business and a pin costs one indexed look-up. Each process keeps the set of pinned queries,
with a version number (a ``settings`` row bumped in the same transaction as every pin and
unpin, checked at most every :data:`CHECK_EVERY` seconds, as the synonym list does), so a
search for a query nobody pinned, nearly every search, asks the database nothing.

A pin only ever shows what the asker may read now: the pinned article is re-read from the
database on every search, so one that was archived or made internal disappears from the
public's results at once (and the editors' list shows it as inactive).
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, func, select

from kb import locales, permissions, settings, validation
from kb.content import queries as content_queries
from kb.database import transaction
from kb.errors import NotFoundError, ValidationError
from kb.extensions import db
from kb.models import Document, PromotedAnswer, Revision, User
from kb.models.content import ARTICLE
from kb.models.types import utcnow
from kb.records import audit
from kb.search import service
from kb.search.documents import Hit

#: The longest query a pin is kept for (longer questions are not what people type).
MAX_QUERY = 256
#: Characters of the pinned article's text shown as its snippet when the query's words are not
#: in it (a pin may answer a query whose words the article does not use).
OPENING = 200

VERSION_KEY = "search.pins_version"
#: Seconds a process trusts its set of pinned queries before checking the version again.
CHECK_EVERY = 0.5
_CACHE = "kb.search_pinned_queries"

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalise(query: str) -> str:
    """The form a query is pinned and looked up under: case-folded, every run of punctuation
    and whitespace one space, trimmed ("  Reset your PASSWORD?!" -> "reset your password")."""
    return " ".join(_PUNCTUATION.sub(" ", query or "").casefold().split())


@dataclass(frozen=True)
class Promoted:
    """A pin as the editors' page and the insights pages list it."""

    id: int
    query: str
    document_id: int
    slug: str
    #: The published title, else the latest revision's.
    title: str
    #: ``live`` (everyone sees it first), ``staff only`` (published but internal: staff see it,
    #: the public does not) or ``inactive`` (not published now: archived, say).
    status: str
    pinned_by: str | None
    created_at: datetime

    @property
    def active(self) -> bool:
        """Shown first to the public (not only to staff)."""
        return self.status == "live"


@dataclass(frozen=True)
class PinnedResults(service.Results):
    """Search results with the pinned article, if any, first; ``pinned_id`` names it."""

    pinned_id: int | None = None


def promoted_answers() -> list[Promoted]:
    """Every pin, newest first, with whether it is in force now."""
    published = db.aliased(Revision)
    latest = db.aliased(Revision)
    rows = db.session.execute(
        select(PromotedAnswer.id, PromotedAnswer.query, PromotedAnswer.created_at,
               Document.id.label("document_id"), Document.slug,
               published.title.label("published_title"), published.visibility,
               latest.title.label("latest_title"), latest.state, User.name)
        .join(Document, Document.id == PromotedAnswer.document_id)
        .outerjoin(published, published.id == Document.published_revision_id)
        .outerjoin(latest, latest.id == Document.latest_revision_id)
        .outerjoin(User, User.id == PromotedAnswer.created_by_id)
        .order_by(PromotedAnswer.created_at.desc(), PromotedAnswer.id.desc())
    ).all()
    return [Promoted(
        id=row.id, query=row.query, document_id=row.document_id, slug=row.slug,
        title=row.published_title or row.latest_title or row.slug,
        status=_status(row.published_title is not None, row.state, row.visibility),
        pinned_by=row.name, created_at=row.created_at) for row in rows]


def _status(has_published: bool, latest_state: str | None, visibility: str | None) -> str:
    if not has_published or latest_state == permissions.ARCHIVED:
        return "inactive"
    return "live" if visibility == "public" else "staff only"


def count() -> int:
    """How many pins there are (the page shows it: pins are meant to be few)."""
    return db.session.scalar(select(func.count()).select_from(PromotedAnswer)) or 0


def pins_of(document_id: int) -> list[str]:
    """The queries an article is pinned for (its editor shows them)."""
    return list(db.session.scalars(
        select(PromotedAnswer.query).where(PromotedAnswer.document_id == document_id)
        .order_by(PromotedAnswer.query)))


def article_id(reference: str) -> int:
    """The id of the article named by ``reference``: its id, its slug (an old one too) or its
    address (``https://help.example.com/articles/<slug>``), as an editor pastes it.

    :raises ValidationError: nothing given.
    :raises NotFoundError: no article by that name.
    """
    ref = validation.text(reference, "article", multiline=False, max_length=1000).strip()
    if not ref:
        raise ValidationError("name the article: its address, its slug or its id", field="article")
    if ref.isdigit():
        return validation.identifier(int(ref), "article with id")
    slug = ref.split("?")[0].split("#")[0].rstrip("/")
    locale = None
    if "/articles/" in slug:
        prefix, slug = slug.rsplit("/articles/", 1)
        locale = locales.find(prefix.rsplit("/", 1)[-1])  # /<locale>/articles/<slug>
    document, moved = content_queries.find_by_slug(ARTICLE, slug, locale)
    if document is None and moved:
        document, _ = content_queries.find_by_slug(ARTICLE, moved, locale)
    if document is None:
        raise NotFoundError(f"no article with the address or slug “{slug}”")
    return document.id


def pin(actor: permissions.Actor, query: str, document_id: int) -> tuple[PromotedAnswer, bool]:
    """Pin an article first for ``query``; a query already pinned moves to this article.

    :returns: the pin, and whether it replaced another article's pin for the query.
    :raises PermissionDeniedError: the actor is not an editor or up.
    :raises ValidationError: the query has no words, or the document is not a published,
        shared article.
    :raises NotFoundError: no such document.
    """
    user = permissions.require_pinner(actor)
    key = normalise(validation.text(query, "query", multiline=False, max_length=MAX_QUERY))
    if not key:
        raise ValidationError("type the words people search for (letters or digits)", field="query")
    document = db.session.get(Document, validation.identifier(document_id, "article with id"))
    if document is None or not permissions.visible(user, document):
        raise NotFoundError(f"no article with id {document_id}")
    if not permissions.pinnable(document.kind, document.owner_id):
        raise ValidationError("only a shared article can be pinned", field="document_id")
    if document.published is None or document.status == permissions.ARCHIVED:
        raise ValidationError("only a published article can be pinned: publish it first",
                              field="document_id")
    document_id, user_id = document.id, user.id
    with transaction():
        existing = db.session.scalar(select(PromotedAnswer).where(PromotedAnswer.query == key))
        replaced = existing is not None and existing.document_id != document_id
        if existing is None:
            existing = PromotedAnswer(query=key)
            db.session.add(existing)
        existing.document_id, existing.created_by_id = document_id, user_id
        existing.created_at = utcnow()
        audit(user, "promoted.pin", document, query=key)
        _bump()
    return existing, replaced


def unpin(actor: permissions.Actor, pin_id: int) -> str:
    """Remove a pin; answers the query it was for.

    :raises PermissionDeniedError: the actor is not an editor or up.
    :raises NotFoundError: no such pin (already removed, say).
    """
    user = permissions.require_pinner(actor)
    pin_id = validation.identifier(pin_id, "pin with id")
    with transaction():
        found = db.session.get(PromotedAnswer, pin_id)
        if found is None:
            raise NotFoundError(f"no pin with id {pin_id}: it may have been removed already")
        query, document = found.query, found.document
        db.session.delete(found)
        audit(user, "promoted.unpin", document, query=query)
        _bump()
    return query


def _bump() -> None:
    """Move the pins' version (in the caller's transaction) and forget this process's set."""
    settings.put(VERSION_KEY, str(int(settings.get(VERSION_KEY, "0") or 0) + 1))
    current_app.extensions.pop(_CACHE, None)


def _pinned_queries() -> frozenset[str]:
    """The normalised queries that have a pin, as this process last read them (see the module
    doc). The version is read before the queries: a pin committed in between leaves the new
    version unseen, so the next check reads the queries again."""
    app = current_app._get_current_object()
    cached = app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CHECK_EVERY:
        return cached[2]
    version = settings.get(VERSION_KEY, "0")
    if cached is not None and cached[1] == version:
        queries = cached[2]
    else:
        queries = frozenset(db.session.scalars(select(PromotedAnswer.query)))
    app.extensions[_CACHE] = (now, version, queries)
    return queries


#: The pinned article for a normalised query, with what a result line needs, in one query
#: on the session's connection (it runs on every search, as-you-type keystrokes included).
_PINNED = (
    select(Document.id, Document.kind, Document.slug, Document.owner_id,
           Document.published_revision_id, Revision.visibility, Revision.section_id,
           Revision.title, func.substr(Revision.text, 1, OPENING + 1).label("opening"), Document.locale)
    .join(PromotedAnswer, PromotedAnswer.document_id == Document.id)
    .join(Revision, Revision.id == Document.published_revision_id)
    .where(PromotedAnswer.query == bindparam("query"))
)


def pinned_for(actor: permissions.Actor, query: str) -> service.Result | None:
    """The article pinned for ``query``, as a result line, when the actor may read it now."""
    key = normalise(query)
    if not key or len(key) > MAX_QUERY or key not in _pinned_queries():
        return None
    row = db.session.connection().execute(_PINNED, {"query": key}).first()
    if row is None or not permissions.pinnable(row.kind, row.owner_id) or \
            not permissions.may_read_published(actor, row.kind, row.owner_id, row.visibility):
        return None
    opening = row.opening or ""
    snippet = html.escape(opening[:OPENING] + ("…" if len(opening) > OPENING else ""))
    listed = service.Listed(id=row.id, kind=row.kind, slug=row.slug, owner_id=row.owner_id,
                            published_revision_id=row.published_revision_id,
                            visibility=row.visibility, section_id=row.section_id, locale=row.locale)
    hit = Hit(id=row.id, kind=ARTICLE, slug=row.slug, title=row.title, snippet=snippet,
              score=0.0, matched=())
    return service.Result(hit, listed)


def search(actor: permissions.Actor, query: str, *, kind: str | None = None,
           category: str | None = None, section: str | None = None, tag: str | None = None,
           limit: int = 10, offset: int = 0, **options) -> PinnedResults:
    """:func:`kb.search.service.search`, with the article pinned for the query first.

    A pin applies to a search of articles (or of everything) with no category, section or tag
    filter: a filtered search asks for something narrower than the question. On the first page
    the pinned article leads (moved up if the search found it, added if not); later pages leave
    it out, so it is listed once."""
    found = service.search(actor, query, kind=kind, category=category, section=section,
                           tag=tag, limit=limit, offset=offset, **options)
    if kind not in (None, ARTICLE) or category or section or tag:
        return PinnedResults(**vars(found))
    pinned = pinned_for(actor, query)
    wanted = options.get("locale")
    if pinned is not None and wanted and pinned.document.locale not in (wanted, None):
        pinned = None  # a pin in another language: search does not mix locales
    if pinned is None:
        return PinnedResults(**vars(found))
    return _put_first(found, pinned, limit=limit, offset=offset)


def _put_first(found: service.Results, pinned: service.Result, *, limit: int, offset: int
               ) -> PinnedResults:
    others = [r for r in found.results if r.hit.id != pinned.hit.id]
    on_page = len(others) != len(found.results)
    total = found.total
    if offset > 0:
        return PinnedResults(found.query, total - on_page, others, found.suggestion, burst=found.burst,
                             pinned_id=pinned.hit.id)
    if on_page:
        # Keep the search's own snippet and score: they say why it matched.
        pinned = next(r for r in found.results if r.hit.id == pinned.hit.id)
    else:
        if total <= len(found.results):
            total += 1  # every match is on this page, and the pinned article is not one
        if others:
            pinned = replace(pinned, hit=replace(pinned.hit, score=others[0].hit.score))
    results = [pinned, *others][:max(limit, 1)]
    return PinnedResults(found.query, max(total, len(results)), results, found.suggestion,
                         burst=found.burst, pinned_id=pinned.hit.id)
