"""Reading a query as a question: which words are its topic, and what else the topic is called.

People type questions ("how do i get my money back"), not keywords. Read literally, every word
must match, so "how", "do" and "my" decide the ranking as much as "refund" would. Here:

- question words and filler (:data:`FILLER`) become *optional*: a document need not hold them
  and they barely count in its score, as long as the query has at least one other word;
- a run of words that an editor listed as another way to say something (the synonym list,
  :mod:`kb.search.synonym_list`) becomes one unit that a document matches either with those
  words or with the canonical term, so "money back" finds "Requesting a refund".

Both are decided per query, on the parsed units of :mod:`kb.search.query`, before any lookup;
the ranking's bonuses for where the words sit (title, next to each other, the whole phrase)
are :mod:`kb.search.ranking`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kb.search.query import Unit, _indexable
from kb.search.schema import WORD_RE, fold, stem

#: Words that ask rather than say what about: question words, pronouns, auxiliaries and the
#: leftovers of contractions ("can't" is "can" and "t"). Not every stop word of a ticket:
#: "stop", "cancel" or "someone" are often the topic.
FILLER = frozenset("""
    how what why where which who whom whose whats hows
    do does did doing done don doesn didn
    can cant cannot could couldn would wouldn should shouldn shall might must
    is isn am are aren was wasn were weren be been being has hasn have haven had hadn
    won wont will ll ve re im id
    i me my mine myself our ours ourselves
    get gets got getting
    there here then so very just also too really please pls
    any anyone anybody some anything something way thing things
    know want need help possible
""".split())

#: Weight of an optional (filler) word's terms, relative to a topic word's.
FILLER_WEIGHT = 0.1
#: Weight of a synonym's terms, relative to the words typed: the typed words stay the best
#: evidence when a document holds them.
SYNONYM_WEIGHT = 0.9


def understand(units: list[Unit], synonyms: "Synonyms | None" = None) -> list[Unit]:
    """The units with filler marked optional and synonym runs merged (a new list; the units
    in it may be the same objects, changed)."""
    if synonyms:
        units = _merge_synonyms(units, synonyms)
    words = [u for u in units if not u.phrase and not u.prefix]
    topical = [u for u in units if u.phrase or u.prefix or u.alternatives
               or u.keys[0] not in FILLER]
    if topical and len(topical) < len(units):
        for u in words:
            if not u.alternatives and u.keys[0] in FILLER:
                u.optional = True
    return units


def required(units: list[Unit]) -> list[int]:
    """Indexes of the units every first-tier document must match."""
    return [i for i, u in enumerate(units) if not u.optional]


class Synonyms:
    """Another way to say something -> what the help center calls it, ready to match queries.

    Built from ``{canonical: [variant, ...]}``; each variant and canonical term is folded and
    cut into indexable words. ``version`` names the list it was built from (a cache key)."""

    def __init__(self, entries: Mapping[str, Iterable[str]], version: object = 0) -> None:
        self.version = version
        #: variant words -> the canonical terms' word tuples
        self.variants: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for canonical, variants in entries.items():
            target = keys_of(canonical)
            if not target:
                continue
            for variant in variants:
                words = keys_of(variant)
                if words and words != target:
                    self.variants.setdefault(words, set()).add(target)
        self.longest = max((len(w) for w in self.variants), default=0)

    def __bool__(self) -> bool:
        return bool(self.variants)

    def __hash__(self) -> int:
        return hash(self.version)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Synonyms) and other.version == self.version


def keys_of(text: str) -> tuple[str, ...]:
    """The folded, indexable words of ``text``, as a query's units keep them."""
    return tuple(k for k in (fold(m.group()) for m in WORD_RE.finditer(text or ""))
                 if _indexable(k))


def _merge_synonyms(units: list[Unit], synonyms: Synonyms) -> list[Unit]:
    """Replace each longest run of plain word units that is a listed variant with one unit
    matching either the run or its canonical terms."""
    out: list[Unit] = []
    i = 0
    while i < len(units):
        merged = None
        for n in range(min(synonyms.longest, len(units) - i), 0, -1):
            run = units[i:i + n]
            if any(u.phrase or u.prefix for u in run):
                continue
            words = tuple(u.keys[0] for u in run)
            targets = synonyms.variants.get(words)
            if targets:
                merged = Unit(tuple(t for u in run for t in u.typed), words)
                merged.alternatives = tuple(sorted(targets))
                i += n
                break
        if merged is None:
            merged = units[i]
            i += 1
        out.append(merged)
    return out


def alternative_terms(unit: Unit, lexicon, weights: Mapping[str, float]
                      ) -> list[tuple[str, str, float]]:
    """The lookups of a merged unit: its own words and every canonical term's, in the index."""
    out: list[tuple[str, str, float]] = []
    seen: set[tuple[str, str]] = set()
    groups = [(unit.keys, 1.0)] + [(alt, SYNONYM_WEIGHT) for alt in unit.alternatives]
    for words, scale in groups:
        for word in words:
            for f, w in weights.items():
                key = (f, stem(word))
                if key not in seen and key in lexicon:
                    seen.add(key)
                    out.append((f, key[1], w * scale))
    return out


def stem_groups(unit: Unit) -> list[tuple[str, ...]]:
    """The stems a document must all hold to match a merged unit, one tuple per way to say it."""
    return [tuple(stem(w) for w in words) for words in (unit.keys, *unit.alternatives)]
