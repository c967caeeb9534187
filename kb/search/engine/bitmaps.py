"""Bitmaps of document numbers as Python integers: matching, counting and filtering a query
are a handful of big-integer operations, done in C."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from itertools import compress, repeat
from operator import setitem

#: :func:`to_bits` sets bits one at a time below 1/SPARSE_BITS of the documents (above it, one
#: flag byte per document is cheaper).
SPARSE_BITS = 32

_BIT = [1 << i for i in range(8)]
_ZERO_ONE = bytes.maketrans(b"01", b"\0\1")
_NONZERO = bytes([0] + [1] * 255)
_FLAG_DIGITS = bytes.maketrans(b"\0\1", b"01")
_BYTE_BITS = [tuple(j for j in range(8) if b & (1 << j)) for b in range(256)]


def to_bits(docnums: Collection[int], doc_count: int) -> int:
    """A bitmap of document numbers.

    Few documents (under 1/:data:`SPARSE_BITS` of them): their bits set in a byte array, one
    Python step each, read as one integer. Many: one flag byte per document set by ``map`` (a
    C loop; ``operator.setitem`` costs half what a bound ``__setitem__`` does), then read as a
    base-2 numeral: faster per document than the Python loop, but with a fixed cost that rare
    terms should not pay."""
    if len(docnums) * SPARSE_BITS < doc_count:
        packed = bytearray((doc_count >> 3) + 1)
        for d in docnums:
            packed[d >> 3] |= _BIT[d & 7]
        return int.from_bytes(packed, "little")
    flags = bytearray(doc_count + 1)
    deque(map(setitem, repeat(flags), docnums, repeat(1)), maxlen=0)
    flags.reverse()
    return int(flags.translate(_FLAG_DIGITS), 2)


def popcount(bits: int) -> int:
    return bits.bit_count()


def match_counts(bitsets: list[int]) -> list[int]:
    """Bit-sliced counters: plane ``i`` holds bit ``i`` of how many of ``bitsets`` contain each
    document. Adding a bitmap is a ripple-carry over whole bitmaps, so it is O(log n) big-integer
    operations, not a loop over documents."""
    planes: list[int] = []
    for bits in bitsets:
        carry = bits
        i = 0
        while carry:
            if i == len(planes):
                planes.append(carry)
                break
            planes[i], carry = planes[i] ^ carry, planes[i] & carry
            i += 1
    return planes


def exactly(planes: list[int], count: int, within: int) -> int:
    """Documents of ``within`` contained in exactly ``count`` of the counted bitmaps."""
    out = within
    for i, plane in enumerate(planes):
        out &= plane if (count >> i) & 1 else ~plane
    if count >> len(planes):
        return 0
    return out


def docnums(bits: int, nbytes: int = 0) -> list[int]:
    """The document numbers set in a bitmap, ascending. Many: ``bin()``, a byte translation and
    ``itertools.compress``, all in C (not a Python loop over bytes); few: a
    ``find()`` for each non-zero byte."""
    if bits <= 0:
        return []
    if bits.bit_count() > 256:
        flags = _flags(bits)
        return list(compress(range(len(flags)), flags))
    raw = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    marks = raw.translate(_NONZERO)  # 1 where a byte has a bit set, found by find() in C
    out: list[int] = []
    i = marks.find(1)
    while i != -1:
        out.extend([(i << 3) + j for j in _BYTE_BITS[raw[i]]])
        i = marks.find(1, i + 1)
    return out


def _flags(bits: int) -> bytes:
    """A bitmap as one byte per document number, 1 where set (up to its highest set bit)."""
    return bin(bits)[:1:-1].encode("ascii").translate(_ZERO_ONE)
