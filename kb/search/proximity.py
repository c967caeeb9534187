"""Where a query's words sit in its best documents: which neighbouring pairs of words are next
to each other, and whether the whole query is there as typed.

:mod:`kb.search.ranking` lifts a document for both, over a few candidates only. Asking
:func:`kb.search.engine.phrases.verify_phrase` once per pair and once more for the whole query
looked every word up again for each question (in every field and segment); here each word's
positions in a candidate are looked up once and every question is answered from them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from kb.search import phrasing
from kb.search.engine.postings import TermCache
from kb.search.query import Unit


def read_with_positions(cache: TermCache, units: list[Unit], kinds: tuple[str, ...]) -> None:
    """Load the words whose neighbours :func:`adjacency` will look at (the required plain
    words of a query of two or more) with their positions, from the same pass over their
    posting blocks: read later, their positions would cost a second pass."""
    needed = phrasing.required(units)
    if len(needed) < 2:
        return
    for u in (units[i] for i in needed):
        if u.phrase or u.prefix or u.alternatives:
            continue
        for f, t, _ in u.terms:
            if f in ("title", "body") and t in u.stems:
                cache.term(f, t, kinds, positions=True)


def adjacency(cache: TermCache, fieldnames: tuple[str, ...],
              pairs: Sequence[tuple[str, str]], whole: Sequence[str],
              docs: Sequence[int]) -> tuple[list[set[int]], set[int]]:
    """``(near, phrase)``: for each of ``pairs`` (two stems), the ``docs`` where the second
    directly follows the first in one of ``fieldnames``; and the ``docs`` holding all of
    ``whole`` as consecutive words in one field (none when ``whole`` is empty).

    Answers as :func:`~kb.search.engine.phrases.verify_phrase` would for each pair and for
    ``whole``, one document at a time.

    :param docs: document numbers, ascending.
    """
    near: list[set[int]] = [set() for _ in pairs]
    phrase: set[int] = set()
    stems = list(dict.fromkeys([s for p in pairs for s in p] + list(whole)))
    if not stems or not docs:
        return near, phrase
    for leafnum, (leaf, base) in enumerate(cache.reader.leaf_readers()):
        top = base + leaf.doc_count_all()
        mine = [d for d in docs if base <= d < top]
        if not mine:
            continue
        for field in fieldnames:
            held = {s: cache.position_blocks(leafnum, leaf, field, s)
                    for s in stems if (field, s) in leaf}
            if not held:
                continue
            for d in mine:
                at = _positions_in(held, d - base)
                if not at:
                    continue
                for found, (a, b) in zip(near, pairs):
                    if d not in found and a in at and b in at and _follows(at[a], at[b], 1):
                        found.add(d)
                if whole and d not in phrase and all(s in at for s in whole):
                    first = at[whole[0]]
                    if any(all(p + i in at[s] for i, s in enumerate(whole[1:], 1))
                           for p in first):
                        phrase.add(d)
    return near, phrase


def _positions_in(held: dict, local: int) -> dict[str, set[int]]:
    """Each stem's positions in one document (segment-local number), for the stems it holds."""
    out = {}
    for s, term in held.items():
        ids, starts, ends, positions = term
        i = bisect_left(ids, local)
        if i < len(ids) and ids[i] == local:
            out[s] = set(positions[starts[i]:ends[i]])
    return out


def _follows(first: set[int], second: set[int], gap: int) -> bool:
    """Whether some position of ``second`` is ``gap`` after one of ``first``."""
    return any(p + gap in second for p in first)
