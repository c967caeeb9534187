"""Reading one segment ("leaf") of the index: a term's postings as arrays, its positions, the
deleted documents and field lengths, and the per-field scoring tables built from them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from whoosh.matching.wrappers import FilterMatcher

from kb.search.engine.codec import (
    BYTE_LENGTHS, CompactLeafMatcher, _PerDocReader, joined_values, weight_of,
)
from kb.search.engine.phrases import TermPositions, flatten


class _Scaled(dict):
    """One term's impact by codec key: ``scale`` (its idf x (K1 + 1)) times the field's
    :class:`_TfNorms`, each computed the first time it is looked up (a few hundred per term),
    so turning a posting's key into its impact is one C-level lookup."""

    def __init__(self, norms: "_TfNorms", scale: float) -> None:
        super().__init__()
        self.norms = norms
        self.scale = scale

    def __missing__(self, key: int) -> float:
        # Rounded to 32 bits, as Term's array of impacts holds them.
        value = self[key] = array("f", [self.scale * self.norms[key]])[0]
        return value


class _TfNorms(dict):
    """BM25's ``weight / (weight + norm + slope * length)`` by codec key (see
    :class:`~.codec.CompactPostingsWriter`), each computed the first time it is looked
    up: a field's postings have a few hundred distinct keys, so a term's impacts are one
    lookup per posting."""

    def __init__(self, norm: float, slope: float) -> None:
        super().__init__()
        self.norm = norm
        self.slope = slope

    def __missing__(self, key: int) -> float:
        weight = weight_of(key)
        value = self[key] = weight / (weight + (self.norm + self.slope * BYTE_LENGTHS[key & 255]))
        return value


def _read_postings(leaf, field: str, text: str, offset: int, ids: array | list[int],
                   weights: list | None, blocks: list[tuple] | None = None,
                   keyed: bool = False) -> bool:
    """Append one segment's postings of a term, a block at a time where the codec allows it
    (:class:`~kb.search.engine.codec.CompactLeafMatcher`: whole arrays per block); any other matcher
    (inlined single postings, another codec) goes through the public API.

    :param blocks: when given, also gets the segment's positions as
        :func:`kb.search.engine.phrases.flatten` takes them (segment-local ids, deleted documents
        included).
    :param keyed: ``weights`` gets each posting's codec key instead of its weight.
    :return: False when asked for keys and a block has none (what was read is incomplete)."""
    m = leaf.postings(field, text)
    raw = m.child if isinstance(m, FilterMatcher) else m  # deletions are dropped by the caller
    if isinstance(raw, CompactLeafMatcher):
        while not raw._atend:
            raw._read_ids()
            ids.extend(raw._ids if not offset else map(offset.__add__, raw._ids))
            if keyed:
                keys = raw.read_keys()
                if keys is None:
                    return False
                weights.extend(keys)
            elif weights is not None:
                raw._read_weights()
                weights.extend(raw._weights)
            if blocks is not None:
                blocks.append((raw._ids,) + raw.packed_values())
            raw._next_block()
        return True
    if keyed:
        return False
    local, values = [], []
    while raw.is_active():
        ids.append(raw.id() + offset)
        if weights is not None:
            weights.append(raw.weight())
        if blocks is not None:
            local.append(raw.id())
            values.append(raw.value())
        raw.next()
    if blocks is not None and local:
        blocks.append((local,) + joined_values(values))
    return True


def _sort_from(start: int, ids: array, values: list) -> None:
    """Put ``ids[start:]`` (runs in document order, one per kind, interleaved) in document
    order, and ``values`` with them."""
    ranked = sorted(range(start, len(ids)), key=ids.__getitem__)
    ids[start:] = array("I", map(ids.__getitem__, ranked))
    values[start:] = list(map(values.__getitem__, ranked))


def read_position_blocks(leaf, field: str, text: str) -> TermPositions:
    """A term's postings in one segment with their positions, flattened (ids segment-local)."""
    blocks: list[tuple] = []
    _read_postings(leaf, field, text, 0, [], None, blocks)
    return flatten(blocks)


def _deleted_in(leaf) -> Iterable[int]:
    if not leaf.has_deletions():
        return ()
    known = getattr(leaf, "deleted_docs_set", None)
    if known is not None:
        return known
    return [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]


def _leaf_lengths(leaf, field: str) -> list[int]:
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    table = perdoc.all_lengths(field) if isinstance(perdoc, _PerDocReader) else None
    if table is None:
        return [leaf.doc_field_length(d, field, 0) for d in range(count)]
    return (table + [0] * (count - len(table)))[:count]
