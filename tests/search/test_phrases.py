"""Finding where two words of a phrase sit in their posting arrays."""

import random
from array import array

import pytest

from kb.search.engine.phrases import TermPositions, _held_by_both, flatten


def _held(ids_a: array, ids_b: array, docs: list[int]) -> list[tuple[int, int, int]]:
    """_held_by_both for two terms' documents (positions play no part)."""
    return list(_held_by_both(*(TermPositions(ids, array("I"), array("I"), array("I"))
                                for ids in (ids_a, ids_b)), docs))


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
    assert _held(ids_a, ids_b, docs) == expected


def test_words_in_equally_many_documents_are_both_checked():
    ids_a = array("I", range(0, 4000, 2))  # even documents
    ids_b = array("I", range(0, 6000, 3))  # every third: as many documents as ids_a
    assert len(ids_a) == len(ids_b)
    docs = list(range(4000))
    expected = [(d, d // 2, d // 3) for d in docs if d % 6 == 0]
    assert _held(ids_a, ids_b, docs) == expected



def test_documents_past_the_last_either_word_holds_are_not_held_by_both():
    ids_a = array("I", range(0, 3000, 2))
    ids_b = array("I", range(0, 6000, 3))
    docs = list(range(0, 9000, 2))  # many, past both
    assert _held(ids_a, ids_b, docs) == [(d, d // 2, d // 3) for d in range(0, 3000, 6)]


def test_flattened_blocks_give_each_document_its_own_positions():
    rng = random.Random(5)
    expected: dict[int, list[int]] = {}
    blocks = []
    doc = 0
    for size in (128, 1, 77, 128):  # blocks of a segment, in document order
        ids, ends, data = array("I"), array("I"), b""
        for _ in range(size):
            doc += rng.randint(1, 9)
            positions = sorted(rng.sample(range(1 << 20), rng.randint(1, 12)))
            expected[doc] = positions
            ids.append(doc)
            data += array("I", positions).tobytes()
            ends.append(len(data))
        blocks.append((ids, ends, data))
    flat = flatten(blocks)
    assert list(flat.ids) == list(expected)
    assert {d: list(flat.positions[a:b]) for d, a, b in zip(flat.ids, flat.starts, flat.ends)} \
        == expected
