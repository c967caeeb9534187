"""Text analysis per language: which stemmer and stop words a document or a query is read with.

A French article must be stemmed as French ("paiement" and "payer" are one word, "général" and
"génération" two), not run through the English Porter stemmer, which would conflate the second
pair and miss the first. So every document is indexed with its locale's language, and every
query is read with the language of the locale it searches (the default locale's when it names
none): both sides of a match then agree on what a stem is.

The language in force is a context variable, set with :func:`analysing` around one document's
indexing (:mod:`kb.search.engine.storage`, :mod:`kb.search.index`) and around one search
(:mod:`kb.search.service`). The analysers, :func:`kb.search.schema.stem`,
:func:`kb.search.schema.words` and the query reader read it, so the engine and the query
strategy did not have to learn a new argument, and every cache keyed on a word or a text also
keys on :attr:`Analysis.name`.

Every language folds accents first and stems the folded word: readers type "regle" for
"réglé", and the index must hold what the query will look up. English keeps exactly the
analysis kb always had (Porter, Whoosh's English stop words), so English ranking does not move.
A language Whoosh has no stemmer for is folded and split only. The "did you mean" vocabulary
is shared by every language (a correction is a word some document holds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang import NoStemmer, NoStopWords, stemmer_for_language, stopwords_for_language
from whoosh.lang.porter import stem as _porter_stem
from whoosh.support.charset import accent_map

_FOLD = dict(accent_map)

#: Locale languages read as another Whoosh language (Norwegian Bokmål and Nynorsk).
_SAME_AS = {"nb": "no", "nn": "no"}
#: Stop words Whoosh's lists lack: its French list has "le", "la" and "des" but not "les".
_MORE_STOPS = {"fr": ("les",)}
#: Entries a language's stem memo holds before it starts afresh.
_STEM_CACHE_MAX = 200_000


def fold(text: str) -> str:
    """Lower-case and strip accents, the normalisation shared by indexing and querying."""
    return text.lower().translate(_FOLD)


@dataclass(eq=False)
class Analysis:
    """One language's reading of folded words: its stemmer (memoised) and its stop words."""

    #: The Whoosh language code (``fr``), or the locale's language when Whoosh has no
    #: stemmer for it; part of every cache key that depends on the analysis.
    name: str
    stops: frozenset[str]
    _stemmer: Callable[[str], str] | None
    _memo: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def stems(self) -> bool:
        """Whether this language stems at all (False: fold and split only)."""
        return self._stemmer is not None

    def stem(self, word: str) -> str:
        """The stem of a folded word, memoised (indexing stems the same few thousand words over
        and over, and the stemmers are pure Python)."""
        try:
            return self._memo[word]
        except KeyError:
            if self._stemmer is None:
                return word
            if len(self._memo) > _STEM_CACHE_MAX:
                self._memo.clear()
            s = self._memo[word] = self._stemmer(word)
            return s


#: kb's English analysis since the beginning: Porter (not Snowball's English) and Whoosh's
#: English stop words, unfolded (they have no accents).
ENGLISH = Analysis("en", frozenset(STOP_WORDS), _porter_stem)

_ANALYSES: dict[str, Analysis] = {"en": ENGLISH}
_current: ContextVar[Analysis] = ContextVar("kb_search_analysis", default=ENGLISH)


def language_of(locale: str | None) -> str:
    """The language part of a locale tag, lower-cased: ``pt-BR`` is ``pt``; None is English."""
    if not locale:
        return "en"
    language = locale.split("-", 1)[0].split("_", 1)[0].strip().lower() or "en"
    return _SAME_AS.get(language, language)


def for_locale(locale: str | None) -> Analysis:
    """The analysis of ``locale``'s language (built once per language)."""
    language = language_of(locale)
    found = _ANALYSES.get(language)
    if found is None:
        found = _ANALYSES.setdefault(language, _build(language))
    return found


def _build(language: str) -> Analysis:
    try:
        stemmer = stemmer_for_language(language)
    except NoStemmer:
        stemmer = None
    try:
        # Folded like the words they are compared with ("été" is "ete" by then).
        stops = frozenset(fold(w) for w in stopwords_for_language(language))
    except NoStopWords:
        stops = frozenset()
    stops |= frozenset(_MORE_STOPS.get(language, ()))
    return Analysis(language, stops, stemmer)


def current() -> Analysis:
    """The analysis in force: the language set by the innermost :func:`analysing`, else English."""
    return _current.get()


@contextmanager
def analysing(locale: str | None) -> Iterator[Analysis]:
    """Read text as ``locale``'s language inside the block (and in nothing it starts in another
    thread or context)."""
    token = _current.set(for_locale(locale))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
