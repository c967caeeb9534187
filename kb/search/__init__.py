"""Search: the one package that knows Whoosh.

Layers, from the outside in:

- ``indexer`` (app glue, written against the database): follows the search outbox, turns
  published revisions into :class:`IndexDoc` values, calls :meth:`SearchIndex.apply` and serves
  the search views. It is the only part that knows Flask or the database.
- :mod:`kb.search.index` (:class:`SearchIndex`): the engine's front. One writer at a time
  across processes, a searcher kept open and refreshed, scope filters, result cache, and the
  all-words / typo / most-words strategy.
- :mod:`kb.search.postings`: ranking and counting. Each term's postings read once per searcher
  into a bitmap (matching and exact totals in a few big-integer operations) and an
  impact-ordered list (top hits by the threshold algorithm); phrases checked on positions.
- :mod:`kb.search.query`: what people type turned into the terms to look up (never the Whoosh
  query language), typo corrections from the index's vocabulary, snippets.
- :mod:`kb.search.storage`: generations on disk, CURRENT, crash recovery, document fields.
- :mod:`kb.search.schema` and :mod:`kb.search.codec`: fields and analysers (stemming, accent
  folding, edge n-grams); a W3 codec variant with compact posting blocks.
- :mod:`kb.search.documents`: the plain dataclasses and errors that cross the boundary.

Nothing outside this package imports ``whoosh``; callers see only the names below. The index is a
cache of the database: it can be rebuilt at any time, and results are re-checked against the
database before they are shown.
"""

from kb.search.documents import (
    Hit,
    IndexBusyError,
    IndexCorruptError,
    IndexDoc,
    Scope,
    SearchError,
    SearchPage,
)
from kb.search.index import SearchIndex

__all__ = [
    "Hit",
    "IndexBusyError",
    "IndexCorruptError",
    "IndexDoc",
    "Scope",
    "SearchError",
    "SearchIndex",
    "SearchPage",
]
