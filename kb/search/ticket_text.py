"""Reading a customer's message for suggest: its key phrases, and how well a document answers them.

A ticket is not a search query. It opens with a greeting, tells a story, closes with thanks,
and names the problem in its own words ("you took my money twice") where the help center has
its own ("Duplicate charge refunded"). So suggest

1. drops greetings, sign-offs and filler, and keeps the words that carry the problem;
2. adds the help center's words for the customer's (:mod:`kb.search.synonyms`);
3. weighs each word by how rare it is in the help center (the engine reports how many
   documents hold it, and corrects a misspelling to a word it knows);
4. scores each candidate document by where those words appear: a macro's title (its last
   ``::`` part), its categories (the parts before), its tags and its body, in that order of
   weight, with a body's repeated words counting less each time;
5. lifts, a little, the macros agents have used most, and more the macros agents used for
   tickets with the same key terms (past uses: only the terms are kept, see :func:`fingerprint`).

Nothing here knows a particular ticket or macro; the figures on the judged tickets come from
``bench/suggest.py``.

The reading above is English's. A message in another language (the language in force, see
:mod:`kb.search.languages`) is accent-folded, its filler is that language's stop words, and its
words are stemmed by that language's stemmer; the English folds (irregular verbs, "-ly",
other forms, the synonym list's phrases) apply to English only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

from kb.search.languages import ENGLISH, current, fold
from kb.search.synonyms import SYNONYMS

#: Words that say nothing about the problem: English function words, the politeness and
#: story-telling of a support message, and words every help document uses.
FILLER = frozenset("""
a about above after again against ago all also am an and any anymore are aren as at be because
been before being below between both but by can cannot could couldn did didn do does doesn
doing don done down during each either else even ever every few for from further get gets
getting got had hadn has hasn have haven having he her here hers herself him himself his how i
if in into is isn it its itself just let like ll me might more most much must mustn my myself
need needs no nor not now of off on once one only or other our ours ourselves out over own
please re really same shall she should shouldn so some still such than that the their theirs
them themselves then there these they this those through to too under until up upon us ve
very was wasn we were weren what when where which while who whom why will with won would
wouldn yet you your yours yourself yourselves s t d m o y
hi hello hey dear thanks thank thx cheers regards best kind kindly sincerely greetings morning
afternoon evening team support folks guys hope well ok okay yes sure appreciate appreciated
help helping question questions issue issues problem problems thing things something anything
everything anyone someone somebody nobody asap urgent urgently possible possibly able
know knew think thought want wanted wants wondering wonder tell told say said says see saw
look looked looking try tried trying make made go going went come came seems seem seemed
lot lots bit little maybe perhaps actually basically literally honestly anyway also again
today yesterday tomorrow week weeks day days time times ago last first
second third new old right wrong good great bad sorry fine fix fixed immediately now
site app dont cant didnt doesnt wont isnt im ive pls plz thru
""".split())

#: A body word counts less each time it repeats (BM25's saturation).
TF_SATURATION = 1.2
#: How much a word counts in each part of a document.
FIELD_WEIGHTS = {"title": 3.0, "category": 1.5, "tags": 2.0, "body": 1.0}
#: The most of a message's own words looked up in the index; a long message says its
#: problem in its first lines, and every word looked up costs a search.
MAX_WORDS = 40
#: How far past uses lift a macro: score x (1 + USE_LIFT x log(1 + uses)), capped.
USE_LIFT = 0.04
USE_LIFT_MAX = 0.25

_WORD = re.compile(r"[a-z0-9]+")
#: Another language's words: letters of any script, folded first (so "réglé" is "regle").
_ANY_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


#: English irregular verb forms, by their base form: the Porter stemmer leaves "paid", "took"
#: or "sent" as they are, so a message saying "you took my money" and a reply saying "we take"
#: or "get paid" and "pay" would not meet. General English, not the help center's words.
_IRREGULAR = {
    "pay": "paid overpaid", "take": "took taken", "send": "sent", "lose": "lost",
    "hold": "held", "freeze": "froze frozen", "give": "gave given", "steal": "stole stolen",
    "break": "broke broken", "forget": "forgot forgotten", "buy": "bought", "sell": "sold",
    "keep": "kept", "leave": "left", "spend": "spent", "find": "found", "write": "wrote written",
    "choose": "chose chosen", "begin": "began begun", "fall": "fell fallen", "feel": "felt",
    "mean": "meant", "show": "shown", "withdraw": "withdrew withdrawn", "bring": "brought",
    "catch": "caught", "run": "ran", "hide": "hid hidden", "rise": "rose risen",
    "get": "got gotten", "go": "went gone", "come": "came", "see": "saw seen", "tell": "told",
    "say": "said", "make": "made", "know": "knew known", "think": "thought",
}
_BASE = {form: base for base, forms in _IRREGULAR.items() for form in forms.split()}


_VOWELS = frozenset("aeiouy")


def stem(word: str) -> str:
    """The stem of a word in the language in force: English's below, another language's by its
    stemmer (memoised per language)."""
    analysis = current()
    return _english_stem(word) if analysis is ENGLISH else analysis.stem(word)


def english() -> bool:
    return current() is ENGLISH


def filler() -> frozenset[str]:
    """The words that say nothing about the problem, in the language in force."""
    return FILLER if current() is ENGLISH else current().stops


def _words(text: str) -> list[str]:
    """The words of an already normalised text, as the language in force splits them."""
    return (_WORD if current() is ENGLISH else _ANY_WORD).findall(text)


@lru_cache(maxsize=50_000)
def _english_stem(word: str) -> str:
    """Porter's stem, after two general English folds it lacks: an irregular verb form to its
    base ("paid": "pay"), and an adverb or adjective in "-ly" to its word ("yearly": "year",
    "annually": "annual"), when what is left is a word of four letters or more ending in a
    consonant (so "only", "early" and "family" stay as they are)."""
    word = _BASE.get(word, word)
    if word.endswith("ly") and len(word) >= 6 and word[-3] not in _VOWELS:
        word = word[:-2]
    return _porter_stem(word)


#: Endings tried, longest first, to find the other forms of a word (see :func:`other_forms`).
_ENDINGS = ("ers", "ing", "ed", "es", "er", "s", "d")
#: The most other forms of one word looked up: each costs a search.
MAX_OTHER_FORMS = 3


def other_forms(word: str) -> list[str]:
    """Forms of ``word`` without its inflection, for a word the index does not hold as
    written ("transferred": "transfer", "subscribers": "subscriber", "took": "take"): the base
    of an irregular verb, or the word less an ending, with a doubled last letter undone or an
    "e" put back, kept when its stem is the word's own (or that less a doubled letter Porter
    keeps, "transferr")."""
    if not english():
        return []
    own = stem(word)
    forms = [_BASE[word]] if word in _BASE else []
    for ending in _ENDINGS:
        if not word.endswith(ending) or len(word) - len(ending) < 3:
            continue
        base = word[:-len(ending)]
        undoubled = base[:-1] if base[-1] == base[-2] else base
        for form in (undoubled, base + "e", base) if undoubled != base else (base + "e", base):
            if form != word and form not in forms and own.startswith(stem(form)) \
                    and len(own) - len(stem(form)) <= 1:
                forms.append(form)
    return forms[:MAX_OTHER_FORMS]


def normalise(text: str) -> str:
    lowered = text.lower() if current() is ENGLISH else fold(text)
    return " ".join(lowered.translate(_APOSTROPHES).split())


#: Written-out numbers as digits, and one common shorthand, so variants match either way.
_NUMBERS = {"thru": "through", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
            "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12"}
#: How much the help center's words added for a phrase count, against the customer's own.
SYNONYM_WEIGHT = 0.7
#: Words a variant's words may be spread over, beyond its own length ("charged me twice",
#: "2 identical payments").
SLACK = 1


def _tokens(text: str) -> list[str]:
    """The words of ``text`` as written (lower-cased), numbers as digits."""
    return [_NUMBERS.get(word, word) for word in _WORD.findall(normalise(text))]


def _variants() -> list[tuple[tuple[str, ...], str]]:
    """Each variant as the words it needs, longest first, with its canonical term."""
    out = {}
    for term, variants in SYNONYMS.items():
        for variant in variants:
            words = tuple(_tokens(variant))
            if words:
                out.setdefault(words, term)
    return sorted(out.items(), key=lambda item: -len(item[0]))


_VARIANTS = _variants()


def phrases(text: str) -> list[str]:
    """The canonical terms of the variants the text holds. A variant matches when all its
    words appear close together, in any order ("charged me twice", "2 identical payments");
    words are compared as written, not stemmed, so "accountant" is not "account". Longer
    variants go first and keep their words: "no idea what" (an unrecognized charge) leaves no
    "idea" (a feature request) behind."""
    where: dict[str, list[int]] = {}
    for position, word in enumerate(_tokens(text)):
        where.setdefault(word, []).append(position)
    found: list[str] = []
    taken: set[int] = set()
    for words, term in _VARIANTS:
        if any(w not in where for w in words):
            continue
        spot = _spot(words, where, taken, strict=len(words) > 1 and all(w in FILLER for w in words))
        if spot is None:
            continue
        taken.update(spot)
        if term not in found:
            found.append(term)
    return found


def _spot(words: tuple[str, ...], where: dict[str, list[int]], taken: set[int],
          strict: bool = False) -> list[int] | None:
    """Free positions holding all ``words`` near one another, or None; ``strict`` (a variant
    made only of common words, such as "not me", which any order of a long message holds
    somewhere): in order, side by side."""
    span = len(words) + SLACK
    for start in where[words[0]]:
        if start in taken:
            continue
        spot = [start]
        for i, word in enumerate(words[1:], 1):
            near = [p for p in where[word] if p not in taken and p not in spot
                    and (p == start + i if strict else abs(p - start) < span)]
            if not near:
                break
            spot.append(near[0])
        else:
            return spot
    return None


@dataclass
class Term:
    """One word the message is about: as written (or as the help center says it), its stem,
    and its weight in the query."""

    word: str
    stem: str
    weight: float = 1.0
    #: Below 1 for a word the synonym list added, not the customer.
    boost: float = 1.0


def key_words(text: str) -> list[Term]:
    """The message's own words that may carry its problem, then the help center's words for
    the phrases it uses, each once, in the order they first appear."""
    text = normalise(text)
    found: dict[str, Term] = {}
    say_nothing = filler()

    def add(word: str, boost: float) -> None:
        if word in say_nothing or len(word) < 2 or word.isdigit() and len(word) < 4:
            return
        s = stem(word)
        if s in say_nothing:
            return
        if s not in found:
            found[s] = Term(word, s, boost=boost)
        found[s].boost = max(found[s].boost, boost)

    for word in _words(text):
        if len(found) >= MAX_WORDS:
            break
        add(word, 1.0)
    for term in phrases(text) if english() else ():  # the synonym list is English
        for word in _WORD.findall(term):
            add(word, SYNONYM_WEIGHT)
    return list(found.values())


def weigh(terms: list[Term], frequencies: dict[str, int], doc_count: int) -> list[Term]:
    """Keep the words the index knows, each weighted by its rarity (inverse document frequency);
    a word in most documents says little about which one answers."""
    n = max(doc_count, 1)
    kept = []
    for term in terms:
        df = frequencies.get(term.stem, 0)
        if df <= 0:
            continue
        term.weight = term.boost * math.log(1 + (n - df + 0.5) / (df + 0.5))
        kept.append(term)
    return kept


@dataclass(frozen=True)
class Profile:
    """The stems of one published revision, by the part of the document they come from."""

    title: frozenset[str]
    category: frozenset[str]
    tags: frozenset[str]
    body: Counter
    length: int


def _stems(text: str) -> list[str]:
    say_nothing = filler()
    return [stem(w) for w in _words(normalise(text)) if w not in say_nothing]


def profile(kind: str, title: str, tags: list[str], text: str) -> Profile:
    """Split a document into the parts scored apart: for a macro, ``A::B::Leaf`` has the
    categories ``A`` and ``B`` and the title ``Leaf``; an article's title is all title."""
    parts = title.split("::") if kind == "macro" else [title]
    body = _stems(text)
    return Profile(title=frozenset(_stems(parts[-1])),
                   category=frozenset(_stems(" ".join(parts[:-1]))),
                   tags=frozenset(_stems(" ".join(tags))),
                   body=Counter(body), length=len(body))


def score(terms: list[Term], doc: Profile, average_length: float, uses: int = 0
          ) -> tuple[float, list[str]]:
    """How well ``doc`` answers the weighted words, and the words it matched."""
    total = 0.0
    matched = []
    norm = 0.25 + 0.75 * doc.length / max(average_length, 1.0)
    for term in terms:
        s = term.stem
        tf = doc.body.get(s, 0)
        part = FIELD_WEIGHTS["body"] * tf * (TF_SATURATION + 1) / (tf + TF_SATURATION * norm)
        if s in doc.title:
            part += FIELD_WEIGHTS["title"]
        if s in doc.category:
            part += FIELD_WEIGHTS["category"]
        if s in doc.tags:
            part += FIELD_WEIGHTS["tags"]
        if part:
            total += term.weight * part
            matched.append(term.word)
    if uses > 0:
        total *= 1 + min(USE_LIFT * math.log1p(uses), USE_LIFT_MAX)
    return total, matched


#: How much of the best-matching linked article's score a macro gets (see
#: :mod:`kb.search.linked_articles`): a weak field, below the macro's own words.
LINK_WEIGHT = 0.3


def linked_lift(own: float, article_scores: list[float]) -> float:
    """What a document gains from the articles it links to: the best one's score, weighed
    down. A document that links to none (an article, a macro that needs no article) counts as
    its own best article, so linking is no advantage in itself."""
    return LINK_WEIGHT * max(article_scores, default=own)


#: Past uses: a macro an agent chose for a ticket like this one scores up to twice as much
#: (an agent picking it for the same problem is the strongest sign there is).
PAST_USE_LIFT = 1.0
#: How alike two tickets' terms must be for a past use to count (see :func:`similarity`).
PAST_USE_MIN_SIMILARITY = 0.4
#: The most stems a use keeps of its ticket.
FINGERPRINT_STEMS = 32
FINGERPRINT_CHARS = 400


def fingerprint(terms: list[Term]) -> str | None:
    """What a macro use keeps of the ticket it answered: the stems of the message's own key words
    (``terms``: no greetings or filler, no synonyms, and only words the help center itself uses,
    so a customer's name or address is not among them), without numbers, at most
    :data:`FINGERPRINT_STEMS`, sorted alphabetically, so neither the wording nor the order of
    the message can be read back from it. ``None`` for a message without key words."""
    stems: list[str] = []
    for term in terms:
        if term.boost >= 1.0 and term.stem not in stems and not any(ch.isdigit() for ch in term.stem):
            stems.append(term.stem)
    kept = sorted(stems[:FINGERPRINT_STEMS])
    joined = " ".join(kept)
    while len(joined) > FINGERPRINT_CHARS:
        kept.pop()
        joined = " ".join(kept)
    return joined or None


def similarity(terms: list[Term], past: frozenset[str]) -> float:
    """How alike the message is to a past ticket, from 0 to 1: the share of the message's weight
    that the past ticket's terms cover, damped when the past ticket was about much more."""
    own = [t for t in terms if t.boost >= 1.0]
    total = sum(t.weight for t in own)
    if total <= 0 or not past:
        return 0.0
    common = [t for t in own if t.stem in past]
    covered = sum(t.weight for t in common) / total
    return covered * math.sqrt(len(common) / len(past))


def past_use_lift(terms: list[Term], pasts: list[frozenset[str]]) -> float:
    """The lift for a macro from the tickets it was used for: the closest one counts."""
    best = max((similarity(terms, past) for past in pasts), default=0.0)
    return PAST_USE_LIFT * best if best >= PAST_USE_MIN_SIMILARITY else 0.0
