"""The index schema and its analysers.

One index holds articles and macros together (a :class:`~kb.search.documents.Scope` picks what a
reader may see), so one query ranks both kinds on the same scale.

The searched text fields are partitioned by kind: each logical field (``title``, ``tags``,
``title_ng``, ``body``) is one Whoosh field per kind, named ``<kind>_<field>``
(:func:`part`), so every kind has its own term dictionary and posting lists. A query limited
to macros (the agent's as-you-type macro search) then reads, decodes and ranks macro postings
only, and expands a prefix over the macros' vocabulary only, instead of loading postings over
every article first and filtering them out afterwards: at 50,000 articles beside 10,000 macros
that was four fifths of a macro query's time. A query over several kinds reads each kind's
part and merges them (:class:`kb.search.engine.postings.TermCache`); the BM25 statistics (document
frequency, average length) are summed over all the kinds, so a document scores the same
whichever scope asks.

Fields, and why each exists:

``title``, ``tags``, ``body`` (one per kind, see above)
    Searched. Accent-folded, then stemmed in the document's language, by
    :class:`FoldingAnalyzer` (the language is :func:`kb.search.languages.current`, set around
    each document and each query). Title and tags carry a field boost here and a query-time
    weight (:data:`kb.search.query.FIELD_WEIGHTS`); ranking is per-field BM25 summed
    (:mod:`kb.search.engine.postings`). Title and body keep positions for quoted phrases.
``title_ng`` (one per kind)
    Edge n-grams (2 to 12 letters) of the title and tag words, so an as-you-type prefix is one
    exact term lookup instead of a prefix expansion over the whole vocabulary.
``vocab``
    The unstemmed, folded words of title, tags and body, each given once per segment (to the
    first document that has it), so it is a word list, not a posting list. It is the vocabulary
    for "did you mean" and typo tolerance: a stem such as ``configur`` is not a word to offer.
``id``, ``kind``, ``vis``, ``owner``, ``category``, ``section``, ``tag``, ``locale``
    Exact terms used as cached filters (scope, facets, the reader's locale) and as the unique
    key. A macro's ``category`` is every prefix of its ``::`` title path
    (:func:`category_terms`), so a filter on a sub-category is applied in the index, before the
    page limit.
``rev``
    A column: the indexed revision per document, read in bulk by reconciliation.

Stored fields are what a result line needs (id, kind, slug, ``title`` stored on its own) plus the opening
``SNIPPET_CHARS`` of the text for snippets (``snip``); everything else is re-read from the
database. Storing the whole text would make every snippet scan far more text for a passage
that is nearly always near the start; storing none would send every snippet to the database
(``bench/search.py`` compares the choices).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator

from whoosh import fields, formats
from whoosh.analysis import Analyzer, Token
from whoosh.columns import NumericColumn

from kb.content.slugs import slugify
from kb.search.documents import ARTICLE, MACRO
from kb.search.languages import ENGLISH, current, fold

#: Bumped whenever a change here needs a rebuild; :meth:`SearchIndex.open` checks it.
#: 5: text fields partitioned by kind (``article_body``, ``macro_title_ng``, ...).
#: 6: posting blocks with narrow, uncompressed ids and weights and compressed positions.
#: 7: ``category`` holds several terms: a macro is filed under every prefix of its title path.
#: 8: ``category`` also holds the document's locale, as ``locale:<tag>``.
#: 9: each document analysed in its locale's language (:mod:`kb.search.languages`); the locale
#:    is a ``locale`` field of its own.
SCHEMA_VERSION = 9

#: How much of the body is stored for snippets. The best passage is nearly always near the start
#: of a help article; storing it all buys little and costs index size and build time. A hit
#: whose words all come later gets its snippet from the database's text instead
#: (:mod:`kb.search.service`).
SNIPPET_CHARS = 2000

#: Edge n-gram sizes for ``title_ng``. Prefixes longer than the maximum fall back to the longest
#: n-gram, which is still selective at that length.
NGRAM_MIN = 2
NGRAM_MAX = 12

TITLE_BOOST = 3.0
TAGS_BOOST = 2.0
NGRAM_BOOST = 1.5

#: Words: letters and digits, keeping dotted runs such as ``v2.1`` or ``github.com`` whole.
WORD_RE = re.compile(r"\w+(?:\.\w+)*")
MIN_WORD = 2
MAX_WORD = 40
#: The English stop words (each language's are :attr:`kb.search.languages.Analysis.stops`).
STOPS = ENGLISH.stops

_ONE_POSITION: dict[int, bytes] = {}


def stem(word: str) -> str:
    """The stem of a folded word in the language being analysed (memoised per language)."""
    return current().stem(word)


_last_words: tuple[str, object, list[str]] = ("", None, [])


def words(text: str) -> list[str]:
    """The folded words of ``text`` that are indexed (the language's stop words and one-letter
    words dropped).

    The last answer is remembered (for the same text in the same language): a body is split
    once for the speller and once for its postings, and splitting is a tenth of build time.
    """
    global _last_words
    last = _last_words
    analysis = current()
    if last[0] is text and last[1] is analysis:
        return last[2]
    stops = analysis.stops
    out = [w for w in WORD_RE.findall(fold(text))
           if w not in stops and MIN_WORD <= len(w) <= MAX_WORD]
    _last_words = (text, analysis, out)
    return out


class FoldingAnalyzer(Analyzer):
    """Tokenise, lower-case, fold accents, drop stop words and stem, in one pass.

    It does what ``StemmingAnalyzer() | CharsetFilter(accent_map)`` does, but without a generator
    per filter: folding the whole text with one ``str.translate`` before the regex, and a dict as
    the stem cache, analyses several times faster.
    Positions count only kept words, the same way at index and query time, so phrases skip stop
    words consistently.

    Character offsets (``chars=True``, used for highlighting) are taken from the original text.
    """

    is_morph = True

    def has_morph(self) -> bool:
        return True

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 no_morph: bool = False, start_pos: int = 0, start_char: int = 0,
                 mode: str = "", removestops: bool = True, **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode)
        t.boost = 1.0
        t.stopped = False
        pos = start_pos
        analysis = current()
        stem_ = analysis.stem
        if chars:
            for m in WORD_RE.finditer(value):
                w = fold(m.group())
                if w in analysis.stops or not MIN_WORD <= len(w) <= MAX_WORD:
                    continue
                t.text = w if no_morph else stem_(w)
                t.pos = pos
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
                pos += 1
                yield t
            return
        for w in words(value):
            t.text = w if no_morph else stem_(w)
            t.pos = pos
            pos += 1
            yield t


class FastPositions(formats.Positions):
    """Positions, computed without a Token per word when the analyser is a
    :class:`FoldingAnalyzer` (the stock path was a fifth of build time), and stored as a packed
    array of 32-bit positions instead of a pickled list of deltas (the same size for short
    lists): checking a phrase decodes one per candidate document, and ``array.frombytes`` is
    several times cheaper than ``pickle.loads``.
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, FoldingAnalyzer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict[str, list[int]] = {}
        stem_ = current().stem
        for i, w in enumerate(words(value)):
            s = stem_(w)
            if s in poses:
                poses[s].append(i)
            else:
                poses[s] = [i]
        fb = self.field_boost
        encode = self.encode
        for s, poslist in poses.items():
            yield (s, len(poslist), len(poslist) * fb, encode(poslist))

    def encode(self, poslist):
        if len(poslist) == 1:  # most postings: memoised
            p = poslist[0]
            try:
                return _ONE_POSITION[p]
            except KeyError:
                v = array("I", poslist).tobytes()
                if p < 4096:
                    _ONE_POSITION[p] = v
                return v
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        positions = array("I")
        positions.frombytes(valuestring)
        return positions

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring):
        return [(pos, 1) for pos in self.decode_positions(valuestring)]

    def combine(self, vs):
        merged: set[int] = set()
        for v in vs:
            merged.update(self.decode_positions(v))
        return self.encode(sorted(merged))


class EdgeGramAnalyzer(Analyzer):
    """Edge n-grams of each folded word: ``reset`` gives ``re``, ``res``, ``rese``, ``reset``.

    Stop words are kept: someone typing "th" on the way to "the team" still wants title matches.
    """

    def __call__(self, value: str, mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(False, False, mode=mode)
        t.boost = 1.0
        t.stopped = False
        t.pos = 0
        seen = set()
        for w in WORD_RE.findall(fold(value)):
            if len(w) > MAX_WORD:
                continue
            for n in range(NGRAM_MIN, min(len(w), NGRAM_MAX) + 1):
                g = w[:n]
                if g not in seen:
                    seen.add(g)
                    t.text = g
                    yield t


def new_words(texts: tuple[str, ...], seen: set[str]) -> str:
    """The spellable words of ``texts`` not in ``seen`` (which it updates), space-separated.

    The body should come last, so :func:`words` still remembers it when the body is indexed.
    """
    fresh = {w for text in texts for w in words(text) if w.isalpha()} - seen
    seen |= fresh
    return " ".join(fresh)


class VocabAnalyzer(Analyzer):
    """Words already folded and filtered by :func:`new_words`: just split."""

    def __call__(self, value: str, mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(False, False, mode=mode)
        t.boost = 1.0
        t.stopped = False
        t.pos = 0
        for w in value.split():
            t.text = w
            yield t


class _VocabField(fields.FieldType):
    """Indexed, unscored, existence only: document frequency is all the speller needs."""

    def __init__(self) -> None:
        self.analyzer = VocabAnalyzer()
        self.format = formats.Existence()
        self.scorable = False
        self.stored = False
        self.unique = False
        self.column_type = None
        self.spelling = False
        self.vector = None


def _text(boost: float = 1.0) -> fields.TEXT:
    field = fields.TEXT(analyzer=FoldingAnalyzer(), phrase=True, field_boost=boost)
    field.format = FastPositions(field_boost=boost)
    return field


def build_schema() -> fields.Schema:
    """The schema of a fresh index (see the module docstring for what each field is for)."""
    text = FoldingAnalyzer()
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True, sortable=True),
        kind=fields.ID(stored=True),
        vis=fields.ID(),
        owner=fields.ID(),
        # Comma-separated terms: an article's category slug, or every prefix of a macro's
        # title path ("billing", "billing::refunds"), so a filter at any depth is one term.
        category=fields.KEYWORD(commas=True),
        section=fields.ID(),
        locale=fields.ID(),
        tag=fields.KEYWORD(commas=True, lowercase=True),
        slug=fields.STORED(),
        title=fields.STORED(),
        vocab=_VocabField(),
        snip=fields.STORED(),
        rev=fields.COLUMN(NumericColumn("q")),
        meta=fields.STORED(),
    )
    for kind in KINDS:
        schema.add(part("title", kind), _text(TITLE_BOOST))
        schema.add(part("tags", kind),
                   fields.TEXT(analyzer=text, phrase=False, field_boost=TAGS_BOOST))
        schema.add(part("title_ng", kind), fields.TEXT(analyzer=EdgeGramAnalyzer(), phrase=False,
                                                        field_boost=NGRAM_BOOST))
        schema.add(part("body", kind), _text())
    return schema


#: Fields a query word is looked up in.
TEXT_FIELDS = ("title", "tags", "body")

#: The kinds of document, each with its own part of every searched field.
KINDS = (ARTICLE, MACRO)
#: The logical fields stored as one Whoosh field per kind.
PARTITIONED = frozenset(("title", "tags", "title_ng", "body"))


def part(field: str, kind: str) -> str:
    """The Whoosh field holding ``kind``'s part of the logical ``field`` (``macro_body``)."""
    return f"{kind}_{field}"


def kinds_of(kinds) -> tuple[str, ...]:
    """The known kinds among ``kinds``, in a canonical order (a cache key)."""
    return tuple(k for k in KINDS if k in kinds)


#: Separates the levels of a macro's title path (``Billing::Refunds::Refund timeline``).
CATEGORY_SEPARATOR = "::"


def category_key(path: str) -> str:
    """The filter term of a category path as anyone types it: each level slugified, so
    ``"Billing :: Refunds"`` and ``"billing::refunds"`` name the same category, and a plain
    category slug (an article's) is itself."""
    levels = [p for p in path.split(CATEGORY_SEPARATOR) if p.strip()]
    return CATEGORY_SEPARATOR.join(slugify(p) for p in levels)


def category_terms(title: str) -> str | None:
    """A macro's ``category`` value: every prefix of its title's path (the last segment is its
    name, not a category), comma-separated for the ``category`` field; None without a path."""
    levels = [p for p in title.split(CATEGORY_SEPARATOR) if p.strip()][:-1]
    if not levels:
        return None
    return ",".join(category_key(CATEGORY_SEPARATOR.join(levels[:n]))
                    for n in range(1, len(levels) + 1))

