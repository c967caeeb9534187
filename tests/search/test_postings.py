"""Ranking over decoded postings: the threshold algorithm finds what scoring everything finds."""

import math
import random
from array import array

import pytest

from kb.search import SearchIndex
from kb.search.engine import (Term, TermCache, docnums, open_generation, postings, read_current,
                              to_bits, top)
from kb.search.schema import KINDS, part

from tests.support import index_docs as _documents

DOCS = 20_000


def _term(rng: random.Random, df: int, levels: int = 300,
          keyed: bool = False) -> tuple[Term, dict[int, float]]:
    """A term in ``df`` random documents; impacts drawn from few values, so there are ties.

    :param keyed: the impacts are looked up by codec key, as for terms read from an index."""
    ids = sorted(rng.sample(range(DOCS), df))
    keys = [rng.randrange(levels) for _ in ids]
    impacts = [k / 8 for k in keys]  # exact in 32 bits
    if keyed:
        term = Term.from_keys("body", "w", array("I", ids), keys,
                              {k: k / 8 for k in range(levels)}, DOCS)
    else:
        term = Term("body", "w", ids, impacts, DOCS)
    return term, dict(zip(ids, impacts))


@pytest.mark.parametrize("impacts", ["built", "looked up by key"])
@pytest.mark.parametrize("tables", ["never", "from the start"])  # dense terms' (table_after)
# Eligible: every document; many; few, deep in the lists (ranked by scoring them directly).
@pytest.mark.parametrize("sample", [DOCS, DOCS // 2, 600, 40])
def test_the_best_documents_are_those_a_full_scoring_finds(sample, tables, impacts):
    rng = random.Random(3)
    terms = [_term(rng, df, keyed=impacts != "built") for df in (9000, 4000, 300)]
    for term, _ in terms:
        term.lookups = DOCS if tables == "from the start" else 0
        if tables == "never":
            term.table_after = 0
    weights = [1.0, 2.5, 0.75]
    eligible = 0
    for term, _ in terms:
        eligible |= term.bits
    eligible &= to_bits(rng.sample(range(DOCS), sample), DOCS)
    scores = {d: sum(w * imp.get(d, 0.0) for (_, imp), w in zip(terms, weights))
              for d in docnums(eligible)}
    for k in (1, 10, 50, 1000):
        found = top([(t, w) for (t, _), w in zip(terms, weights)], eligible,
                    (DOCS >> 3) + 1, k)
        best = sorted(scores, key=lambda d: (-scores[d], d))[:k]
        assert [d for _, d in found] == best, k
        assert [s for s, _ in found] == [scores[d] for d in best]
    assert (terms[0][0].table is not None) == (tables == "from the start")  # 9000 are dense


@pytest.mark.parametrize("batch", [32, postings.RANKED_HEAD], ids=["walked", "scored first"])
@pytest.mark.parametrize("rarity", [2, 97])  # one candidate in 2 holds the phrase; one in 97
def test_lazily_verified_documents_rank_as_a_full_scoring_of_the_verified_ones(batch, rarity):
    """A common phrase is ranked by walking the lists, a rare one by scoring every candidate
    first (``VERIFY_DIRECTLY``); both check candidates a batch at a time."""
    rng = random.Random(rarity)
    terms = [_term(rng, df) for df in (9000, 4000)]
    weights = [1.0, 2.5]
    eligible = terms[0][0].bits & terms[1][0].bits
    checked: list[list[int]] = []

    def verify(candidates: list[int]) -> set[int]:
        checked.append(candidates)
        return {d for d in candidates if d % rarity == 0}

    scores = {d: sum(w * imp.get(d, 0.0) for (_, imp), w in zip(terms, weights))
              for d in docnums(eligible) if d % rarity == 0}
    best = sorted(scores, key=lambda d: (-scores[d], d))[:10]

    found = top([(t, w) for (t, _), w in zip(terms, weights)], eligible, (DOCS >> 3) + 1, 10,
                verify, batch)

    assert [d for _, d in found] == best
    assert [s for s, _ in found] == [scores[d] for d in best]
    assert all(c == sorted(c) for c in checked)


def _prefix_like_terms(rng: random.Random) -> list[tuple[Term, float]]:
    """What typing "fil" looks up: a title n-gram in few documents with high impacts, the
    dense "file" with low ones, and a tail of rarer completions whose impacts sum up high."""
    def term(df: int, low: int, high: int) -> Term:
        ids = sorted(rng.sample(range(DOCS), df))
        return Term("body", "w", ids, [rng.randrange(low, high) / 8 for _ in ids], DOCS)

    return ([(term(400, 60, 80), 2.5), (term(15_000, 1, 8), 0.8)]
            + [(term(df, 16, 40), 0.8) for df in (1500, 1200, 900, 600, 300, 100)])


def test_many_terms_rank_exactly_while_scoring_only_documents_that_could_still_make_the_top():
    terms = _prefix_like_terms(random.Random(11))
    eligible = 0
    for term, _ in terms:
        eligible |= term.bits
    scores = {d: sum(w * t.impact(d) for t, w in terms) for d in docnums(eligible)}
    best = sorted(scores, key=lambda d: (-scores[d], d))[:10]

    found = top(terms, eligible, (DOCS >> 3) + 1, 10)

    assert [d for _, d in found] == best
    # Walking the lists until their summed impacts fell below the 10th score scored ~2,800 of
    # the 16,000 documents; the rest is skipped once only few hold a term that could matter.
    assert terms[0][0].lookups < 1200
    assert not terms[1][0].sorted  # the dense term never mattered: its list was never walked


def test_a_dense_term_gets_its_table_once_ranking_has_looked_it_up_often():
    term, _ = _term(random.Random(4), 9000)
    assert term.dense and term.table is None
    everything = to_bits(range(DOCS), DOCS)
    while term.lookups * term.table_after <= term.df:
        top([(term, 1.0)], everything, (DOCS >> 3) + 1, 10)
    assert term.table is not None


@pytest.mark.parametrize("first", [1, 64, postings.RANKED_HEAD, 5 * postings.RANKED_HEAD])
def test_a_long_list_ranks_as_one_full_sort_would_however_far_it_is_walked(first):
    rng = random.Random(5)
    term, impacts = _term(rng, 9000, levels=40)  # many ties
    by_impact = sorted(impacts, key=lambda d: (-impacts[d], d))
    assert list(term.ranked(first)[:first]) == by_impact[:first]
    assert list(term.ranked(term.df)) == by_impact


@pytest.mark.parametrize("held", [0, 1, 7, 300, 2_000, 20_000, 60_000])
def test_a_bitmap_has_exactly_the_given_documents_however_many(held):
    """Few documents and many are set in different ways (see ``SPARSE_BITS``)."""
    count = 60_000
    docs = random.Random(held).sample(range(count), held)
    bits = to_bits(docs, count)
    assert bits.bit_count() == held
    assert docnums(bits) == sorted(docs)


@pytest.mark.parametrize("eligible", ["every document", "the term's and a few others"])
def test_documents_no_term_holds_are_never_ranked(eligible):
    rng = random.Random(9)
    term, impacts = _term(rng, 50)
    others = range(DOCS) if eligible == "every document" else range(0, DOCS, 997)
    bits = to_bits(others, DOCS) | term.bits
    found = top([(term, 1.0)], bits, (DOCS >> 3) + 1, 100)
    assert sorted(d for _, d in found) == sorted(impacts)


def _two_segments(docs, root):
    """An index of ``docs`` as kb writes it: a rebuild (a bulk build) of the first half, then an
    incremental commit of the rest."""
    with SearchIndex.open(root) as ix:
        ix.rebuild(docs[:len(docs) // 2], position=1)
        ix.apply(docs[len(docs) // 2:], [], position=2)


@pytest.mark.parametrize("numbered", ["kinds interleaved", "a kind at a time"])
@pytest.mark.parametrize("kinds", [("article",), ("article", "macro")])
def test_a_terms_impacts_are_bm25_over_whooshs_own_statistics(kinds, numbered, tmp_path):
    docs = _documents(600)
    if numbered == "a kind at a time":  # as a rebuild adds them: each kind's parts are runs
        docs.sort(key=lambda doc: doc.kind)
    _two_segments(docs, tmp_path / "ix")
    searcher = open_generation(tmp_path / "ix", read_current(tmp_path / "ix"))[2]
    with searcher:
        reader = searcher.reader()
        assert len(reader.leaf_readers()) == 2
        names = [part("body", kind) for kind in KINDS]
        live = searcher.doc_count()
        df = sum(reader.doc_frequency(name, "refund") for name in names)
        average = sum(reader.field_length(name) for name in names) / live
        idf = math.log(1 + (live - df + 0.5) / (df + 0.5))
        b = postings.FIELD_B["body"]
        expected = {}
        for name in (part("body", kind) for kind in kinds):
            matcher = reader.postings(name, "refund")
            while matcher.is_active():
                d, tf = matcher.id(), matcher.weight()
                length = reader.doc_field_length(d, name)
                norm = postings.K1 * (1 - b + b * length / average)
                expected[d] = idf * (postings.K1 + 1) * tf / (tf + norm)
                matcher.next()

        term = TermCache(searcher).term("body", "refund", kinds)

    assert len(expected) > 40
    assert dict(zip(term.ids, term.impacts)) == pytest.approx(expected, rel=1e-6)
