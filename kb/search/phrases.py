"""Checking quoted phrases against positions.

A phrase's candidates are the documents holding all its words (a bitmap intersection); these
functions keep the ones where the words are adjacent and in order. Positions come from
:meth:`kb.search.postings.TermCache.position_blocks` (decoded once per searcher), are looked up
in document order with bisection inside blocks, and the common two-word case compares integers.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from itertools import accumulate

from whoosh.matching.wrappers import FilterMatcher

from kb.search.codec import CompactLeafMatcher

if TYPE_CHECKING:
    from kb.search.postings import TermCache

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
                blocks = cache.position_blocks(leafnum, leaf, field, distinct[i])
                found = _positions(blocks, mine if starts is None else sorted(starts),
                                   leaf.schema[field].format.decode_positions)
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


def _adjacent_pairs(first: list[tuple], second: list[tuple], docs: list[int]) -> set[int]:
    """The ``docs`` where a position of the second word follows one of the first: the two-word
    phrase, most quoted queries, in one loop over both posting lists (a single position each,
    the usual case, compares two integers without building sets)."""
    out: set[int] = set()
    a = b = 0
    na, nb = len(first), len(second)
    order = sys.byteorder
    for d in docs:
        while a < na and first[a][0] < d:
            a += 1
        while b < nb and second[b][0] < d:
            b += 1
        if a == na or b == nb:
            break
        _, ids_a, ends_a, data_a = first[a]
        i = bisect_left(ids_a, d)
        if i == len(ids_a) or ids_a[i] != d:
            continue
        _, ids_b, ends_b, data_b = second[b]
        j = bisect_left(ids_b, d)
        if j == len(ids_b) or ids_b[j] != d:
            continue
        pa = data_a[ends_a[i - 1] if i else 0:ends_a[i]]
        pb = data_b[ends_b[j - 1] if j else 0:ends_b[j]]
        if len(pa) == 4 and len(pb) == 4:
            if int.from_bytes(pb, order) - int.from_bytes(pa, order) == 1:
                out.add(d)
            continue
        xs, ys = array("I"), array("I")
        xs.frombytes(pa)
        ys.frombytes(pb)
        if not set(xs).isdisjoint([y - 1 for y in ys]):
            out.add(d)
    return out


def _positions(blocks: list[tuple], docs: list[int],
               decode: Callable[[bytes], Iterable[int]]) -> dict[int, Iterable[int]]:
    """Positions of one term in each of ``docs`` (ascending) that holds it: blocks skipped by
    their last id, documents found in a block by bisection."""
    out = {}
    b = 0
    nblocks = len(blocks)
    for d in docs:
        while b < nblocks and blocks[b][0] < d:
            b += 1
        if b == nblocks:
            break
        _, ids, ends, data = blocks[b]
        i = bisect_left(ids, d)
        if i < len(ids) and ids[i] == d:
            out[d] = decode(data[ends[i - 1] if i else 0:ends[i]])
    return out


def read_position_blocks(leaf, field: str, text: str) -> list[tuple]:
    """A term's postings in one segment as ``(last id, ids, value ends, values)`` blocks, the
    encoded positions of a block joined into one bytes object (about 14 bytes a posting)."""
    m = leaf.postings(field, text)
    raw = m.child if isinstance(m, FilterMatcher) else m
    blocks = []
    if isinstance(raw, CompactLeafMatcher):
        while not raw._atend:
            raw._read_ids()
            packed = raw.packed_values()
            if packed is None:
                raw._read_values()
                packed = _pack(raw._values)
            blocks.append((raw._ids[-1], raw._ids) + packed)
            raw._next_block()
        return blocks
    ids, values = [], []
    while raw.is_active():
        ids.append(raw.id())
        values.append(raw.value())
        raw.next()
    return [(ids[-1], array("i", ids)) + _pack(values)] if ids else []


def _pack(values) -> tuple[array, bytes]:
    return array("I", accumulate(map(len, values))), b"".join(values)
