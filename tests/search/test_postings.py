"""Ranking over decoded postings: the threshold algorithm finds what scoring everything finds."""

import random

import pytest

from kb.search import postings
from kb.search.postings import Term, docnums, to_bits, top

DOCS = 20_000


def _term(rng: random.Random, df: int, levels: int = 300) -> tuple[Term, dict[int, float]]:
    """A term in ``df`` random documents; impacts drawn from few values, so there are ties."""
    ids = sorted(rng.sample(range(DOCS), df))
    impacts = [rng.randrange(levels) / 8 for _ in ids]  # exact in 32 bits
    return Term("body", "w", ids, impacts, DOCS), dict(zip(ids, impacts))


@pytest.mark.parametrize("route", ["threshold", "direct"])
@pytest.mark.parametrize("sample", [DOCS // 2, 600])  # eligible: many; few, deep in the lists
def test_the_best_documents_are_those_a_full_scoring_finds(sample, route, monkeypatch):
    monkeypatch.setattr(postings, "_cheaper_directly", lambda *_: route == "direct")
    rng = random.Random(3)
    terms = [_term(rng, df) for df in (9000, 4000, 300)]
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
