"""Search: the one package that knows Whoosh, in two layers.

The product, here:

- :mod:`~kb.search.indexer` (app glue, written against the database): follows the search outbox,
  turns published revisions into :class:`IndexDoc` values and calls :meth:`SearchIndex.apply`.
- :mod:`~kb.search.service`: who may see what (asking :mod:`kb.permissions`), results re-checked
  against the database, search logs; :mod:`~kb.search.suggesting`: the documents that answer a
  customer's message; :mod:`~kb.search.failures`: documents the index refused.
- :mod:`~kb.search.languages`: which language's stemmer and stop words read a document or a
  query (its locale's).
- :mod:`~kb.search.index` (:class:`SearchIndex`): one writer at a time across processes, a
  searcher kept open and refreshed, scope filters, the result cache.
- :mod:`~kb.search.ranking`: the strategy (all words, then most words; typo corrections; prefixes
  as you type; quoted phrases).
- :mod:`~kb.search.query`: what people type turned into terms (never the Whoosh query
  language), typo corrections from the vocabulary, snippets.
- :mod:`~kb.search.schema` and :mod:`~kb.search.documents`: the index's fields and analysers, and
  the plain dataclasses and errors that cross the boundary (the engine reads both).

The engine, :mod:`kb.search.engine` (see its ``README.md``): the posting codec, per-searcher term
caches, bitmaps, top-k ranking, phrase checks, the bulk-build pool and memory-mapped
generations on disk. Only it uses Whoosh's internals.

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
