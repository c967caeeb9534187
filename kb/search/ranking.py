"""Answering queries on one open searcher: the strategy around :mod:`kb.search.engine.postings`.

A :class:`Snapshot` holds everything tied to one searcher (its term cache, scope and facet
bitmaps) and is replaced as a whole when the index changes, so nothing cached can outlive the
data it describes. :class:`~kb.search.index.SearchIndex` serialises access to it.

The strategy for a query: documents with all the units first (a unit is a word, a quoted phrase
or the prefix being typed, see :mod:`kb.search.query`); when they are fewer than a page, typo
corrections for words the index barely knows, then documents with most of the units, ranked by
how many they match and then by score.

Every query names the kinds it may see (the scope's, narrowed by a kind facet): terms are loaded
from those kinds' parts of the index only (see :mod:`kb.search.schema`), so the agent's
as-you-type macro search never reads an article's postings.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial

from kb.search.engine import bitmaps as bm
from kb.search.engine import phrases as ph
from kb.search.engine import postings as pl
from kb.search import phrasing, proximity
from kb.search import query as qb
from kb.search import snippets
from kb.search.engine import storage as st
from kb.search.engine import topk
from kb.search.documents import Hit, Scope, SearchPage
from kb.search.schema import fold, kinds_of, part

#: Scope and facet combinations whose bitmaps are kept per searcher.
FILTER_CACHE_SIZE = 64

#: The best this many documents (at least a page) are ranked again on where the words sit.
RERANK_POOL = 20
#: Score multipliers of that second look: the share of the query's words in the title, the
#: share of its neighbouring word pairs found next to each other, the whole query as a phrase
#: (worth more than the rest together: the exact words typed are the best answer).
TITLE_BONUS = 0.6
NEAR_BONUS = 0.5
PHRASE_BONUS = 2.0
#: With this many words or more, documents missing one of them are ranked beside those holding
#: all, their score times MISSING_FACTOR (once per word missing): a long query's answer often
#: says one of its words differently, while a long reference page holds every word somewhere.
NEAR_MISS_WORDS = 3
MISSING_FACTOR = 0.7
#: ... when fewer documents than this hold them all: among more, the best of those holding
#: every word leave no room on a page for one missing a word (and finding the best of the
#: many missing one is the costly part).
NEAR_MISS_UNDER = 100


class Snapshot:
    """Queries over one searcher. Not thread-safe: the index holds its lock while using it."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.cache = pl.TermCache(searcher)
        self.filters: OrderedDict[tuple, int] = OrderedDict()
        #: The bookkeeping document's values (outbox position, schema version).
        self.meta = st.read_meta(searcher)

    def related(self, doc_id: int, scope: Scope, limit: int = 5) -> list[Hit]:
        """Documents like ``doc_id`` ("more like this"), in scope, the document itself excluded.

        Built from the most distinctive words of its title and opening text. Empty when the
        document is not indexed or not in scope.
        """
        s, cache = self.searcher, self.cache
        docnum = st.docnum(s, str(doc_id))
        allowed = self.allowed(scope, None, None, None, None)
        if docnum is None or not (allowed >> docnum) & 1:
            return []
        kinds = kinds_of(scope.kinds)
        stored = s.stored_fields(docnum)
        title = stored.get("title", "")
        text = f"{title} {title} {stored.get('snip', '')}"
        units, terms = [], []
        for word, stem_, weight in qb.key_term_candidates(text, cache.lexicon(kinds), cache.live):
            found = [(t, weight) for f in ("title", "body")
                     if (t := cache.term(f, stem_, kinds)) is not None and t.df > 1]
            if found:
                unit = qb.Unit((word,), (fold(word),))
                unit.terms = [(t.field, t.text, w) for t, w in found]
                units.append(unit)
                terms.extend(found)
            if len(units) >= 12:
                break
        eligible = 0
        for t, _ in terms:
            eligible |= t.bits
        eligible &= allowed & ~(1 << docnum)
        items = topk.top(terms, eligible, cache.nbytes(), limit)
        return self._hits(items, units, self._unit_bits(units, kinds))

    def key_terms(self, text: str, scope: Scope, limit: int = 8) -> list[str]:
        """The distinctive words of a pasted message, best first, as written (lower-cased).

        A word counts when the index knows it, in a document the scope may see, and it is not in
        most documents; rarer words rank higher (tf-idf against the index's vocabulary).
        """
        cache = self.cache
        allowed = self.allowed(scope, None, None, None, None)
        kinds = kinds_of(scope.kinds)
        out: list[str] = []
        for word, stem_, _ in qb.key_term_candidates(text or "", cache.lexicon(kinds), cache.live):
            if len(out) >= limit:
                break
            if word not in out and self._bits_of_stem(stem_, kinds) & allowed:
                out.append(word)
        return out

    def search(self, text: str, units: list[qb.Unit], scope: Scope,
               facets: tuple, limit: int, offset: int) -> SearchPage:
        """One page of results for the parsed query (see :meth:`SearchIndex.search`)."""
        cache = self.cache
        allowed = self.allowed(scope, *facets)
        if not allowed:
            return SearchPage(text, 0, [], None)
        kind = facets[0]
        kinds = kinds_of(scope.kinds if kind is None else set(scope.kinds) & {kind})
        lexicon = cache.lexicon(kinds)
        need = -(-(offset + limit) // RERANK_POOL) * RERANK_POOL
        for u in units:
            _lookups(u, lexicon)
        proximity.read_with_positions(cache, units, kinds)
        total, items, bits = self._all_words(units, allowed, need, kinds)
        suggestion = None
        # The fallbacks depend on the page size, not on the offset, so every page of a
        # query agrees on which documents match and on the total.
        if total < limit:
            # Typo tolerance, only now that exact terms found too little.
            weak = [u for u in units if not u.phrase and not u.prefix and not u.optional
                    and not u.alternatives and qb.document_frequency(u, lexicon) < 3]
            for u in weak:
                u.corrections = qb.corrections(u.keys[0], lexicon)
            if any(u.corrections for u in weak):
                for u in weak:
                    qb.unit_terms(u, lexicon, fuzzy=True)
                total, items, bits = self._all_words(units, allowed, need, kinds)
                suggestion = self._suggest(text, weak, allowed, lexicon)
            if total < limit and len(phrasing.required(units)) > 1:
                total, items, bits = self._most_words(units, bits, allowed, need, kinds)
        elif len(phrasing.required(units)) >= NEAR_MISS_WORDS and total < NEAR_MISS_UNDER:
            items = items + self._near_misses(units, bits, allowed, need, kinds)
        items = self._rerank(items, units, bits, kinds)
        marker = snippets.highlighter(units)
        return SearchPage(text, total, self._hits(items[offset:offset + limit], units, bits,
                                                  marker),
                          suggestion, partial(snippets.snippet_near_first_match, marker=marker))

    def _unit_bits(self, units: list[qb.Unit], kinds: tuple[str, ...]) -> list[int]:
        """Each unit's documents: the union of its terms' bitmaps (phrases: candidates only)."""
        cache = self.cache
        out = []
        for u in units:
            if u.phrase:
                bits = 0
                for f in ("title", "body"):
                    both = -1
                    for s in u.stems:
                        t = cache.term(f, s, kinds, positions=True)
                        both &= t.bits if t else 0
                    bits |= both if both != -1 else 0
            elif u.alternatives:
                bits = 0
                for stems in phrasing.stem_groups(u):
                    every = -1
                    for s in stems:
                        every &= self._bits_of_stem(s, kinds)
                    bits |= every if every != -1 else 0
            else:
                bits = 0
                for f, t, _ in u.terms:
                    term = cache.term(f, t, kinds)
                    if term is not None:
                        bits |= term.bits
            out.append(bits)
        return out

    def _weighted_terms(self, units: list[qb.Unit],
                        kinds: tuple[str, ...]) -> list[tuple[pl.Term, float]]:
        cache = self.cache
        return [(term, w) for u in units for f, t, w in u.terms
                if (term := cache.term(f, t, kinds)) is not None]

    def _all_words(self, units: list[qb.Unit], allowed: int, need: int,
                   kinds: tuple[str, ...]) -> tuple[int, list[tuple[float, int]], list[int]]:
        """``(total, top items, per-unit bitmaps)`` for documents matching every unit.

        Quoted phrases are verified against positions: every candidate when there are at most
        ``PHRASE_VERIFY_ALL``, otherwise lazily while ranking, with the total estimated from a
        sample. The bitmaps returned hold verified phrase matches only.
        """
        cache = self.cache
        bits = self._unit_bits(units, kinds)
        both = allowed
        for u, b in zip(units, bits):
            if not u.phrase and not u.optional:
                both &= b
        lazy: list[tuple[int, qb.Unit]] = []
        estimate, batch = 1.0, 32
        for i, u in enumerate(units):
            if not u.phrase:
                continue
            candidates = both & bits[i]
            every = bm.docnums(candidates, cache.nbytes())
            if len(every) > pl.PHRASE_VERIFY_ALL:
                # A run of consecutive candidates is cheap to check (few posting blocks) and
                # tells how rare the phrase is among them: rare means ranking would have to
                # check most candidates anyway, so check them all at once.
                sample = every[len(every) // 3:][: pl.PHRASE_SAMPLE]
                ratio = len(self._verify(u, sample, kinds)) / len(sample)
                if ratio * len(every) >= 8 * need:
                    estimate *= ratio
                    batch = max(32, int(2 * need / max(ratio, 1e-3)))
                    both &= candidates
                    lazy.append((i, u))
                    continue
            bits[i] = cache.bits_of(self._verify(u, every, kinds))
            both &= bits[i]
        verified: set[int] = set()

        def verify(candidates: list[int]) -> set[int]:
            ok = set(candidates)
            for _, u in lazy:
                ok &= self._verify(u, sorted(ok), kinds)
            verified.update(ok)
            return ok

        items = topk.top(self._weighted_terms(units, kinds), both, cache.nbytes(), need,
                       verify if lazy else None, batch if lazy else 32)
        total = bm.popcount(both)
        if lazy:
            total = max(len(items), round(total * estimate))
            for i, _ in lazy:
                bits[i] = cache.bits_of(verified)
        return total, items, bits

    def _rerank(self, items: list[tuple[float, int]], units: list[qb.Unit], bits: list[int],
                kinds: tuple[str, ...]) -> list[tuple[float, int]]:
        """The top documents ranked again on where the words sit: words in the title, words
        next to each other as typed, the whole query as a phrase lift a document's score.

        Documents keep their tier (how many of the required units they match), so a document
        with fewer of the words never overtakes one with more. Phrase checks run on these few
        candidates only."""
        needed = phrasing.required(units)
        if len(items) < 2 or not needed:
            return items
        cache, nbytes = self.cache, self.cache.nbytes()
        docs = sorted(d for _, d in items)
        words = [units[i] for i in needed if not units[i].phrase and not units[i].prefix]
        title = []
        for u in words:
            held = 0
            for f, t, _ in u.terms:
                if f == "title" and (term := cache.term(f, t, kinds)) is not None:
                    held |= term.bits
            title.append(held.to_bytes(nbytes, "little"))
        fields = tuple(part(f, k) for f in ("title", "body") for k in kinds)
        order = [u for u in (units[i] for i in needed) if not u.prefix]
        pairs = [(a.stems[-1], b.stems[0]) for a, b in zip(order, order[1:])
                 if not a.alternatives and not b.alternatives]
        everything = [s for u in units if not u.prefix for s in u.stems]
        near, whole = proximity.adjacency(
            cache, fields, pairs, everything
            if len(everything) > 2 or (len(everything) == 2 and not pairs) else (), docs)
        member = [b.to_bytes(nbytes, "little") for b in (bits[i] for i in needed)]
        ranked = []
        for score, d in items:
            at, bit = d >> 3, 1 << (d & 7)
            tier = sum(1 for m in member if m[at] & bit)
            lift = 1.0
            if title:
                lift += TITLE_BONUS * sum(1 for t in title if t[at] & bit) / len(title)
            if pairs:
                lift += NEAR_BONUS * sum(1 for n in near if d in n) / len(pairs)
            if d in whole:
                lift += PHRASE_BONUS
            ranked.append((score * lift * MISSING_FACTOR ** (len(needed) - tier), d))
        ranked.sort(key=lambda x: (-x[0], x[1]))
        return ranked

    def _near_misses(self, units: list[qb.Unit], bits: list[int], allowed: int, need: int,
                     kinds: tuple[str, ...]) -> list[tuple[float, int]]:
        """The best documents holding all the required units but one."""
        needed = [bits[i] for i in phrasing.required(units)]
        anything = 0
        for b in needed:
            anything |= b
        tier = bm.exactly(bm.match_counts(needed), len(needed) - 1, anything & allowed)
        return topk.top(self._weighted_terms(units, kinds), tier, self.cache.nbytes(), need)

    def _verify(self, unit: qb.Unit, candidates: list[int], kinds: tuple[str, ...]) -> set[int]:
        fields = tuple(part(f, k) for f in ("title", "body") for k in kinds)
        return ph.verify_phrase(self.cache, fields, list(unit.stems), candidates)

    def _most_words(self, units: list[qb.Unit], bits: list[int], allowed: int, need: int,
                    kinds: tuple[str, ...]) -> tuple[int, list[tuple[float, int]], list[int]]:
        """Documents matching some units: those with more units first, then by score.

        The per-document count of units matched is computed for all documents at once with
        bit-sliced counters, then each count's documents are ranked in turn.
        """
        cache = self.cache
        raw = self._unit_bits(units, kinds)
        bits = list(bits)
        for i, u in enumerate(units):
            # Phrases were verified among documents with all the other words only.
            candidates = raw[i] & allowed
            if u.phrase and bm.popcount(candidates) <= pl.PHRASE_VERIFY_ALL:
                bits[i] = cache.bits_of(self._verify(u, bm.docnums(candidates, cache.nbytes()),
                                                     kinds))
        needed = [bits[i] for i in phrasing.required(units)]
        anything = 0
        for b in needed:
            anything |= b
        anything &= allowed
        planes = bm.match_counts(needed)
        terms = self._weighted_terms(units, kinds)
        items: list[tuple[float, int]] = []
        for count in range(len(needed), 0, -1):
            tier = bm.exactly(planes, count, anything)
            if tier:
                items.extend(topk.top(terms, tier, cache.nbytes(), need - len(items)))
            if len(items) >= need:
                break
        return bm.popcount(anything), items, bits

    def _suggest(self, text: str, weak: list[qb.Unit], allowed: int,
                 lexicon: pl.Lexicon) -> str | None:
        """The query with each barely-known word replaced by its most frequent correction, if
        some document in scope holds that correction."""
        corrected = text
        for u in weak:
            if not u.corrections:
                continue
            best = u.corrections[0]
            if qb.frequency(best, lexicon) <= 2 * qb.document_frequency(u, lexicon):
                continue
            if not self._bits_of_stem(qb.stem(best), lexicon.kinds) & allowed:
                continue
            pattern = re.compile(r"(?<!\w)" + re.escape(u.typed[0]) + r"(?!\w)", re.IGNORECASE)
            corrected = pattern.sub(best, corrected)
        return corrected if corrected.lower() != text.lower() else None

    def _bits_of_stem(self, stem_: str, kinds: tuple[str, ...]) -> int:
        bits = 0
        for f in ("title", "tags", "body"):
            bits |= self.cache.text_bits(f, stem_, kinds)
        return bits

    def _hits(self, items: list[tuple[float, int]], units: list[qb.Unit],
              bits: list[int], marker: snippets.Highlighter | None = None) -> list[Hit]:
        if not items:
            return []
        s = self.searcher
        nbytes = self.cache.nbytes()
        member = [b.to_bytes(nbytes, "little") for b in bits]
        marker = marker or snippets.highlighter(units)
        hits = []
        for score, docnum in items:
            f = s.stored_fields(docnum)
            byte, bit = docnum >> 3, 1 << (docnum & 7)
            matched = tuple(w for u, m in zip(units, member) if m[byte] & bit for w in u.typed)
            hits.append(Hit(
                id=int(f["id"]), kind=f.get("kind", ""), slug=f.get("slug", ""),
                title=f.get("title", ""), snippet=snippets.snippet(f.get("snip", ""), marker),
                score=round(float(score), 4), matched=matched,
            ))
        return hits

    def allowed(self, scope: Scope, kind, category, section, tag, locale=None) -> int:
        """Bitmap of the documents the scope and facets admit, cached per searcher."""
        kinds = set(scope.kinds) if kind is None else set(scope.kinds) & {kind}
        key = (frozenset(kinds), frozenset(scope.visibilities), scope.user_id, category, section,
               tag, locale)
        if key in self.filters:
            self.filters.move_to_end(key)
            return self.filters[key]
        cache = self.cache

        def union(fieldname: str, values: Iterable[str]) -> int:
            out = 0
            for value in values:
                out |= cache.bits(fieldname, value)
            return out

        docs = union("kind", kinds) & union("vis", scope.visibilities)
        docs &= union("owner", {"-"} if scope.user_id is None else {"-", str(scope.user_id)})
        for fieldname, value in (("category", category), ("section", section),
                                 ("tag", None if tag is None else tag.strip().lower()),
                                 ("locale", locale)):
            if value is not None:
                docs &= cache.bits(fieldname, value)
        self.filters[key] = docs
        if len(self.filters) > FILTER_CACHE_SIZE:
            self.filters.popitem(last=False)
        return docs


def _lookups(unit: qb.Unit, lexicon) -> None:
    """Set ``unit.terms``: a synonym unit's own and canonical words, filler weighted down."""
    if unit.alternatives:
        unit.terms = phrasing.alternative_terms(unit, lexicon, qb.FIELD_WEIGHTS)
    else:
        qb.unit_terms(unit, lexicon)
    if unit.optional:
        unit.terms = [(f, t, w * phrasing.FILLER_WEIGHT) for f, t, w in unit.terms]
