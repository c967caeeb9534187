"""Finding where two words of a phrase sit in their posting arrays."""

import random
from array import array

import pytest

from kb.search.phrases import _held_by_both


@pytest.mark.parametrize("asked", [120, 3000], ids=["a lazy check's batch", "every candidate"])
def test_the_documents_both_words_hold_come_with_their_indexes_in_each(asked):
    rng = random.Random(2)
    ids_a = array("I", sorted(rng.sample(range(20_000), 6000)))
    ids_b = array("I", sorted(rng.sample(range(20_000), 5000)))
    docs = sorted(rng.sample(range(20_000), asked))
    index_a = {d: i for i, d in enumerate(ids_a)}
    index_b = {d: j for j, d in enumerate(ids_b)}
    expected = [(d, index_a[d], index_b[d]) for d in docs if d in index_a and d in index_b]
    assert len(expected) > 1
    assert list(_held_by_both(ids_a, ids_b, docs)) == expected
