"""Terms decoded once per searcher: bitmaps for matching and counting, impact-ordered lists
for ranking.

Whoosh's matchers score one posting at a time in Python. That is fine for a few thousand
documents, but common words over a large help center match most of it, and ranking and counting
them that way is slow (``bench/search_engine.py`` measures it). So the engine reads each term's
postings once per searcher and keeps, per term:

- a bitmap of its documents as a Python ``int``: intersections, unions and the total count of a
  query are then a handful of big-integer operations, done in C;
- its documents sorted by their BM25 contribution ("impact"), and a table for random access.

The top N documents come from :mod:`kb.search.engine.topk` (the threshold algorithm with
MaxScore) over these lists.

Phrases are checked against positions (decoded blocks cached too), in document order. Every
candidate (document with all the words) is checked, so the total is exact, unless there are more
than :data:`PHRASE_VERIFY_ALL` and a sample says the phrase is common among them: then only the
documents being ranked are checked and the total is estimated from the sample.

Everything here is per searcher: a commit opens a new searcher and a new, cold
:class:`TermCache`. The searched fields are partitioned by kind (see :mod:`kb.search.schema`):
``TermCache.term("body", "refund", ("macro",))`` reads the macros' part only. Scores do not
depend on the kinds asked for: document frequency and average field length are taken over
every kind.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from itertools import compress, islice, repeat
from operator import add, ge, gt, mul, setitem, truediv

from whoosh.reading import TermNotFound

from kb.search.engine.bitmaps import to_bits
from kb.search.engine.leaves import (_deleted_in, _leaf_lengths, _read_postings, _Scaled,
                                     _sort_from, _TfNorms, read_position_blocks)
from kb.search.engine.lexicon import Lexicon, _text
from kb.search.engine.phrases import TermPositions, flatten
from kb.search.schema import KINDS, part

#: BM25 parameters; B per field (titles and tags are short, length says little about them).
K1 = 1.2
FIELD_B = {"title": 0.5, "tags": 0.3, "title_ng": 0.5, "body": 0.75}

#: Memory for decoded terms per searcher (12 bytes a posting, plus a 4-byte table entry per
#: document for dense terms).
CACHE_BYTES = 96 * 2**20
#: Terms in more than 1/DENSE_RATIO of documents get a table indexed by document number for
#: ranking, looked up instead of bisecting their sorted arrays...
DENSE_RATIO = 8
#: ...once ranking has looked up more than 1/TABLE_AFTER of their documents: filling a table
#: costs about as much as that many bisections, and most queries score a few hundred
#: documents.
TABLE_AFTER = 4

#: Typo corrections bisect a list of the vocabulary's words in memory up to this many words
#: (~70 bytes each), and walk Whoosh's term table on disk above it.
WORDS_IN_MEMORY = 300_000

#: Bitmaps kept for filter terms and vocabulary checks (each doc_count / 8 bytes).
FILTER_TERMS = 2048

#: Above this many candidate documents a phrase may be checked lazily (see the module doc).
PHRASE_VERIFY_ALL = 2000
#: Memory for decoded positions kept for phrase checks, per searcher.
POSITIONS_BYTES = 48 * 2**20
PHRASE_SAMPLE = 200

#: How many of a long list's documents :meth:`Term.ranked` sorts first (see there).
RANKED_HEAD = 1024


class Term:
    """One term's postings in one searcher: its documents as a bitmap, and their document numbers
    and BM25 contributions ("impacts") in document order, 8 bytes a posting (12 once sorted).

    What only some queries need is built the first time it is asked for:

    - for a term read with codec keys (:meth:`from_keys`), the list of impacts: until a walk
      or a sum needs all of them, an impact is looked up by its document's key. A prefix's
      common completions are rarely walked, only looked up for the few hundred documents
      ranked, so their lists are not built for as-you-type queries;
    - the documents sorted by impact (:meth:`ranked`; sorting a whole common term took longer
      than loading it): a phrase's words and rare intersections, which :func:`top` scores
      directly, never need it;
    - for a term in many documents, a table of impacts by document number.
    """

    __slots__ = ("field", "text", "df", "bits", "ids", "_impacts", "_keys", "_by_key",
                 "doc_count", "_order", "_cut", "_table", "lookups", "table_after", "_peak")

    def __init__(self, field: str, text: str, ids: Iterable[int],
                 impacts: Iterable[float] | None, doc_count: int) -> None:
        """:param impacts: None for :meth:`from_keys`."""
        self.field = field
        self.text = text
        self.ids = ids if isinstance(ids, array) and ids.typecode == "I" else array("I", ids)
        self._impacts: array | None = (
            impacts if impacts is None or isinstance(impacts, array) and impacts.typecode == "f"
            else array("f", impacts))
        self._keys: list[int] | None = None
        self._by_key: dict[int, float] | None = None
        self.df = len(self.ids)
        self.doc_count = doc_count
        self.bits = to_bits(self.ids, doc_count)
        self._order: array | None = None
        self._cut: float | None = None
        self._table: array | None = None
        #: Documents ranking looked this term up for; past df / table_after it builds the table.
        self.lookups, self.table_after = 0, TABLE_AFTER
        self._peak: float | None = None

    @classmethod
    def from_keys(cls, field: str, text: str, ids: array, keys: list[int],
                  by_key: dict[int, float], doc_count: int) -> "Term":
        """A term whose documents' impacts are ``by_key[key]`` for their codec ``keys`` (see
        :class:`~kb.search.engine.codec.CompactPostingsWriter`). ``by_key`` must give values exact
        in 32 bits, so an impact looked up is the same float as one from :attr:`impacts`."""
        term = cls(field, text, ids, None, doc_count)
        term._keys = keys
        term._by_key = by_key
        return term

    @property
    def impacts(self) -> array:
        """Each document's impact, in document order (built on first use)."""
        if self._impacts is None:
            # Through a list: array() takes a list in one go, an iterator an item at a time.
            self._impacts = array("f", list(map(self._by_key.__getitem__, self._keys)))
            self._keys = self._by_key = None
        return self._impacts

    def impact_at(self, i: int) -> float:
        """The impact of the ``i``-th document (in document order)."""
        if self._impacts is not None:
            return self._impacts[i]
        return self._by_key[self._keys[i]]

    def impacts_where(self, selectors: Iterable[int]) -> Iterable[float]:
        """The impacts of the documents (in document order) whose selector is true."""
        if self._impacts is not None:
            return compress(self._impacts, selectors)
        return map(self._by_key.__getitem__, compress(self._keys, selectors))

    def impact_getter(self) -> Callable[[int], float]:
        """:meth:`impact_at`, as a C-level method once the impacts are built."""
        return self._impacts.__getitem__ if self._impacts is not None else self.impact_at

    @property
    def peak(self) -> float:
        """The highest impact: what the term can add to any document's score."""
        if self._peak is None:
            if self._impacts is None:  # each distinct key once
                self._peak = max(map(self._by_key.__getitem__, set(self._keys)), default=0.0)
            else:
                self._peak = max(self._impacts, default=0.0)
        return self._peak

    @property
    def dense(self) -> bool:
        return self.df * DENSE_RATIO > self.doc_count

    @property
    def sorted(self) -> bool:
        """Whether :meth:`ranked` has sorted (the head of) the list already."""
        return self._order is not None

    @property
    def size(self) -> int:
        """Bytes held, counting what is built on demand as if it were built (keys, a list, take
        4 bytes a posting more than the impacts built from them)."""
        table = 4 * (self.doc_count + 1) if self.dense else 0
        per_posting = 12 if self._keys is None else 16
        return per_posting * self.df + table + (self.doc_count >> 3) + 200

    def ranked(self, n: int) -> array:
        """Document numbers, highest impact first: at least the first ``n`` (all when ``n`` is
        df or more); ties in document order.

        The threshold algorithm rarely walks past the first few hundred documents of a list, so
        a long list is sorted in two goes: the documents with about the :data:`RANKED_HEAD`
        highest impacts, then, only if a walk gets past those, the rest."""
        if self._order is None:
            if self.df > 4 * RANKED_HEAD and n <= RANKED_HEAD:
                self._sort_head(n)
            if self._order is None:
                self._order = self._sorted_ids(range(self.df))
        elif self._cut is not None and len(self._order) < min(n, self.df):
            below = compress(range(self.df), map(gt, repeat(self._cut), self.impacts))
            self._order.extend(self._sorted_ids(below))
            self._cut = None
        return self._order

    def _sort_head(self, n: int) -> None:
        """Sort the documents whose impact is at least a cut estimated from a sample to leave
        about :data:`RANKED_HEAD` above it; give up (leaving the order unbuilt) when ties put
        more than half the list above the cut, or fewer than ``n`` documents."""
        step = self.df // 256
        sample = sorted(self.impacts[::step], reverse=True)
        cut = sample[min(RANKED_HEAD // step, len(sample) - 1)]
        head = list(compress(range(self.df), map(ge, self.impacts, repeat(cut))))
        if n <= len(head) <= self.df // 2:
            self._order = self._sorted_ids(head)
            self._cut = cut

    def _sorted_ids(self, indices: Iterable[int]) -> array:
        """The document numbers at ``indices`` (ascending), by impact, highest first."""
        ranked = sorted(indices, key=self.impacts.__getitem__, reverse=True)
        return array("I", map(self.ids.__getitem__, ranked))

    @property
    def table(self) -> array | None:
        """Impact by document number, for a term in more than 1/DENSE_RATIO of documents that
        has been looked up often (see :data:`TABLE_AFTER`; ``table_after = 0``: never): a lookup
        instead of a bisection, for 4 bytes a document."""
        if self._table is None and self.dense and self.lookups * self.table_after > self.df:
            table = array("f", bytes(4 * (self.doc_count + 1)))
            deque(map(setitem, repeat(table), self.ids, self.impacts), maxlen=0)  # a C loop
            self._table = table
        return self._table

    def impact(self, docnum: int) -> float:
        table = self._table
        if table is not None:
            return table[docnum]
        i = bisect_left(self.ids, docnum)
        return self.impact_at(i) if i < self.df and self.ids[i] == docnum else 0.0


class TermCache:
    """Decoded, scored postings of the terms queried so far on one searcher.

    Not thread-safe: the index calls it under its searcher lock.
    """

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.doc_count = self.reader.doc_count_all()
        self.live = max(1, searcher.doc_count())
        self._deleted = {off + d for leaf, off in self.reader.leaf_readers()
                         for d in _deleted_in(leaf)}
        self._terms: OrderedDict[tuple[str, str], Term | None] = OrderedDict()
        self._size = 0
        self._lengths: dict[str, list[int]] = {}
        self._filter_bits: dict[tuple, int] = {}
        self._denominators: dict[str, list[float]] = {}
        self._tf_norms: dict[str, _TfNorms] = {}
        self._positions: OrderedDict[tuple, TermPositions] = OrderedDict()
        self._positions_total = 0
        self._words: dict[str, list[str] | None] = {}
        self.all_bits = (1 << self.doc_count) - 1  # every document number
        if self._deleted:
            self.all_bits &= ~self.bits_of(self._deleted)

    def bits_of(self, docnums: Iterable[int]) -> int:
        return to_bits(docnums, self.doc_count)

    def nbytes(self) -> int:
        return (self.doc_count >> 3) + 1

    def position_blocks(self, leafnum: int, leaf, field: str, text: str) -> TermPositions:
        """A term's postings with positions in one segment, flattened, for phrase checks
        (cached: reading a block is a zlib and an unpickle, the bulk of checking a phrase)."""
        key = (leafnum, field, text)
        if key in self._positions:
            self._positions.move_to_end(key)
            return self._positions[key]
        found = read_position_blocks(leaf, field, text)
        self._keep_positions(key, found)
        return found

    def _keep_positions(self, key: tuple, found: TermPositions) -> None:
        if key in self._positions:
            self._positions_total -= self._positions.pop(key).nbytes
        self._positions[key] = found
        self._positions_total += found.nbytes
        while self._positions_total > POSITIONS_BYTES and len(self._positions) > 1:
            _, old = self._positions.popitem(last=False)
            self._positions_total -= old.nbytes

    def bits(self, field: str, text: str) -> int:
        """Just the bitmap of a term's live documents (for filters: no scores needed).

        ``field`` is a Whoosh field: a filter field, or one kind's part of a text field."""
        key = ("\0bits", field, text)
        if key not in self._filter_bits:
            ids: list[int] = []
            if (field, text) in self.reader:
                for leaf, offset in self.reader.leaf_readers():
                    if (field, text) in leaf:
                        _read_postings(leaf, field, text, offset, ids, None)
            if len(self._filter_bits) >= FILTER_TERMS:
                self._filter_bits.clear()
            self._filter_bits[key] = self.bits_of(ids) & self.all_bits
        return self._filter_bits[key]

    def text_bits(self, field: str, text: str, kinds: tuple[str, ...]) -> int:
        """The bitmap of a text field's term over the parts of ``kinds``."""
        out = 0
        for kind in kinds:
            out |= self.bits(part(field, kind), text)
        return out

    def lexicon(self, kinds: tuple[str, ...]) -> "Lexicon":
        return Lexicon(self.reader, kinds, self.words)

    def words(self, field: str) -> list[str] | None:
        """Every term of an unpartitioned field, sorted, read once per searcher the first time a
        typo is corrected:
        walking the automaton of a word's misspellings looks up hundreds of terms, and a
        bisection of this list answers each in C where Whoosh's reads and decodes the on-disk
        term table's keys (two thirds of correcting a word). None above
        :data:`WORDS_IN_MEMORY` terms."""
        if field not in self._words:
            try:
                words = list(islice(map(_text, self.reader.lexicon(field)), WORDS_IN_MEMORY + 1))
            except (KeyError, TermNotFound):  # no such field yet
                words = []
            self._words[field] = words if len(words) <= WORDS_IN_MEMORY else None
        return self._words[field]

    def term(self, field: str, text: str, kinds: tuple[str, ...] = KINDS,
             positions: bool = False) -> Term | None:
        """A text field's term over the documents of ``kinds`` (a canonical tuple, see
        :func:`kb.search.schema.kinds_of`), scored as in the whole index.

        :param positions: the term is a word of a quoted phrase: when it is read now, keep its
            positions too (as :meth:`position_blocks` would read them), from the same pass over
            its posting blocks rather than a second one."""
        key = (field, text, kinds)
        if key in self._terms:
            self._terms.move_to_end(key)
            return self._terms[key]
        found = self._load(field, text, kinds, positions)
        self._terms[key] = found
        self._size += found.size if found else 64
        while self._size > CACHE_BYTES and len(self._terms) > 1:
            _, old = self._terms.popitem(last=False)
            self._size -= old.size if old else 64
        return found

    def _load(self, field: str, text: str, kinds: tuple[str, ...],
              positions: bool = False) -> Term | None:
        for keyed in (True, False):  # weights and per-document lengths if a segment has no keys
            read = self._postings(field, text, kinds, positions, keyed)
            if read is not None:
                break
        ids, values, df = read
        if not ids:
            return None
        scale = math.log(1 + (self.live - df + 0.5) / (df + 0.5)) * (K1 + 1)  # idf x (K1 + 1)
        # As C-level maps: a list comprehension here was the largest cost of loading a term.
        # Through a list: array() takes a list in one go, an iterator a costly item at a time.
        if keyed:
            return Term.from_keys(field, text, ids, values, _Scaled(self.tf_norms(field), scale),
                                  self.doc_count)
        lengths = map(self.denominators(field).__getitem__, ids)
        impacts = list(map(mul, repeat(scale), map(truediv, values, map(add, values, lengths))))
        return Term(field, text, ids, array("f", impacts), self.doc_count)

    def _postings(self, field: str, text: str, kinds: tuple[str, ...], positions: bool,
                  keyed: bool) -> tuple[array, list[int], int] | None:
        """``(ids, values, document frequency)``: a text field's live postings over
        ``kinds``, in document order, with each posting's codec key (``keyed``, see
        :class:`~kb.search.engine.codec.CompactPostingsWriter`) or weight; None when asked for keys
        and a segment has none. The frequency counts every kind (the idf is the whole
        index's whatever the scope).

        Over several kinds, a segment's parts are sorted together only where their documents
        interleave: a rebuild numbers the documents a kind at a time (see
        :func:`kb.search.indexer.all_published`), and sorting was a large part of loading a term
        over articles and macros for an agent."""
        ids = array("I")
        values: list[int] = []
        names = []
        df = 0
        for kind in KINDS:
            name = part(field, kind)
            if (name, text) not in self.reader:
                continue
            if kind not in kinds:
                df += self.reader.doc_frequency(name, text)
            else:
                names.append(name)
        for leafnum, (leaf, offset) in enumerate(self.reader.leaf_readers()):
            start = len(ids)
            ordered = True
            for name in names:
                if (name, text) not in leaf:
                    continue
                end = len(ids)
                blocks: list[tuple] | None = [] if positions else None
                if not _read_postings(leaf, name, text, offset, ids, values, blocks, keyed):
                    return None
                if blocks is not None:
                    self._keep_positions((leafnum, name, text), flatten(blocks))
                ordered = ordered and (end == start or len(ids) == end or ids[end - 1] < ids[end])
            if not ordered:
                _sort_from(start, ids, values)
        if self._deleted:
            live = [d not in self._deleted for d in ids]
            ids, values = array("I", compress(ids, live)), list(compress(values, live))
        return ids, values, df + len(ids)

    def tf_norms(self, field: str) -> "_TfNorms":
        """A field's BM25 term-frequency factor by codec key (kept per searcher: the average
        length it depends on changes with every commit)."""
        if field not in self._tf_norms:
            self._tf_norms[field] = _TfNorms(*self._length_norm(field))
        return self._tf_norms[field]

    def denominators(self, field: str) -> list[float]:
        """BM25's length normalisation ``K1 * (1 - b + b * length / average)`` per document
        (for segments whose postings carry no length, see :meth:`_postings`)."""
        if field not in self._denominators:
            norm, slope = self._length_norm(field)
            lengths = self.lengths(field)
            # Lengths are stored as a byte, so there are few distinct ones: compute each once
            # and look them up per document in C (not a comprehension).
            by_length = {n: norm + slope * n for n in set(lengths)}
            self._denominators[field] = list(map(by_length.__getitem__, lengths))
        return self._denominators[field]

    def _length_norm(self, field: str) -> tuple[float, float]:
        """``(norm, slope)``: BM25's length normalisation is ``norm + slope * length``, the
        average length taken over every kind's part of the field."""
        total = sum(self.reader.field_length(part(field, kind)) for kind in KINDS)
        avg = max(1e-9, total / self.live)
        b = FIELD_B.get(field, 0.75)
        return K1 * (1 - b), K1 * b / avg

    def lengths(self, field: str) -> list[int]:
        """Length of a text field in every document (by global number), read in bulk once: a
        document's length is in its own kind's part, zero in the others."""
        if field not in self._lengths:
            total: list[int] | None = None
            for kind in KINDS:
                out: list[int] = []
                for leaf, _ in self.reader.leaf_readers():
                    out.extend(_leaf_lengths(leaf, part(field, kind)))
                total = out if total is None else list(map(add, total, out))
            self._lengths[field] = total or []
        return self._lengths[field]
