"""How postings are laid out on disk: Whoosh's W3 codec with compact blocks and bulk reads.

W3 writes each block of up to 128 postings as one pickled tuple of Python ints, floats and
one bytes object per posting (the positions), compressed as a whole. Reading a term therefore
builds hundreds of Python objects per block even when only ids and weights are wanted, and
unpickling was most of the cost of loading a common term. :class:`Codec` keeps W3's
files, block headers and skipping, but pickles each block as three packed byte strings, which
unpickle in microseconds and decode with ``array`` in C:

- ids, delta-coded, and weights, each in the narrowest integer width that holds them (a
  typecode byte first; weights that are not whole numbers as 32-bit floats), not compressed:
  most deltas and term frequencies fit in a byte or two, and reading them costs no
  decompression. In scored fields each weight goes with its document's length byte, as one
  key (see :class:`CompactPostingsWriter`), so scoring a posting needs nothing else; blocks
  written before keys existed still read, scored through per-document lengths;
- positions joined, after the index of their ends, zlib-compressed on their own, so only a
  phrase check pays for inflating them (compressing whole blocks made every query inflate them).

Loading a common term from cold and reading positions are both faster than with whole blocks
compressed, for a somewhat larger index. The blocks are pickled at protocol 5, where W3 uses 2
(see :meth:`CompactPostingsWriter._write_block`), which makes the index smaller again.
``bench/search_engine.py`` measures all of this.

It also reads field lengths in bulk and remembers which columns exist (see
:class:`_PerDocReader`). Segments remember the codec that wrote them, so an index written by an
older layout is refused by the schema version check and rebuilt.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from io import BytesIO
from itertools import accumulate, chain
from operator import sub

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3LeafMatcher, W3PerDocReader,
    W3PostingsWriter,
)
from whoosh.util.numeric import byte_to_length, length_to_byte

#: zlib level for the positions in posting blocks (Whoosh's default for whole blocks is 3).
COMPRESSION = 3
#: Postings a block holds (W3: 128). kb reads a term's postings whole and never skips inside
#: them, so a block is only overhead (a header and a pickle to read, arrays to join), and
#: larger blocks mean less of it.
BLOCK_POSTINGS = 1024

#: Pickle protocol of a block's data (see :meth:`CompactPostingsWriter._write_block`); a
#: :class:`Codec` may be given another (2 writes blocks as W3 and kb before it did).
BLOCK_PICKLE_PROTOCOL = 5

BYTE_LENGTHS = [byte_to_length(i) for i in range(256)]
#: Marks a block's weights stored as keys (see :class:`CompactPostingsWriter`).
KEYS = b"K"


class Codec(W3Codec):
    """W3 with compact posting blocks; writers must be given it (``ix.writer(codec=Codec())``)."""

    def __init__(self, blocklimit: int = BLOCK_POSTINGS, inlinelimit: int = 1,
                 pickle_protocol: int = BLOCK_PICKLE_PROTOCOL) -> None:
        """:param pickle_protocol: of the blocks' data; every protocol reads back, so an index
            written with an older one (W3's 2) stays readable."""
        # Blocks are not compressed as a whole: CompactPostingsWriter compresses the positions.
        super().__init__(blocklimit, 0, inlinelimit)
        self.pickle_protocol = pickle_protocol

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: not used by kb, left as W3 writes them
            return super().postings_writer(dbfile, byteids)
        writer = CompactPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                                       compression=0, inlinelimit=self._inlinelimit)
        writer.pickle_protocol = self.pickle_protocol
        return writer

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class CompactFieldWriter(W3FieldWriter):
    """Takes a bulk build's postings a term at a time (see :mod:`kb.search.engine.pool`)."""

    def add_postings(self, schema, lengths, items):
        terms = getattr(items, "terms", None)
        if terms is None:  # Whoosh's own pool: a posting at a time
            return super().add_postings(schema, lengths, items)
        count = lengths.doc_count_all()
        tables: dict[str, bytes] = {}
        fieldname = None
        for field, btext, ids, weights, values in terms():
            if field != fieldname:
                if fieldname is not None:
                    self.finish_field()
                fieldname = field
                self.start_field(field, schema[field])
                table = lengths.length_bytes(field)
                if table is None:  # another Whoosh version's columns: ask a document at a time
                    table = bytes(length_to_byte(lengths.doc_field_length(d, field, 0))
                                  for d in range(count))
                tables[field] = table.ljust(count, b"\0") if table else table
            self.start_term(btext)
            self._postwriter.add_blocks(ids, weights, values, tables[field])
            self.finish_term()
        if fieldname is not None:
            self.finish_field()


class CompactPostingsWriter(W3PostingsWriter):
    """Blocks as ``(ids bytes, weights bytes | float | None, [ends size, zlib(ends + values)]
    | ...)``.

    In a scored field, the weights are stored as keys: ``(weight - 1) << 8 | length byte`` per
    posting (``b"K"`` and packed integers), the length byte being the document's field length
    as Whoosh stores it. A posting's BM25 contribution depends on nothing else of the document,
    so a reader turns keys into scores with one lookup each in a table of the distinct keys,
    instead of fetching each document's length and doing the arithmetic per posting. A word
    found once in a document (most postings) has a key below 256: a byte on disk, and an
    integer Python never allocates.
    """

    #: Set by :meth:`Codec.postings_writer`.
    pickle_protocol = BLOCK_PICKLE_PROTOCOL

    def _new_block(self):
        super()._new_block()
        self._length_bytes = bytearray()

    def add_posting(self, id_, weight, vbytes, length=None):
        super().add_posting(id_, weight, vbytes, length)  # may write out the full block first
        self._length_bytes.append(length_to_byte(length) if length else 0)

    def add_blocks(self, ids: array, weights: array, values: list, lengths: bytes) -> None:
        """A whole term's postings, written as blocks: what :meth:`add_posting` for each would
        write, without a call per posting. ``lengths`` is the field's length byte by document
        (empty: the field is not scored)."""
        limit = self._blocklimit
        count = len(ids)
        for start in range(0, count, limit):
            end = min(start + limit, count)
            self._ids = ids[start:end]
            self._weights = weights[start:end]
            self._values = values[start:end]
            self._maxweight = max(self._weights)
            self._length_bytes = bytearray(map(lengths.__getitem__, self._ids)) if lengths else b""
            scored = self._length_bytes.translate(None, b"\0")
            self._minlength = BYTE_LENGTHS[min(scored)] if scored else None
            self._maxlength = BYTE_LENGTHS[max(scored)] if scored else 0
            self._write_block(last=end == count)

    def _write_block(self, last=False):
        """W3's block layout (a length, the block's statistics, its data), with the data
        pickled at protocol 5, not W3's 2: protocol 2 stores a byte string as latin-1 text, so
        a block's packed bytes went to disk half again as large and came back through a UTF-8
        decode and a latin-1 encode, many times slower to unpickle. Protocol 2 blocks written
        before this still read."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()),
                            self.pickle_protocol)
        if self._compression:
            data = zlib.compress(data, self._compression)
        info = pickle.dumps((len(self._ids), self._ids[-1], self._maxweight, self._compression,
                             length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        size = len(info) + len(data)
        postfile.write_int(-size if last else size)  # negative: the term's last block
        postfile.write(info)
        postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _mini_ids(self):
        ids = self._ids
        return _packed_integers(list(map(sub, ids, chain((0,), ids))))

    def _mini_weights(self):
        weights = self._weights
        whole = all(w == int(w) for w in weights)
        if whole and any(self._length_bytes) and min(weights) >= 1:
            return KEYS + _packed_integers(list(map(_key, map(int, weights), self._length_bytes)))
        first = weights[0]
        if weights.count(first) == len(weights):
            return None if first == 1.0 else first
        if whole:
            return _packed_integers(list(map(int, weights)))
        return b"f" + array("f", weights).tobytes()

    def _mini_values(self):
        fixedsize = self._format.fixed_value_size()
        values = self._values
        if (fixedsize is None or fixedsize < 0) and values:
            # A list, not a tuple: tells the reader this is the packed form. The ends and the
            # values are compressed together: the ends alone, uncompressed, were a fifth of
            # the index.
            ends, joined = joined_values(values)
            ends = ends.tobytes()
            return [len(ends), zlib.compress(ends + joined, COMPRESSION)]
        return super()._mini_values()


def _key(weight: int, length_byte: int) -> int:
    return (weight - 1) << 8 | length_byte


def weight_of(key: int) -> int:
    """The weight a key (see :class:`CompactPostingsWriter`) was made from."""
    return (key >> 8) + 1


def _packed_integers(values: list[int]) -> bytes:
    """Non-negative integers in the narrowest ``array`` width that holds them, after a typecode."""
    top = max(values)
    code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
    return code.encode() + array(code, values).tobytes()


def _unpacked(packed: bytes) -> array:
    values = array(chr(packed[0]))
    values.frombytes(memoryview(packed)[1:])
    return values


class CompactLeafMatcher(W3LeafMatcher):
    """Reads :class:`CompactPostingsWriter` blocks (and W3 ones).

    Block headers are read by position (``get``), where W3 seeks and reads the postings file
    as a stream: a segment's parts are views of one memory map (see
    :mod:`kb.search.engine.storage`), and a stream over a view would be a copy of it."""

    def _read_header(self):
        if self._postfile.get(self._startoffset, 4) != WHOOSH3_HEADER_MAGIC:
            raise ValueError(f"no posting block at {self._startoffset} for {self._term!r}")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position):
        postfile = self._postfile
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        length = postfile.get_int(position)
        self._lastblock = length < 0
        length = abs(length)
        self._nextoffset = position + 4 + length
        # The block info is a pickle of unknown length before the data: read it from the whole
        # block (a BytesIO over bytes shares them) to learn where the data starts.
        raw = postfile.get(position + 4, length)
        block = BytesIO(raw)
        info = pickle.load(block)
        info_length = block.tell()
        self._dataoffset = position + 4 + info_length
        self._packed = memoryview(raw)[info_length:]
        self._blocklength, self._maxid, self._maxweight, self._compression, low, high = info
        self._minlength = byte_to_length(low)
        self._maxlength = byte_to_length(high)

    def _read_data(self):
        packed = self._packed
        self._data = pickle.loads(zlib.decompress(packed) if self._compression else packed)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        packed = self._data[0]
        if isinstance(packed, bytes):
            self._ids = array("I", accumulate(_unpacked(packed)))
        else:
            super()._read_ids()

    def _read_weights(self):
        keys = self.read_keys()
        if keys is not None:
            self._weights = array("I", map(weight_of, keys))
            return
        packed = self._data[1]
        if isinstance(packed, bytes):
            self._weights = _unpacked(packed)
        else:
            super()._read_weights()

    def read_keys(self) -> array | None:
        """The block's ``(weight - 1) << 8 | length byte`` per posting, None if it stores weights
        only (see :class:`CompactPostingsWriter`)."""
        if self._data is None:
            self._read_data()
        packed = self._data[1]
        if isinstance(packed, bytes) and packed[:1] == KEYS:
            return _unpacked(packed[1:])
        return None

    def _read_values(self):
        if self._data is None:
            self._read_data()
        packed = self._data[2]
        if isinstance(packed, list):
            ends, joined = _unpacked_values(packed)
            self._values = [joined[a:b] for a, b in zip(chain((0,), ends), ends)]
        else:
            super()._read_values()

    def packed_values(self) -> tuple[array, bytes]:
        """The block's values as :func:`joined_values` gives them, without splitting them
        where the block stores them so."""
        if self._data is None:
            self._read_data()
        packed = self._data[2]
        if isinstance(packed, list):
            return _unpacked_values(packed)
        self._read_values()
        return joined_values(self._values)


def joined_values(values: list[bytes]) -> tuple[array, bytes]:
    """``(ends, joined)``: the values concatenated, and where each ends in bytes."""
    return array("I", accumulate(map(len, values))), b"".join(values)


def _unpacked_values(packed: list) -> tuple[array, bytes]:
    size, squeezed = packed
    joined = zlib.decompress(squeezed)
    ends = array("I")
    ends.frombytes(joined[:size])
    return ends, joined[size:]


class _PerDocReader(W3PerDocReader):
    """Remembers which columns a segment has, and reads field lengths in bulk.

    Writing a segment asks for the field length of every posting. The stock reader answered
    with a ``stat`` for each unscored field's (missing) length column, and a seek and unpack for
    each scored one: a large share of build time.
    """

    def has_column(self, fieldname: str) -> bool:
        known = self.__dict__.setdefault("_known_columns", {})
        if fieldname not in known:
            known[fieldname] = super().has_column(fieldname)
        return known[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self.__dict__.setdefault("_lengths", {})
        if fieldname not in lengths:
            lengths[fieldname] = self.all_lengths(fieldname)
        table = lengths[fieldname]
        if table is None:
            return super().doc_field_length(docnum, fieldname, default)
        return table[docnum] if docnum < len(table) else default

    def all_lengths(self, fieldname: str) -> list[int] | None:
        """Every document's length in ``fieldname`` ([] when unscored), None if unreadable."""
        raw = self.length_bytes(fieldname)
        return None if raw is None else list(map(BYTE_LENGTHS.__getitem__, raw))

    def length_bytes(self, fieldname: str) -> bytes | None:
        """Every document's length in ``fieldname`` as Whoosh stores it, a byte each (b""
        when unscored), None if unreadable."""
        try:
            column = self._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            if column is None:
                return b""
            return bytes(column._dbfile.get(column._basepos, column._count))
        except AttributeError:  # another Whoosh version: the slow path still works
            return None
