"""Searching on behalf of someone: scope from :mod:`kb.permissions`, a database re-check of
every hit, and the search log. Suggestions from a customer's message are
:mod:`kb.search.suggesting`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy import bindparam, select

from kb import locales, permissions, validation
from kb.errors import SearchUnavailableError
from kb.extensions import db
from kb.models import Document, Revision
from kb.search import synonym_list
from kb.search.documents import Hit, Scope, SearchError
from kb.search.indexer import get_index
from kb.search.languages import analysing
from kb.search.searchlog import SearchLogBuffer, burst_key, search_log  # noqa: F401
from kb.search.schema import SNIPPET_CHARS, category_key

MAX_LIMIT = 50
MAX_OFFSET = 10_000
#: The longest query or pasted message accepted; the engine reads only its opening anyway.
MAX_QUERY = 20_000


def scope_for(actor: permissions.Actor) -> Scope:
    kinds, visibilities, user_id = permissions.search_scope_parts(actor)
    return Scope(kinds=kinds, visibilities=visibilities, user_id=user_id)


@dataclass(frozen=True)
class Listed:
    """What a result shows of a document and its published revision, as the database has them
    now: read as plain columns, not as ORM objects, because it is read for every search."""

    id: int
    kind: str
    slug: str
    owner_id: int | None
    published_revision_id: int
    visibility: str
    section_id: int | None
    locale: str | None = None


@dataclass(frozen=True)
class Result:
    """A hit the caller may see, with its document as the database has it now."""

    hit: Hit
    document: Listed


@dataclass(frozen=True)
class Results:
    query: str
    total: int
    results: list[Result]
    suggestion: str | None
    #: The search log's key for this search (clicks on its results name it); None when the
    #: search was not logged.
    burst: str | None = None


def search(actor: permissions.Actor, query: str, *, kind: str | None = None,
           category: str | None = None, section: str | None = None, tag: str | None = None,
           limit: int = 10, offset: int = 0, as_you_type: bool = False,
           surface: str = "api", logged: bool = True, burst: str | None = None,
           locale: str | None = None) -> Results:
    """Search within what ``actor`` may see; every hit is re-checked against the database, so a
    stale index can never show what is unpublished or hidden from the caller.

    ``category`` is a category slug or a ``::`` path at any depth (``billing::refunds``),
    applied in the index before ``limit``; the page and the API both filter through here.
    ``logged=False`` for a search the person did not make (an offer beside their own), so the
    search log counts each search once. ``burst`` is the page's id for one search-as-you-type
    burst: its keystrokes are logged as one search, the last query typed. ``locale`` keeps to
    the documents in that locale, or the default locale's when that finds none; the query is
    read in the language of the locale it searches (the default locale's when none is named),
    as those documents were indexed (:mod:`kb.search.languages`).

    :raises ValidationError: a bad query, filter, locale or burst id.
    """
    query = validation.text(query, "q", max_length=MAX_QUERY)
    locale = locales.check(locale) if locale is not None else None
    key = burst_key(burst, surface)
    for name, value in (("category", category), ("section", section), ("tag", tag)):
        validation.text(value, name, multiline=False, max_length=200)
    if category:
        # One spelling per category, the index's: "Billing :: Refunds" is billing::refunds.
        category = category_key(category) or None
    started = time.perf_counter()
    with unavailable_when_broken():
        index, seen_by = get_index(), scope_for(actor)
        arguments = dict(kind=kind, category=category, section=section, tag=tag,
                         limit=min(max(limit, 1), MAX_LIMIT), locale=locale,
                         offset=min(max(offset, 0), MAX_OFFSET), synonyms=synonym_list.current())
        page = _search_in(index, query, seen_by, as_you_type, arguments)
        if locale is not None and locale != locales.default() and page.total == 0:
            arguments["locale"] = locales.default()  # nothing in that language: the source's
            page = _search_in(index, query, seen_by, as_you_type, arguments)
    results = _snippets_from_whole_texts(recheck(actor, page.hits), page.snippet)
    total = page.total - (len(page.hits) - len(results))
    took = (time.perf_counter() - started) * 1000
    scope = "staff" if permissions.is_staff(actor) else "public"
    if logged:
        search_log().record(query, scope, surface, total, took, burst=key,
                            role=_role_name(actor), shown=[r.document.id for r in results])
    return Results(query=page.query, total=max(total, len(results)), results=results,
                   suggestion=page.suggestion, burst=key if logged else None)


def _search_in(index, query: str, seen_by: Scope, as_you_type: bool, arguments: dict):
    """One search, read in the language of the locale searched (or the default locale's)."""
    with analysing(arguments["locale"] or locales.default()):
        page = index.search(query, seen_by, as_you_type=as_you_type, **arguments)
        if as_you_type and page.total == 0:
            # A word still being typed is read as a prefix, which the engine never corrects;
            # when nothing starts with it, read it as a whole (possibly misspelled) word, so
            # "refnd" typed into the macro library finds the refund macros, and says so.
            page = index.search(query, seen_by, **arguments)
    return page


def _role_name(actor: permissions.Actor) -> str | None:
    role = permissions.role_of(actor)
    return role.label if role is not None else None


#: What :func:`recheck` reads, built once and run on the session's connection (Core, not the
#: ORM): it runs on every keystroke of search-as-you-type, and building the statement and
#: going through the ORM's execution was most of what the check cost.
_LISTED = (
    select(Document.id, Document.kind, Document.slug, Document.owner_id,
           Document.published_revision_id, Revision.visibility, Revision.section_id, Document.locale)
    .join(Revision, Revision.id == Document.published_revision_id)
    .where(Document.id.in_(bindparam("ids", expanding=True)))
)


def recheck(actor: permissions.Actor, hits: list[Hit]) -> list[Result]:
    """Keep the hits whose published revision the actor may read now, in rank order.

    One query for the columns that decide and list, not ORM objects: loading the documents
    (their latest revisions joined in) costs several times as much."""
    if not hits:
        return []
    rows = db.session.connection().execute(_LISTED, {"ids": [h.id for h in hits]})
    documents = {row.id: Listed(**row._mapping) for row in rows}
    kept = []
    for hit in hits:
        document = documents.get(hit.id)
        if document is None or not permissions.may_read_published(
                actor, document.kind, document.owner_id, document.visibility):
            continue
        kept.append(Result(replace(hit, slug=document.slug), document))
    return kept


_TEXTS = select(Revision.id, Revision.text).where(Revision.id.in_(bindparam("ids", expanding=True)))


def _snippets_from_whole_texts(results: list[Result],
                               snippet: Callable[[str], str] | None) -> list[Result]:
    """Give a hit whose snippet shows none of the query's words (they come after the opening
    the index stores) a snippet made from the whole published text, read from the database:
    a result should show why it matched. One query, for the few hits that need it."""
    if snippet is None:
        return results
    lacking = {r.document.published_revision_id: r for r in results
               if "<mark>" not in r.hit.snippet}
    if not lacking:
        return results
    texts = dict(db.session.connection().execute(_TEXTS, {"ids": list(lacking)}).all())
    better = {}
    for revision_id, result in lacking.items():
        text = texts.get(revision_id) or ""
        if len(text) > SNIPPET_CHARS:
            made = snippet(text)
            if "<mark>" in made:
                better[result.hit.id] = replace(result, hit=replace(result.hit, snippet=made))
    return [better.get(r.hit.id, r) for r in results]


def related(actor: permissions.Actor, document: Document, limit: int = 5) -> list[Result]:
    with unavailable_when_broken(), analysing(document.locale):
        hits = get_index().related(document.id, scope_for(actor), limit=limit)
    return recheck(actor, hits)


def key_terms(actor: permissions.Actor, text: str, limit: int = 8) -> list[str]:
    text = validation.text(text, "text", max_length=MAX_QUERY)
    with unavailable_when_broken(), analysing(locales.default()):
        return get_index().key_terms(text, scope_for(actor), limit=limit)


@contextmanager
def unavailable_when_broken() -> Iterator[None]:
    """Turn an index that cannot be opened or read into "search is unavailable" (a 503), not
    a 500: the database still answers, and the index is rebuilt from it (``kb reindex``)."""
    try:
        yield
    except (SearchError, OSError, EOFError) as exc:
        current_app.logger.warning("search index unavailable: %s", exc, exc_info=True)
        raise SearchUnavailableError(
            "search is unavailable right now; please try again in a moment") from exc
