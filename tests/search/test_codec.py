"""The on-disk posting format round-trips: what is indexed reads back exactly, in memory and
from a generation opened on disk, over several posting blocks and in every integer width."""

import pytest

from kb.search.engine import (Codec, MemoryStorage, create_generation, new_index,
                              open_generation, read_current, write_current)
from kb.search.engine import codec
from kb.search.schema import TITLE_BOOST
from tests.support import make_doc


def _postings(searcher, field: str, word: str) -> list[tuple[str, float, list[int]]]:
    """(article id, weight, positions) of each document holding ``word``, in index order."""
    reader = searcher.reader()
    matcher = reader.postings(field, word)
    out = []
    while matcher.is_active():
        out.append((searcher.stored_fields(matcher.id())["id"], matcher.weight(),
                    list(matcher.value_as("positions"))))
        matcher.next()
    return out


@pytest.fixture(params=["in memory", "on disk"])
def opened(request, tmp_path):
    """Builds ``docs`` (with ``codec``, kb's own by default) and yields a searcher over them,
    as kb's index opens them."""
    searchers = []

    def open_(docs, codec=None):
        if request.param == "in memory":
            searcher = new_index(MemoryStorage(), docs, 1, codec).searcher()
        else:
            root = tmp_path / "ix"
            root.mkdir()
            write_current(root, create_generation(root, docs, 1, codec))
            searcher = open_generation(root, read_current(root))[2]
        searchers.append(searcher)
        return searcher

    yield open_
    for searcher in searchers:
        searcher.close()


@pytest.mark.parametrize("protocol", [2, codec.BLOCK_PICKLE_PROTOCOL],
                         ids=["as W3 and earlier kb pickled blocks", "as kb does"])
def test_ids_weights_and_positions_read_back_over_several_blocks(protocol, opened):
    count = 300  # three blocks of postings for "kilo"
    docs = []
    for i in range(1, count + 1):
        text = " ".join(["kilo"] * (i % 5 + 1) + (["lima"] if i % 3 == 0 else []))
        docs.append(make_doc(i, text, text))
    searcher = opened(docs, Codec(pickle_protocol=protocol))
    # Titles carry a boost of 3: their weights are stored as floats, the body's as integers.
    for field, boost in (("article_body", 1.0), ("article_title", TITLE_BOOST)):
        assert _postings(searcher, field, "kilo") == [
            (str(i), (i % 5 + 1) * boost, list(range(i % 5 + 1))) for i in range(1, count + 1)]
        assert _postings(searcher, field, "lima") == [
            (str(i), boost, [i % 5 + 1]) for i in range(3, count + 1, 3)]


def test_positions_and_frequencies_in_every_integer_width_read_back(opened):
    """A block's integers are stored in the narrowest width that holds them (one byte, two,
    four): values at each width's edges must come back unchanged."""
    docs = [make_doc(1, "One", "kilo"),
            make_doc(2, "Two", "lima " * 255 + "kilo"),
            make_doc(3, "Three", "lima " * 256 + "kilo"),
            make_doc(4, "Four", "mike " * 65_535 + "kilo"),
            make_doc(5, "Five", "mike " * 65_536 + "kilo kilo")]
    searcher = opened(docs)
    assert _postings(searcher, "article_body", "kilo") == [
        ("1", 1.0, [0]), ("2", 1.0, [255]), ("3", 1.0, [256]), ("4", 1.0, [65_535]),
        ("5", 2.0, [65_536, 65_537])]
    assert _postings(searcher, "article_body", "lima") == [
        ("2", 255.0, list(range(255))), ("3", 256.0, list(range(256)))]
    assert _postings(searcher, "article_body", "mike") == [
        ("4", 65_535.0, list(range(65_535))), ("5", 65_536.0, list(range(65_536)))]


def test_a_generation_on_disk_reads_back_as_the_same_build_in_memory(opened, tmp_path):
    docs = [make_doc(i, f"Kilo {i}", " ".join(["lima"] * (i % 9 + 1)) + f" mike{i % 13}")
            for i in range(1, 401)]
    searcher = opened(docs)
    memory = new_index(MemoryStorage(), docs, 1).searcher()
    try:
        for field, word in (("article_body", "lima"), ("article_body", "mike7"),
                            ("article_title", "kilo")):
            assert _postings(searcher, field, word) == _postings(memory, field, word)
        assert [searcher.stored_fields(n) for n in range(searcher.doc_count_all())] == \
            [memory.stored_fields(n) for n in range(memory.doc_count_all())]
        assert len(_postings(searcher, "article_body", "mike7")) == 31  # i % 13 == 7 below 401
    finally:
        memory.close()
