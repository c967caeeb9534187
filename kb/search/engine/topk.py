"""The top k documents for weighted terms: the threshold algorithm (Fagin) with MaxScore.

Walk the terms' impact-sorted lists in parallel, score each new eligible document fully, and
stop once the k-th best score beats what any unseen document could still reach. Exact. With
many terms (a prefix's completions, a typo's corrections) that bound stays loose for long, so
once the top is full the terms that cannot lift a document into it on their own are set aside
(MaxScore). When few documents are eligible they are scored directly instead.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import add, mul, neg

from kb.search.engine.bitmaps import _BIT, _flags, docnums, to_bits
from kb.search.engine.postings import RANKED_HEAD, Term

#: :func:`top` scores every eligible document directly, without the impact-sorted lists, when
#: that takes fewer than this many lookups, or fewer than a tenth of the postings it would have
#: to sort first.
DIRECT_LOOKUPS = 2000

#: A lazily checked phrase is ranked by scoring every candidate first when it is rare: when the
#: batches it is checked in hold 1/VERIFY_DIRECTLY of the candidates, or more documents than
#: the head of a list :meth:`Term.ranked` sorts first (walking past it sorts whole lists).
#: Scoring a few thousand candidates is a handful of C-level passes, where the walk scores
#: each document it meets in Python (``bench/search_engine.py``'s phrase queries chose the value).
VERIFY_DIRECTLY = 32


def top(terms: list[tuple[Term, float]], eligible: int, nbytes: int, k: int,
        verify: Callable[[list[int]], set[int]] | None = None,
        batch: int = 32) -> list[tuple[float, int]]:
    """The ``k`` best ``(score, docnum)`` among ``eligible`` documents, best first.

    A document's score is the sum over ``terms`` of impact x weight. Threshold algorithm: the
    lists are walked in parallel in blocks; after each round, if the k-th best score is at least
    the sum of the lists' current impacts, nothing unseen can do better. Lists that cannot lift
    a document into the top are left unwalked, and the walk ends early when scoring the few
    documents that still could is cheaper (see :func:`_minor_terms`).

    :param verify: for phrases: takes candidate document numbers, returns those that really
        match. Candidates wait in a batch and are verified together, in document order.
    :param batch: how many candidates to verify at a time (each batch is a pass over posting
        blocks, so fewer, larger batches when few candidates turn out to match).
    """
    if k <= 0 or not eligible or not terms:
        return []
    held = [t.bits & eligible for t, _ in terms]
    if verify is None and _cheaper_directly(terms, held):
        return _top_directly(terms, held, nbytes, k)
    if verify is not None and (batch >= RANKED_HEAD
                               or batch * VERIFY_DIRECTLY >= eligible.bit_count()):
        return _top_verified_directly(terms, held, nbytes, k, verify, batch)
    gate = eligible.to_bytes(nbytes, "little")
    heap: list[tuple[float, int]] = []
    seen: set[int] = set()
    pending: list[tuple[float, int]] = []
    positions = [0] * len(terms)
    step = 64
    scored = 0
    # Each term's bitmap as bytes says whether it holds a document before it is bisected for:
    # most of a prefix's or a typo's expansions hold few of the documents scored.
    lookups = [(t.bits.to_bytes(nbytes, "little"), t.table, t.ids, t.impact_getter(), w)
               for t, w in terms]

    def score(d: int) -> float:
        s = 0.0
        at, bit = d >> 3, _BIT[d & 7]
        for holds, table, ids, impact_at, w in lookups:
            if holds[at] & bit:
                s += (table[d] if table is not None else impact_at(bisect_left(ids, d))) * w
        return s

    def push(s: float, d: int) -> None:
        if len(heap) < k:
            heapq.heappush(heap, (s, -d))
        elif s > heap[0][0]:
            heapq.heapreplace(heap, (s, -d))

    def flush() -> None:
        if pending:
            good = verify(sorted(d for _, d in pending)) if verify else None
            for s, d in pending:
                if good is None or d in good:
                    push(s, d)
            pending.clear()

    def minor() -> set[int]:
        """The terms that can no longer lift a document into the top (none until it is full)."""
        return _minor_terms(bounds, heap[0][0]) if len(heap) >= k and not pending else set()

    def visit(d: int) -> None:
        nonlocal scored
        scored += 1
        if verify is not None:
            pending.append((score(d), d))
        else:
            push(score(d), d)

    while True:
        # What each term can still add to a document no list has reached yet: its highest
        # impact until its list is walked (which needs no sorting), then the current one.
        bounds = [(t.peak if not j else t.impact(t.ranked(j + 1)[j])) * w if j < t.df else 0.0
                  for (t, w), j in zip(terms, positions)]
        threshold = sum(bounds)
        active = any(j < t.df for (t, _), j in zip(terms, positions))
        done = not active or (len(heap) >= k and heap[0][0] >= threshold)
        if pending and (done or len(pending) >= batch):
            flush()
            done = not active or (len(heap) >= k and heap[0][0] >= threshold)
        if done:
            break
        skip = minor()
        if len(heap) >= k and not pending:
            walk = sum(min(step, t.df - j)
                       for i, ((t, _), j) in enumerate(zip(terms, positions)) if i not in skip)
            rest = _could_still_enter(terms, skip, eligible, seen)
            if rest.bit_count() <= walk:
                # Fewer documents could still make the top than the next round would visit:
                # score just those and stop.
                for d in docnums(rest, nbytes):
                    visit(d)
                break
        # The lists that could lift a document into the top, highest bound first: once the
        # first ones have filled the top, a list whose bound cannot matter is left unwalked
        # (and unsorted: a dense common word's, most often).
        for i in sorted(range(len(terms)), key=bounds.__getitem__, reverse=True):
            t = terms[i][0]
            j = positions[i]
            if j >= t.df or i in skip:
                continue
            if not skip:
                skip = minor()
                if i in skip:
                    continue
            end = min(j + step, t.df)
            for d in t.ranked(end)[j:end]:
                if d in seen:
                    continue
                seen.add(d)
                if gate[d >> 3] & _BIT[d & 7]:
                    visit(d)
            positions[i] = end
        step = min(step * 2, 4096)
    flush()
    for t, _ in terms:
        t.lookups += scored
    return sorted(((s, -nd) for s, nd in heap), key=lambda x: (-x[0], x[1]))


def _minor_terms(bounds: list[float], floor: float) -> set[int]:
    """The terms (indexes) that cannot lift an unseen document to ``floor``, the k-th best score
    so far, on their own or together (MaxScore): those with the smallest ``bounds`` (what each
    can still add), while their bounds add up to less than ``floor``. A document none of the
    other terms holds scores less than ``floor``.

    A prefix's completions or a typo's corrections are many terms whose bounds add up to far
    more than any one document scores, which keeps the threshold of :func:`top` high for long;
    this bound is per document."""
    margin = floor * (1 - 1e-9)  # the sum below is not added in a document's order
    below = 0.0
    minor = set()
    for i in sorted(range(len(bounds)), key=bounds.__getitem__):
        if below + bounds[i] >= margin:
            break
        below += bounds[i]
        minor.add(i)
    return minor


def _could_still_enter(terms: list[tuple[Term, float]], minor: set[int], eligible: int,
                       seen: set[int]) -> int:
    """The unseen eligible documents holding a term that is not ``minor``, as a bitmap."""
    held = 0
    for i, (t, _) in enumerate(terms):
        if i not in minor:
            held |= t.bits
    unseen = held & eligible
    return unseen & ~to_bits(seen, terms[0][0].doc_count) if seen else unseen


def _cheaper_directly(terms: list[tuple[Term, float]], held: list[int]) -> bool:
    """Whether scoring each eligible document beats the threshold algorithm: when few documents
    are eligible, or when the lists it walks would have to be sorted first and are long.

    :param held: each term's eligible documents (a bitmap)."""
    lookups = sum(bits.bit_count() for bits in held)
    unsorted = sum(t.df for t, _ in terms if not t.sorted)
    return lookups <= max(DIRECT_LOOKUPS, unsorted // 10)


def _top_directly(terms: list[tuple[Term, float]], held: list[int], nbytes: int,
                  k: int) -> list[tuple[float, int]]:
    """:func:`top` by scoring every eligible document some term holds
    (:func:`_scores_directly`)."""
    docs, scores = _scores_directly(terms, held, nbytes)
    return [(-s, d) for s, d in heapq.nsmallest(k, zip(map(neg, scores), docs))]


def _top_verified_directly(terms: list[tuple[Term, float]], held: list[int], nbytes: int,
                           k: int, verify: Callable[[list[int]], set[int]],
                           batch: int) -> list[tuple[float, int]]:
    """:func:`top` for a rare phrase among many candidates: score every candidate directly,
    then verify them best first, ``batch`` at a time, until ``k`` are verified.

    When a phrase holds in one candidate in hundreds, the threshold algorithm would verify
    batches of thousands anyway, after sorting and walking the words' whole lists to find them
    (most of the time of such a query); scoring every candidate is a pass over each list."""
    docs, scores = _scores_directly(terms, held, nbytes)
    # Best first, ties in document order: a stable sort of the (ascending) documents by score,
    # comparing floats rather than tuples.
    ranked = sorted(range(len(docs)), key=scores.__getitem__, reverse=True)
    found: list[tuple[float, int]] = []
    for start in range(0, len(ranked), batch):
        chunk = ranked[start:start + batch]
        good = verify(sorted(map(docs.__getitem__, chunk)))
        found.extend((scores[i], docs[i]) for i in chunk if docs[i] in good)
        if len(found) >= k:
            break
    return found[:k]


def _scores_directly(terms: list[tuple[Term, float]], held: list[int],
                     nbytes: int) -> tuple[list[int], list[float]]:
    """``(documents, scores)``: every document some term holds among ``held`` (each term's
    eligible documents), ascending, and its score. Scores are summed in the order of
    ``terms``, as :func:`top` sums them, so both give the same floats.

    A term holding many of the documents adds its impacts to all the scores at once: its
    postings are picked out by a C-level ``compress`` with flag bytes (one per document number)
    and lined up with the documents (a phrase's words, most often, hold every candidate). One
    holding few adds them one at a time."""
    union = 0
    for bits in held:
        union |= bits
    docs = docnums(union, nbytes)
    scores = [0.0] * len(docs)
    in_union: bytes | None = None
    for (t, w), bits in zip(terms, held):
        if bits.bit_count() * 4 < len(docs):  # few: one step each
            i = 0
            for d, impact in _eligible_postings(t, bits, nbytes):
                i = bisect_left(docs, d, i)
                scores[i] += impact * w
            continue
        if bits == t.bits:  # every posting of the term is eligible
            impacts: Iterable[float] = t.impacts
        else:
            if in_union is None:
                in_union = _flags(union)
            # The term's documents outside the union are the ineligible ones.
            impacts = t.impacts_where(compress(in_union, _flags(t.bits)))
        if bits != union:  # spread over the documents: zero where the term is missing
            impacts = map(dict(zip(docnums(bits, nbytes), impacts)).get, docs, repeat(0.0))
        scores = list(map(add, scores, map(mul, impacts, repeat(w))))
    return docs, scores


def _eligible_postings(t: Term, bits: int, nbytes: int) -> Iterable[tuple[int, float]]:
    """``(docnum, impact)`` of the term's documents in ``bits`` (few of them)."""
    if bits == t.bits:  # all of them: no lookups
        return zip(t.ids, t.impacts)
    wanted = docnums(bits, nbytes)
    return zip(wanted, map(t.impact_at, map(bisect_left, repeat(t.ids), wanted)))
