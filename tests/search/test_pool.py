"""A bulk build's postings, grouped by term, index exactly what Whoosh's own pool does."""

import pytest
from whoosh.writing import PostingPool

from kb.search.engine import storage
from kb.search.engine.pool import TermPool

from tests.support import index_docs as _documents


def _everything(ix) -> tuple[dict, list]:
    """Every term's postings (id, weight, value) and statistics, and the stored fields."""
    with ix.reader() as reader:
        terms = {}
        for field, text in reader.all_terms():
            matcher = reader.postings(field, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            info = reader.term_info(field, text)
            terms[field, text] = (postings, info.weight(), info.doc_frequency(),
                                  info.min_length(), info.max_length(), info.max_weight())
        return terms, [reader.stored_fields(n) for n in range(reader.doc_count_all())]


def _whooshs_pool(tempstore, limitmb):
    return PostingPool(tempstore, None, limitmb=limitmb)


def _built(docs, monkeypatch, pool) -> dict:
    monkeypatch.setattr(storage, "TermPool", pool)
    return _everything(storage.new_index(storage.MemoryStorage(), docs, 3))


def test_a_build_spilling_runs_writes_what_whooshs_own_pool_writes(monkeypatch):
    docs = _documents(600)
    stock = _built(docs, monkeypatch, _whooshs_pool)
    spills = []

    class Spilling(TermPool):
        def _spill(self):
            spills.append(len(self._terms))
            super()._spill()

    spilled = _built(docs, monkeypatch, lambda tempstore, mb: Spilling(tempstore, 0.05))
    assert len(spills) >= 5
    assert spilled == stock


def test_a_build_held_in_memory_writes_what_whooshs_own_pool_writes(monkeypatch):
    docs = _documents(200)
    stock = _built(docs, monkeypatch, _whooshs_pool)
    assert _built(docs, monkeypatch, TermPool) == stock


def test_the_term_pool_refuses_a_document_out_of_order():
    pool = TermPool(storage.MemoryStorage(), 1)
    pool.add(("body", b"refund", 5, 1.0, b""))
    with pytest.raises(ValueError, match="in order"):
        pool.add(("body", b"refund", 5, 1.0, b""))


def test_a_build_whose_reader_cannot_read_lengths_in_bulk_writes_the_same(monkeypatch):
    from kb.search.engine.codec import _PerDocReader

    docs = _documents(150)
    stock = _built(docs, monkeypatch, _whooshs_pool)
    monkeypatch.setattr(_PerDocReader, "length_bytes", lambda self, fieldname: None)
    assert _built(docs, monkeypatch, TermPool) == stock
