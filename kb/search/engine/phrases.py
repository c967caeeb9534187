"""Checking quoted phrases against positions.

A phrase's candidates are the documents holding all its words (a bitmap intersection); these
functions keep the ones where the words are adjacent and in order. Positions come from
:meth:`kb.search.engine.postings.TermCache.position_blocks` (decoded once per searcher, one flat
:class:`TermPositions` per term and segment), are looked up in document order by bisection with
a moving lower bound, and the common two-word case compares integers.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections import deque
from functools import lru_cache
from itertools import compress, repeat
from operator import add, setitem
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:
    from kb.search.engine.postings import TermCache


class TermPositions:
    """A term's postings with positions in one segment, flat: the ``i``-th document ``ids[i]``
    (ascending) has its positions at ``positions[starts[i]:ends[i]]``. Four bytes a document
    for each array plus four a position; a lookup is one bisection, not a block walk.
    Unpacks as ``ids, starts, ends, positions``."""

    __slots__ = ("ids", "starts", "ends", "positions", "_present")

    def __init__(self, ids: array, starts: array, ends: array, positions: array) -> None:
        self.ids = ids
        self.starts = starts
        self.ends = ends
        self.positions = positions
        self._present: bytes | None = None

    def __iter__(self) -> Iterator[array]:
        return iter((self.ids, self.starts, self.ends, self.positions))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermPositions) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    @property
    def nbytes(self) -> int:
        """Bytes held, counting :meth:`present` as if it were built."""
        return 4 * (3 * len(self.ids) + len(self.positions)) + self._size() + 300

    def _size(self) -> int:
        return self.ids[-1] + 1 if self.ids else 0

    def present(self) -> bytes:
        """A byte per document number (up to the last one held), 1 where the term is: built
        the first time many documents are looked up at once (see :func:`_held_by_both`)."""
        if self._present is None:
            flags = bytearray(self._size())
            deque(map(setitem, repeat(flags), self.ids, repeat(1)), maxlen=0)  # a C loop
            self._present = bytes(flags)
        return self._present


def verify_phrase(cache: "TermCache", fieldnames: tuple[str, ...], stems: list[str],
                  candidates: list[int]) -> set[int]:
    """The ``candidates`` (ascending document numbers) holding ``stems`` as adjacent words in
    one of ``fieldnames``; one forward pass over each word's positions."""
    out: set[int] = set()
    distinct = list(dict.fromkeys(stems))
    offsets = [[i for i, x in enumerate(stems) if x == w] for w in distinct]
    for leafnum, (leaf, base) in enumerate(cache.reader.leaf_readers()):
        top_doc = base + leaf.doc_count_all()
        mine = [d - base for d in candidates if base <= d < top_doc and d not in out]
        for field in fieldnames:
            if not mine or not all((field, w) in leaf for w in distinct):
                continue
            if len(stems) == 2 and len(distinct) == 2:
                first = cache.position_blocks(leafnum, leaf, field, stems[0])
                second = cache.position_blocks(leafnum, leaf, field, stems[1])
                found = _adjacent_pairs(first, second, mine)
                out.update(d + base for d in found)
                mine = [d for d in mine if d not in found]
                continue
            # Rarest word first: later words are only looked up where earlier ones were found.
            order = sorted(range(len(distinct)),
                           key=lambda i: leaf.doc_frequency(field, distinct[i]))
            starts: dict[int, set[int]] | None = None
            for i in order:
                term = cache.position_blocks(leafnum, leaf, field, distinct[i])
                found = _positions(term, mine if starts is None else sorted(starts))
                narrowed: dict[int, set[int]] = {}
                for d, positions in found.items():
                    for off in offsets[i]:
                        shifted = set(positions) if not off else {p - off for p in positions}
                        prior = narrowed.get(d, starts[d] if starts is not None else None)
                        shifted = shifted if prior is None else prior & shifted
                        if not shifted:
                            break
                        narrowed[d] = shifted
                    else:
                        continue
                    narrowed.pop(d, None)
                starts = narrowed
                if not starts:
                    break
            if starts:
                out.update(d + base for d in starts)
                mine = [d for d in mine if d not in starts]
    return out


def _adjacent_pairs(first: TermPositions, second: TermPositions, docs: list[int]) -> set[int]:
    """The ``docs`` where a position of the second word follows one of the first: the two-word
    phrase, most quoted queries.

    A word found once in a document is compared as an integer (with the other's single
    position, or searched for in its positions' array, in C); a set is built only when both
    words occur several times."""
    _, sa, ea, pa = first
    _, sb, eb, pb = second
    out: set[int] = set()
    for d, i, j in _held_by_both(first, second, docs):
        a0, a1, b0, b1 = sa[i], ea[i], sb[j], eb[j]
        once_a, once_b = a1 - a0 == 1, b1 - b0 == 1
        if once_a and once_b:
            adjacent = pb[b0] - pa[a0] == 1
        elif once_a:
            adjacent = pa[a0] + 1 in pb[b0:b1]
        elif once_b:
            adjacent = pb[b0] - 1 in pa[a0:a1]
        else:
            adjacent = not set(pb[b0:b1]).isdisjoint(map(add, pa[a0:a1], repeat(1)))
        if adjacent:
            out.add(d)
    return out


def _held_by_both(first: TermPositions, second: TermPositions,
                  docs: list[int]) -> Iterable[tuple[int, int, int]]:
    """``(document, its index in first, in second)`` for each of ``docs`` (ascending) that both
    terms hold.

    Few documents (a lazy check's batch) are bisected for, in C. Many (every candidate of a
    phrase of common words) are found with each term's flag bytes (:meth:`~TermPositions.present`)
    ANDed as big integers, and their indexes by ``compress`` passes over the flags, all in C:
    a bisection per document and array, or sets of the documents, cost more than the phrase
    checks themselves."""
    ids_a, ids_b = first.ids, second.ids
    if len(docs) * 4 < min(len(ids_a), len(ids_b)):
        na, nb = len(ids_a), len(ids_b)
        found = zip(docs, map(bisect_left, repeat(ids_a), docs),
                    map(bisect_left, repeat(ids_b), docs))
        return ((d, i, j) for d, i, j in found
                if i < na and j < nb and ids_a[i] == d and ids_b[j] == d)
    in_a, in_b = first.present(), second.present()
    size = max(len(in_a), len(in_b))
    asked = bytearray(size)
    deque(map(setitem, repeat(asked), docs[:bisect_left(docs, size)], repeat(1)), maxlen=0)
    held = (int.from_bytes(in_a, "little") & int.from_bytes(in_b, "little")
            & int.from_bytes(asked, "little")).to_bytes(size, "little")
    in_both_a = bytes(compress(held, in_a))  # a flag per document of first: held by both?
    at_b = compress(range(len(ids_b)), compress(held, in_b))
    return zip(compress(ids_a, in_both_a), compress(range(len(ids_a)), in_both_a), at_b)


def _positions(term: TermPositions, docs: list[int]) -> dict[int, array]:
    """Positions of one term in each of ``docs`` (ascending) that holds it."""
    out = {}
    ids, starts, ends, positions = term
    n = len(ids)
    i = 0
    for d in docs:
        i = bisect_left(ids, d, i)
        if i == n:
            break
        if ids[i] == d:
            out[d] = positions[starts[i]:ends[i]]
    return out


def flatten(blocks: list[tuple]) -> TermPositions:
    """One segment's ``(ids, value ends, values)`` blocks, in document order, as one
    :class:`TermPositions` (positions packed as 32-bit integers, see
    :class:`kb.search.schema.FastPositions`)."""
    ids = array("I")
    ends = array("I")
    parts: list[bytes] = []
    size = 0
    for block_ids, block_ends, data in blocks:
        ids.extend(block_ids)
        ends.frombytes(_in_positions(block_ends, size >> 2))
        parts.append(data)
        size += len(data)
    positions = array("I")
    positions.frombytes(b"".join(parts))
    starts = ends[:-1]
    if ends:
        starts.insert(0, 0)
    return TermPositions(ids, starts, ends, positions)


def _in_positions(byte_ends: array, base: int) -> bytes:
    """``byte_ends`` (a block's value ends in bytes, multiples of 4: 32-bit positions) as ends
    in positions, plus ``base``: the bytes of an ``array("I")``.

    Per item in Python this was a tenth of a cold phrase query. Here the block is one big
    integer of 32-bit lanes: a shift by two divides every lane by 4 (the bits shifted out of
    each lane are the two zero bits at the bottom of the next one), and adding ``base`` times
    a 1 in every lane adds it to each; no lane carries into the next while ends fit 32 bits."""
    lanes = len(byte_ends)
    whole = int.from_bytes(byte_ends.tobytes(), sys.byteorder) >> 2
    return (whole + base * _ones(lanes)).to_bytes(4 * lanes, sys.byteorder)


@lru_cache(maxsize=64)
def _ones(lanes: int) -> int:
    """An integer with a 1 in each of ``lanes`` 32-bit lanes."""
    return int.from_bytes(array("I", [1]).tobytes() * lanes, sys.byteorder)
