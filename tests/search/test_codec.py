"""Posting blocks read back exactly as they were written."""

import io
import mmap
import pickle
import pickletools
import random

import pytest
from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.util.numeric import length_to_byte

from kb.search.engine import codec
from kb.search.engine.codec import BLOCK_POSTINGS, Codec, _packed_integers, _unpacked
from kb.search.engine.pool import TermPool
from kb.search.engine.storage import MappedStorage, _ViewStream
from kb.search.schema import _text as text_field


@pytest.mark.parametrize("values, width", [
    ([0, 1, 255], "B"), ([3, 256, 65535], "H"), ([7, 65536, 2**32 - 1], "I"),
])
def test_block_integers_round_trip_in_the_narrowest_width(values, width):
    packed = _packed_integers(values)
    assert packed[:1] == width.encode()
    assert list(_unpacked(packed)) == values


def _postings(reader, field: str, word: str) -> list[tuple[int, float, list[int]]]:
    matcher = reader.postings(field, word)
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight(), list(matcher.value_as("positions"))))
        matcher.next()
    return out


@pytest.fixture(params=["in memory", "mapped from disk"])
def storage(request, tmp_path):
    return RamStorage() if request.param == "in memory" else MappedStorage(str(tmp_path))


@pytest.mark.parametrize("protocol", [2, codec.BLOCK_PICKLE_PROTOCOL],
                         ids=["as W3 and earlier kb pickled blocks", "as kb does"])
def test_ids_weights_and_positions_read_back_over_several_blocks(protocol, storage, monkeypatch):
    monkeypatch.setattr(codec, "BLOCK_PICKLE_PROTOCOL", protocol)
    # Three blocks of postings a term; whole weights (boost 1) are stored as integers, weights
    # with a boost of 1.5 as floats.
    count = 2 * BLOCK_POSTINGS + 44
    ix = storage.create_index(fields.Schema(plain=text_field(1.0), boosted=text_field(1.5)))
    writer = ix.writer(codec=Codec())
    for i in range(count):
        text = " ".join(["kilo"] * (i % 5 + 1) + (["lima"] if i % 3 == 0 else []))
        writer.add_document(plain=text, boosted=text)
    writer.commit()
    with ix.reader() as reader:
        for field, boost in (("plain", 1.0), ("boosted", 1.5)):
            assert _postings(reader, field, "kilo") == [
                (i, (i % 5 + 1) * boost, list(range(i % 5 + 1))) for i in range(count)]
            assert _postings(reader, field, "lima") == [
                (i, boost, [i % 5 + 1]) for i in range(0, count, 3)]


@pytest.mark.parametrize("bulk", [False, True], ids=["a posting at a time", "a term at a time"])
def test_scored_postings_store_their_weight_with_their_documents_length(bulk):
    count = 2 * BLOCK_POSTINGS + 44
    ix = RamStorage().create_index(fields.Schema(plain=text_field(1.0)))
    writer = ix.writer(codec=Codec())
    if bulk:
        writer.pool = TermPool(writer._tempstorage, 1)
    for i in range(count):
        writer.add_document(plain=" ".join(["kilo"] * (i % 5 + 1) + ["mike"] * (i % 7)))
    writer.commit()
    with ix.reader() as reader:
        matcher = reader.postings("plain", "kilo")
        keys = []
        while not matcher._atend:
            keys.extend(matcher.read_keys())
            matcher._next_block()
    assert keys == [(i % 5) << 8 | length_to_byte(i % 5 + 1 + i % 7) for i in range(count)]


def test_a_blocks_byte_strings_are_stored_as_bytes_not_as_text():
    """Protocol 2 pickles bytes as latin-1 text: larger on disk, and slow to read back."""
    ix = RamStorage().create_index(fields.Schema(plain=text_field(1.0)))
    writer = ix.writer(codec=Codec())
    for i in range(300):
        writer.add_document(plain=" ".join(["kilo"] * (i % 200 + 1)))  # positions over 127
    writer.commit()
    with ix.reader() as reader:
        matcher = reader.postings("plain", "kilo")
        stored = matcher._postfile.get(matcher._dataoffset,
                                       matcher._nextoffset - matcher._dataoffset)
    opcodes = {op.name for op, _, _ in pickletools.genops(stored)}
    assert "SHORT_BINBYTES" in opcodes or "BINBYTES" in opcodes
    assert "BINUNICODE" not in opcodes


def test_a_segment_on_disk_is_read_in_place_from_one_shared_map(tmp_path):
    """Whoosh gives each part of a segment a BytesIO, a private copy of the whole part."""
    ix = MappedStorage(str(tmp_path)).create_index(fields.Schema(plain=text_field(1.0)))
    writer = ix.writer(codec=Codec())
    for i in range(50):
        writer.add_document(plain=f"kilo lima{i}")
    writer.commit()
    with ix.reader() as reader:
        postings = reader.postings("plain", "kilo")._postfile
        assert isinstance(postings._buf, memoryview)
        assert isinstance(postings._buf.obj, mmap.mmap)
        assert not isinstance(postings.file, io.BytesIO)
        assert [d for d, _, _ in _postings(reader, "plain", "kilo")] == list(range(50))


def test_a_view_reads_as_a_stream_exactly_as_bytesio_does():
    rng = random.Random(4)
    data = pickle.dumps([("x" * rng.randrange(30), i) for i in range(200)], protocol=2)
    data += b"line one\nline two\n" + bytes(rng.randrange(256) for _ in range(5000))
    ours, theirs = _ViewStream(memoryview(data)), io.BytesIO(data)
    assert pickle.load(ours) == pickle.load(theirs)
    for _ in range(300):
        op = rng.choice(["read", "readline", "seek", "seek_cur", "seek_end"])
        if op == "read":
            n = rng.choice([-1, 0, 1, 7, 4096])
            assert ours.read(n) == theirs.read(n)
        elif op == "readline":
            assert ours.readline() == theirs.readline()
        elif op == "seek":
            at = rng.randrange(len(data) + 10)
            assert ours.seek(at) == theirs.seek(at)
        else:
            whence = io.SEEK_CUR if op == "seek_cur" else io.SEEK_END
            offset = rng.randrange(-40, 1)
            if theirs.tell() + offset < 0 and whence == io.SEEK_CUR:
                continue
            assert ours.seek(offset, whence) == theirs.seek(offset, whence)
        assert ours.tell() == theirs.tell()
