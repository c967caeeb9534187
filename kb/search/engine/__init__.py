"""The retrieval engine under kb's search: the only code in ``kb`` that reaches into Whoosh's
internals (hence the exact ``whoosh-reloaded`` pin). See ``README.md`` here for why it exists
and the on-disk format and its version.

The layer above (:mod:`kb.search.index`, :mod:`kb.search.ranking`) uses it through these names:

- **open a snapshot**: :func:`read_current` and :func:`open_generation` give the live index; per
  searcher, :class:`TermCache` holds decoded terms and :func:`read_meta` the index's meta record;
- **top-k for weighted terms with filters**: :func:`top` ranks ``(Term, weight)`` pairs over an
  eligibility bitmap; :func:`to_bits`, :func:`docnums`, :func:`popcount`, :func:`match_counts`
  and :func:`exactly` build and count those bitmaps;
- **phrase check**: :func:`verify_phrase` on positions;
- **term expansion and vocabulary**: :class:`Lexicon` (is a term indexed, in how many documents,
  which terms start with a prefix or lie within an edit distance);
- **Whoosh's own types the layer above meets**: :class:`FileIndex`, :class:`FileLock`,
  :class:`LockError`, :class:`TermNotFound`;
- **building**: :func:`new_index`, :func:`create_generation`, :func:`write_current`,
  :func:`remove_stale`, :class:`MemoryStorage`, :class:`Codec`.

Behaviour is fixed here: the product's decisions (what people type, the all-words / fallback /
typo / prefix strategy, snippets, scope) live in :mod:`kb.search`.
"""

from whoosh.index import FileIndex, LockError
from whoosh.reading import TermNotFound
from whoosh.util.filelock import FileLock

from kb.search.engine.bitmaps import docnums, exactly, match_counts, popcount, to_bits
from kb.search.engine.codec import Codec
from kb.search.engine.phrases import verify_phrase
from kb.search.engine.lexicon import Lexicon
from kb.search.engine.postings import Term, TermCache
from kb.search.engine.storage import (MemoryStorage, create_generation, new_index, open_generation,
                                      read_current, read_meta, remove_stale, write_current)
from kb.search.engine.topk import top

__all__ = [
    "FileIndex", "FileLock", "LockError", "TermNotFound", "Codec", "Lexicon", "MemoryStorage",
    "Term", "TermCache", "create_generation", "docnums",
    "exactly", "match_counts", "new_index", "open_generation", "popcount", "read_current",
    "read_meta", "remove_stale", "to_bits", "top", "verify_phrase", "write_current",
]
