"""The plain values that cross the search layer's boundary.

The app hands the engine :class:`IndexDoc` values and a :class:`Scope`, and gets back
:class:`SearchPage` and :class:`Hit` values. None of them mention Whoosh, so the engine can be
replaced without touching a caller, and a caller can build them in tests without an index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

#: The two kinds of searchable document.
ARTICLE = "article"
MACRO = "macro"


class SearchError(Exception):
    """Base class for the errors the search engine raises itself."""


class IndexCorruptError(SearchError):
    """The index folder exists but cannot be read.

    Raised by :meth:`kb.search.SearchIndex.open` so the app can answer "search unavailable" and
    rebuild from the database, which is the truth; the index is only a cache of it.
    """


class IndexBusyError(SearchError):
    """Another writer held the index lock for longer than the writer timeout."""


@dataclass(frozen=True)
class IndexDoc:
    """One published document as the index sees it.

    The indexer builds these from the published revision only, so drafts never reach the index.
    """

    #: Document id, unique across kinds (the index's unique key).
    id: int
    #: ``"article"`` or ``"macro"``.
    kind: str
    #: The published revision indexed; compared with the database by reconciliation.
    revision_id: int
    slug: str
    #: For macros the full ``"Billing::Refunds::Refund timeline"`` title.
    title: str
    #: Plain text of the body, already derived from the Markdown.
    text: str
    tags: tuple[str, ...]
    #: Category slug (articles); for macros every prefix of the ``::`` title path, each level
    #: slugified, comma-separated (``"billing,billing::refunds"``; see
    #: :func:`kb.search.schema.category_terms`).
    category: str | None
    #: ``"category-slug/section-slug"`` for articles, None for macros.
    section: str | None
    #: ``"public"`` or ``"internal"`` (macros are always internal).
    visibility: str
    #: The owning user of a personal macro; None for shared documents.
    owner_id: int | None
    updated_at: datetime
    #: The document's locale (``fr``, ``pt-BR``): its words are analysed in that language
    #: (:mod:`kb.search.languages`) and a search in a locale keeps to it. None: English.
    locale: str | None = None


@dataclass(frozen=True)
class Scope:
    """Who is asking, as decided by :mod:`kb.permissions`; the engine only applies it.

    Every query is filtered by it, so a caller cannot forget the permission check.
    """

    #: e.g. ``{"article"}`` for anonymous readers, ``{"article", "macro"}`` for agents.
    kinds: frozenset[str]
    #: ``{"public"}`` or ``{"public", "internal"}``.
    visibilities: frozenset[str]
    #: Personal documents with ``owner_id == user_id`` are visible; other owners' never are.
    user_id: int | None


@dataclass(frozen=True)
class Hit:
    """One search result: enough to render a result line; the app re-checks the database."""

    id: int
    kind: str
    slug: str
    title: str
    #: HTML: escaped text with the matched words wrapped in ``<mark>``; nothing else unescaped.
    snippet: str
    score: float
    #: The query words (as typed, lower-cased) that matched this document.
    matched: tuple[str, ...]


@dataclass(frozen=True)
class SearchPage:
    """One page of results."""

    #: The query as it was understood (cleaned of control characters and capped).
    query: str
    #: The true number of documents matching, not just this page's.
    total: int
    hits: list[Hit]
    #: A "did you mean" corrected query, or None.
    suggestion: str | None
    #: Snippets a text for this query as the hits' snippets were made. The index stores only
    #: the opening of each text, so a hit whose words come later has a snippet without a
    #: match; the caller can make a better one from the whole text.
    snippet: Callable[[str], str] | None = field(default=None, compare=False, repr=False)
