"""From what a person typed to the terms a query looks up (snippets: :mod:`kb.search.snippets`).

Whoosh's query parser is deliberately not used: its syntax (``AND``, ``field:value``, ``*``,
``~``, parentheses) is not a user feature, and hostile input must never fail or turn into an
expensive wildcard. The text is cleaned and cut into words here, and the engine looks up terms
it chose itself. The one piece of syntax kept is a double-quoted phrase.

A query is a list of :class:`Unit` values (a word, a phrase, or the prefix being typed); each
names the ``(field, term, weight)`` lookups that make a document match it. Terms are looked up
in a :class:`~kb.search.engine.lexicon.Lexicon`: the vocabulary of the kinds the query may
see, so a macro search expands a prefix over the macros' words only. How units combine (all of
them first, then most of them) is :mod:`kb.search.ranking`'s business.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.search.engine import TermNotFound
from kb.search.languages import current
from kb.search.schema import MAX_WORD, MIN_WORD, NGRAM_MAX, TEXT_FIELDS, WORD_RE, fold, stem

#: Caps on what a query may cost, whatever is typed.
MAX_QUERY_CHARS = 256
MAX_QUERY_WORDS = 16

#: Query-time field weights. BM25 saturates term frequency, so the index-time field boost alone
#: lifts a title match by only about 1.5x; these make a title match beat a body-only match.
FIELD_WEIGHTS = {"title": 2.5, "tags": 1.5, "body": 1.0}

#: Typo tolerance: candidates within one edit sharing the first letter, at most this many per word.
FUZZY_MAXDIST = 1
FUZZY_PREFIX = 1
FUZZY_TERMS = 3
FUZZY_BOOST = 0.6

#: As-you-type: a body prefix is expanded only when it names at most this many terms, and then
#: only the most frequent few are kept. Longer lists mean the prefix is too short to say much.
PREFIX_SCAN = 200
PREFIX_TERMS = 8
#: ... and of those, the most frequent always, the others while their documents add up to at
#: most this many times the index's: a short prefix of common words ("con") otherwise read
#: most of the index's postings on one keystroke (the slowest queries of the benchmark), while
#: the most frequent completion alone covers most of those documents. Rarer ones are cheap.
PREFIX_POSTINGS = 1.0
PREFIX_MIN = 3
PREFIX_WEIGHT = 0.8


#: Words of a customer's message that never say what it is about, on top of the index's stop
#: words: greetings, pronouns, auxiliaries. A small help center has too few documents for tf-idf
#: alone to learn that "thanks" or "was" are not topics.
MESSAGE_STOPS = frozenset("""
    hi hello hey dear thanks thank cheers regards best kind sincerely please pls ok okay yes
    am was were been being do does did done doing has had having would could should might must
    shall i me my mine myself our ours he him his she her hers they them their theirs its what
    which who whom whose why how where there here then than so very just also too only really
    all any some no nor more most other such own same both each few again further once about
    above after before below between into through during out over under up down off until
    while because but get got getting know think want need like one two today yesterday now
    hope help thing things something anything way
""".split())

#: Control and invisible formatting characters: a space in queries and snippets alike.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})


@dataclass
class Unit:
    """One thing a document should match: a word, a quoted phrase, or the prefix being typed."""

    #: The words as typed, lower-cased (reported in :attr:`Hit.matched` and in suggestions).
    typed: tuple[str, ...]
    #: The same words folded (accents stripped); stop words removed except for a prefix.
    keys: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False
    #: ``(field, term, weight)`` lookups a document may match the unit on (:func:`unit_terms`).
    terms: list[tuple[str, str, float]] = field(default_factory=list)
    #: Typo corrections found for a single word, best first.
    corrections: list[str] = field(default_factory=list)
    #: Filler of a question ("how", "my"): need not match, barely counts (kb.search.phrasing).
    optional: bool = False
    #: Other ways to say the same words (synonyms), each a tuple of folded words.
    alternatives: tuple[tuple[str, ...], ...] = ()

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(k) for k in self.keys)


def clean(raw: str) -> str:
    """Normalise, strip control characters and cap the length of a query string."""
    text = unicodedata.normalize("NFKC", raw or "")[: MAX_QUERY_CHARS * 2]
    text = CONTROL.sub(" ", text).translate(_QUOTES)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def parse(text: str, as_you_type: bool = False, typing: bool = True) -> list[Unit]:
    """Cut a cleaned query into units.

    Quotes pair up left to right; an unpaired quote is ignored. Anything that is not a word
    (operators' punctuation, ``*``, ``?``, ``:``) simply separates words. Stop words are dropped
    (they are not indexed), except as the prefix being typed.

    :param as_you_type: treat the last word as a prefix.
    :param typing: False when the raw query ended in whitespace (the last word is complete).
    """
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an odd number of quotes: the last one is unpaired
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    units: list[Unit] = []
    seen: set[tuple[str, ...]] = set()
    budget = MAX_QUERY_WORDS
    last: str | None = None
    for i, part in enumerate(parts):
        tokens = [m.group().lower() for m in WORD_RE.finditer(part)]
        last = tokens[-1] if tokens and i == len(parts) - 1 else None
        if len(tokens) > budget:
            tokens, last = tokens[:budget], None
        budget -= len(tokens)
        kept = [(t, fold(t)) for t in tokens if _indexable(fold(t))]
        if i % 2 == 1 and len(kept) > 1:
            key = tuple(k for _, k in kept)
            if key not in seen:
                seen.add(key)
                units.append(Unit(tuple(t for t, _ in kept), key, phrase=True))
            continue
        for t, k in kept:
            if (k,) not in seen:
                seen.add((k,))
                units.append(Unit((t,), (k,)))
    if as_you_type and typing and last is not None:
        key = fold(last)
        if len(key) >= 2:
            units = [u for u in units if u.keys != (key,)]
            units.append(Unit((last,), (key,), prefix=True))
    return units


def _indexable(key: str) -> bool:
    return key not in current().stops and MIN_WORD <= len(key) <= MAX_WORD


def unit_terms(unit: Unit, lexicon, fuzzy: bool = False) -> list[tuple[str, str, float]]:
    """The lookups for one unit, keeping only terms present in the index (a dictionary check
    each). Stores them on ``unit.terms`` too, for ranking, highlighting and :attr:`Hit.matched`.

    :param fuzzy: also match the unit's typo corrections (``unit.corrections``), weighted down.
    """
    terms: list[tuple[str, str, float]] = []
    have: set[tuple[str, str]] = set()

    def add(fieldname: str, text: str, weight: float) -> None:
        if (fieldname, text) not in have and (fieldname, text) in lexicon:
            have.add((fieldname, text))
            terms.append((fieldname, text, weight))

    if unit.phrase:
        for s in unit.stems:
            for f in ("title", "body"):
                add(f, s, FIELD_WEIGHTS[f])
    else:
        key = unit.keys[0]
        if unit.prefix:
            _prefix_terms(key, lexicon, add)
        if _indexable(key):
            for f in TEXT_FIELDS:
                add(f, stem(key), FIELD_WEIGHTS[f])
        if fuzzy:
            for word in unit.corrections:
                for f in TEXT_FIELDS:
                    add(f, stem(word), FIELD_WEIGHTS[f] * FUZZY_BOOST)
    unit.terms = terms
    return terms


def _prefix_terms(key: str, lexicon, add: Callable[[str, str, float], None]) -> None:
    """The prefix being typed: an exact edge-n-gram term on titles and tags, plus a bounded
    expansion over the body's stems."""
    add("title_ng", key[:NGRAM_MAX], FIELD_WEIGHTS["title"])
    if len(key) < PREFIX_MIN:
        return
    found: list[str] = []
    for i, text in enumerate(lexicon.expand_prefix("body", key)):
        if i >= PREFIX_SCAN:
            found = []  # too many: the prefix says too little, titles answer alone
            break
        found.append(text)
    if not found:
        # A stem may be shorter than the prefix typed ("configura" -> "configur").
        found = [key[:n] for n in range(max(4, len(key) - 2), len(key))
                 if ("body", key[:n]) in lexicon]
    frequency = {t: lexicon.doc_frequency("body", t) for t in found}
    found.sort(key=frequency.__getitem__, reverse=True)
    budget = PREFIX_POSTINGS * lexicon.doc_count
    for i, t in enumerate(found[:PREFIX_TERMS]):
        if i and frequency[t] > budget:
            continue
        budget -= frequency[t]
        add("body", t, PREFIX_WEIGHT)


def document_frequency(unit: Unit, lexicon) -> int:
    """How many documents contain the unit's word (upper bound over the fields)."""
    if unit.phrase or unit.prefix:
        return 1 << 30
    return frequency(unit.keys[0], lexicon)


def frequency(word: str, lexicon) -> int:
    """Documents holding ``word`` (its stem) in the title or body, the larger of the two."""
    s = stem(word)
    return max(lexicon.doc_frequency("body", s), lexicon.doc_frequency("title", s))


def corrections(word: str, lexicon, maxdist: int = FUZZY_MAXDIST) -> list[str]:
    """Words of the index's vocabulary within ``maxdist`` edits of ``word``, most frequent first.

    An edit is a letter added, dropped or replaced, or two neighbouring letters swapped
    ("pasword", "passwrod"): Whoosh's automaton knows the first three only, so the swaps are
    looked up on their own. The first letter must match (``prefix=1``): it keeps the automaton
    walk short, and typos rarely touch it.
    """
    if len(word) < 3 or not word.isalpha():
        return []
    try:
        found = {w for w in lexicon.terms_within("vocab", word, maxdist, prefix=FUZZY_PREFIX)
                 if w != word}
    except (KeyError, TermNotFound):  # no vocabulary yet in some segment
        return []
    found.update(w for w in _swaps(word, FUZZY_PREFIX) if ("vocab", w) in lexicon)
    return sorted(found, key=lambda w: (-frequency(w, lexicon), w))[:FUZZY_TERMS]


def _swaps(word: str, keep: int) -> set[str]:
    """``word`` with two neighbouring letters swapped, the first ``keep`` letters left alone."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:]
            for i in range(keep, len(word) - 1) if word[i] != word[i + 1]}


def key_term_candidates(text: str, lexicon, doc_count: int) -> list[tuple[str, str, float]]:
    """The words of ``text`` ranked by how distinctive they are in the index (tf-idf).

    Words the index has never seen (names, typos, ticket numbers) are dropped, and so are words
    in most documents. Returns ``(word as written, stem, weight)``, best first.
    """
    surfaces: dict[str, Counter] = {}
    tf: Counter = Counter()
    for m in WORD_RE.finditer(text[:20000]):
        word = m.group().lower()
        k = fold(word)
        if not _indexable(k) or not k.isalpha() or k in MESSAGE_STOPS:
            continue
        s = stem(k)
        tf[s] += 1
        surfaces.setdefault(s, Counter())[word] += 1
    out = []
    n = max(doc_count, 1)
    for s, f in tf.items():
        df = max(lexicon.doc_frequency("body", s), lexicon.doc_frequency("title", s))
        if df == 0 or df > 0.5 * n:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        out.append((surfaces[s].most_common(1)[0][0], s, (1 + math.log(f)) * idf))
    out.sort(key=lambda x: (-x[2], x[0]))
    return out
