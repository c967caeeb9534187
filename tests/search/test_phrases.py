"""Phrase checks through the engine's interface: documents built into a generation, the
generation opened as a snapshot, and ``verify_phrase`` asked which candidates hold a phrase."""

import random
from contextlib import contextmanager

import pytest

from kb.search.engine import (TermCache, create_generation, open_generation, read_current,
                              verify_phrase, write_current)
from kb.search.schema import stem
from tests.support import make_doc

BODY = ("article_body",)


@contextmanager
def snapshot(tmp_path, texts: dict[int, str]):
    """A term cache over a generation holding one article per ``texts`` entry, and a map
    from each article's id to its document number."""
    root = tmp_path / "ix"
    root.mkdir()
    docs = [make_doc(i, f"Note {i}", text) for i, text in texts.items()]
    write_current(root, create_generation(root, docs, 1))
    _, _, searcher = open_generation(root, read_current(root))
    try:
        number = {i: searcher.document_number(id=str(i)) for i in texts}
        yield TermCache(searcher), number
    finally:
        searcher.close()


def held(cache, number, phrase: str, asked: list[int]) -> list[int]:
    """The article ids among ``asked`` that hold ``phrase``, as ``verify_phrase`` answers."""
    by_number = {n: i for i, n in number.items()}
    found = verify_phrase(cache, BODY, [stem(w) for w in phrase.split()],
                          sorted(number[i] for i in asked))
    return sorted(by_number[n] for n in found)


@pytest.mark.parametrize("asked", [120, 3000], ids=["a lazy check's batch", "every candidate"])
def test_the_documents_holding_both_words_adjacent_are_found_among_the_candidates(asked, tmp_path):
    rng = random.Random(2)
    kilo = set(rng.sample(range(1, 3001), 1800))
    lima = set(rng.sample(range(1, 3001), 1500))
    texts = {}
    for i in range(1, 3001):
        if i in kilo and i in lima:
            texts[i] = "kilo lima tango" if i % 2 == 0 else "lima tango kilo"  # only evens hold it
        elif i in kilo:
            texts[i] = "kilo tango"
        elif i in lima:
            texts[i] = "tango lima"
        else:
            texts[i] = "tango"
    candidates = sorted(rng.sample(range(1, 3001), asked))
    expected = [i for i in candidates if i in kilo and i in lima and i % 2 == 0]
    assert len(expected) > 1
    with snapshot(tmp_path, texts) as (cache, number):
        assert held(cache, number, "kilo lima", candidates) == expected
        assert held(cache, number, "lima kilo", candidates) == []


def test_words_in_equally_many_documents_are_both_checked(tmp_path):
    # "kilo" in every even article below 1200, "lima" in every third below 1800: 600 each.
    texts = {i: " ".join(w for w, held in (("kilo", i % 2 == 0 and i < 1200),
                                           ("lima", i % 3 == 0 and i < 1800)) if held) or "tango"
             for i in range(1, 1800)}
    with snapshot(tmp_path, texts) as (cache, number):
        assert held(cache, number, "kilo lima", list(range(1, 1800))) == list(range(6, 1200, 6))


def test_candidates_past_the_last_document_either_word_holds_are_not_held(tmp_path):
    texts = {i: " ".join(w for w, held in (("kilo", i % 2 == 0 and i < 600),
                                           ("lima", i % 3 == 0 and i < 900)) if held) or "tango"
             for i in range(1, 2400)}
    with snapshot(tmp_path, texts) as (cache, number):
        assert held(cache, number, "kilo lima", list(range(2, 2400, 2))) == list(range(6, 600, 6))


def test_positions_over_several_posting_blocks_belong_to_their_own_documents(tmp_path):
    """Each word's postings span several blocks of 128; documents are long (positions past
    255 and 65,535), so a position read against the wrong document would show."""
    rng = random.Random(5)
    vocab = ["kilo", "lima", "tango", "mike"]
    texts = {}
    for i in range(1, 461):
        size = 70_000 if i in (5, 300) else rng.randint(1, 400)
        texts[i] = " ".join(rng.choices(vocab, k=size))
    texts[7] = "tango " * 66_000 + "kilo lima"  # the phrase only past position 65,535
    texts[8] = "kilo " * 300 + "mike lima"  # both words, never adjacent

    def brute(phrase: str) -> list[int]:
        a, b = phrase.split()
        return sorted(i for i, text in texts.items()
                      if any(x == a and y == b for x, y in zip(text.split(), text.split()[1:])))

    everything = list(texts)
    with snapshot(tmp_path, texts) as (cache, number):
        for phrase in ("kilo lima", "lima kilo", "mike mike"):
            expected = brute(phrase)
            assert 100 < len(expected) < len(texts), phrase
            assert held(cache, number, phrase, everything) == expected, phrase
        assert 7 in held(cache, number, "kilo lima", [7, 8])
        assert held(cache, number, "kilo lima", [8]) == []
