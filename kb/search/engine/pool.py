"""The postings of a bulk build, kept grouped by term instead of as one tuple per posting.

Whoosh's writer hands every posting to a pool as a ``(field, term, docnum, weight, value)``
tuple; the stock pool sorts all of them at the end and, past its memory limit, pickles them one
by one into sorted runs and merges those a posting at a time: a large index has tens of
millions of postings, and pickling, unpickling, sorting and merging them was a large share of
``kb reindex``. Documents arrive in document order, so each term's postings do too:
:class:`TermPool` appends them to the term's arrays, sorts only the terms, and spills a run as
whole terms (``marshal``, a chunk of terms at a time). Merging runs is then a term at a time,
and the codec's field writer (:meth:`kb.search.engine.codec.CompactFieldWriter.add_postings`)
writes each term's blocks straight from its arrays.

Only :func:`kb.search.engine.storage.new_index` uses it: an incremental commit's few documents go
through Whoosh's own pool.
"""

from __future__ import annotations

import heapq
import marshal
import os
import struct
from array import array
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

#: Terms per marshalled chunk of a run (a run is read back a chunk at a time).
CHUNK_TERMS = 4096
#: Rough bytes per posting held besides its value: the id and weight arrays' items, a list
#: slot for the value, and the amortised growth of all three.
POSTING_BYTES = 24
TERM_BYTES = 300

_LENGTH = struct.Struct("<I")

#: One term's postings: ``(field, term bytes, ids, weights, values)``; ``values`` is empty when
#: the field's format stores none, else one ``bytes`` per id.
TermPostings = tuple[str, bytes, array, array, list]


class TermPool:
    """Stands in for ``SegmentWriter.pool`` (``add``, ``iter_postings``, ``cleanup``).

    :param tempstore: the writer's temporary storage, for runs.
    :param limitmb: memory for postings before the pool spills a run.
    """

    def __init__(self, tempstore, limitmb: float) -> None:
        self.tempstore = tempstore
        self.limit = int(limitmb * 2**20)
        self._terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}
        self._size = 0
        self._runs: list[str] = []

    def add(self, item: tuple) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        entry = self._terms.get(key)
        if entry is None:
            entry = self._terms[key] = (array("I"), array("f"), [])
            self._size += TERM_BYTES + len(tbytes)
        ids, weights, values = entry
        if ids and docnum <= ids[-1]:
            raise ValueError(f"{fieldname}:{tbytes!r}: document {docnum} after {ids[-1]}; "
                             "a term pool takes documents in order")
        ids.append(docnum)
        weights.append(weight)
        if vbytes:
            values.append(vbytes)
            self._size += len(vbytes)
        self._size += POSTING_BYTES
        if self._size > self.limit:
            self._spill()

    def iter_postings(self) -> "GroupedPostings":
        runs, self._runs = self._runs, []
        current = sorted(self._terms.items())
        self._terms, self._size = {}, 0
        streams = [self._read_run(path) for path in runs]
        streams.append((f, t, ids, w, v) for (f, t), (ids, w, v) in current)
        return GroupedPostings(_concatenated(streams))

    def cleanup(self) -> None:
        for path in self._runs:
            self._remove(path)
        self._runs = []
        self._terms, self._size = {}, 0

    # -- runs --------------------------------------------------------------------------------

    def _spill(self) -> None:
        """Write the terms held so far as a sorted run, a chunk of terms at a time."""
        path = f"terms-{len(self._runs)}-{os.getpid()}-{id(self)}.run"
        items = sorted(self._terms.items())
        self._terms, self._size = {}, 0
        with self.tempstore.create_file(path) as f:
            for start in range(0, len(items), CHUNK_TERMS):
                chunk = marshal.dumps([
                    (field, tbytes, ids.tobytes(), weights.tobytes(), values)
                    for (field, tbytes), (ids, weights, values) in items[start:start + CHUNK_TERMS]
                ])
                f.write(_LENGTH.pack(len(chunk)))
                f.write(chunk)
        self._runs.append(path)

    def _read_run(self, path: str) -> Iterator[TermPostings]:
        try:
            with self.tempstore.open_file(path) as f:
                while header := f.read(_LENGTH.size):
                    for field, tbytes, ids, weights, values in marshal.loads(
                            f.read(_LENGTH.unpack(header)[0])):
                        yield field, tbytes, _array("I", ids), _array("f", weights), values
        finally:
            self._remove(path)

    def _remove(self, path: str) -> None:
        try:
            self.tempstore.delete_file(path)
        except OSError:
            pass


class GroupedPostings:
    """The pool's contents in (field, term) order, a term at a time, for
    :class:`kb.search.engine.codec.CompactFieldWriter` (which tells them from Whoosh's pool by
    :meth:`terms`)."""

    def __init__(self, terms: Iterator[TermPostings]) -> None:
        self._terms = terms

    def terms(self) -> Iterator[TermPostings]:
        return self._terms


def _concatenated(streams: list[Iterator[TermPostings]]) -> Iterator[TermPostings]:
    """Merge sorted runs by term; a term in several runs gets their postings in run order
    (which is document order: a run holds only documents added after the previous one's)."""
    merged = heapq.merge(*streams, key=_term_key)  # ties keep the streams' order
    for key, group in groupby(merged, key=_term_key):
        first = next(group)
        rest = list(group)
        if not rest:
            yield first
            continue
        ids, weights, values = array("I", first[2]), array("f", first[3]), list(first[4])
        for _, _, more_ids, more_weights, more_values in rest:
            ids.extend(more_ids)
            weights.extend(more_weights)
            values.extend(more_values)
        yield key[0], key[1], ids, weights, values


_term_key = itemgetter(0, 1)


def _array(typecode: str, raw: bytes) -> array:
    out = array(typecode)
    out.frombytes(raw)
    return out
