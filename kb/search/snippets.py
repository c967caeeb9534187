"""From a search's words back to the text: which words of a hit to mark, and the snippet shown.

Split from :mod:`kb.search.query`, which turns what a person typed into :class:`Unit` lookups;
here those units find their words again in a hit's text (by stem, or by prefix for the word
being typed) and cut the window of text that shows the most of them, escaped, with ``<mark>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from itertools import repeat

from kb.search.languages import current
from kb.search.query import CONTROL, Unit
from kb.search.schema import SNIPPET_CHARS, WORD_RE, fold

#: Characters of text a snippet shows, about.
SNIPPET_WIDTH = 180

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


class Highlighter:
    """Finds the query's words in a text: by stem, or by prefix for the word being typed.

    A regular expression of the stems' leading letters finds candidates at C speed; each is then
    confirmed by folding and stemming it (memoised), so "configuration" matches the stem
    "configur" and "configures" does too, but "confine" does not. Words are stemmed in the
    language the query was read in (kept from when the highlighter is made: a snippet may be
    cut later, from the whole text, outside that search).
    """

    def __init__(self, units: list[Unit]) -> None:
        self._stems = {t for u in units for f, t, _ in u.terms if f != "title_ng"}
        self._stems.update(s for u in units if not u.prefix for s in u.stems)
        self._prefixes = tuple(u.keys[0] for u in units if u.prefix)
        heads = {s[: max(2, len(s) - 1)] for s in self._stems if s}
        heads.update(p for p in self._prefixes if p)
        self._heads = tuple(sorted(heads))
        alternation = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
        self._regex = re.compile(r"(?<!\w)(?:%s)\w*(?:\.\w+)*" % alternation, re.IGNORECASE) \
            if alternation else None
        self._memo: dict[str, bool] = {}
        self._stem = current().stem

    def is_match(self, word: str) -> bool:
        try:
            return self._memo[word]
        except KeyError:
            k = fold(word)
            found = self._stem(k) in self._stems or (bool(self._prefixes)
                                               and k.startswith(self._prefixes))
            self._memo[word] = found
            return found

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, word)`` of each match in ``text``, in order, not overlapping."""
        if self._regex is None:
            return []
        if text.isascii():
            return self._confirmed(self._regex.finditer(text))
        if not all(map(str.isascii, self._heads)):  # a query word in another script
            return self._confirmed(WORD_RE.finditer(text))
        return self._confirmed(self._candidates(text))

    def _candidates(self, text: str) -> Iterator[re.Match]:
        """The words of a text with non-ASCII characters that may match, in order: those
        the regex finds in an ASCII copy of the text (a "?" for each other character, so
        places do not move), read again as written (a word may go on past an accent), and
        every word with a non-ASCII letter, whose folding may make it match. (Checking every
        word of such texts, most real articles, was a third of a search's time.)"""
        starts = (m.start() for m in self._regex.finditer(_ascii_copy(text)))
        found = {m.start(): m for m in map(self._regex.match, repeat(text), starts) if m}
        for run in _NON_ASCII.finditer(text):
            if not any(map(str.isalpha, run.group())):  # quotes, dashes, arrows
                continue
            start = run.start()
            while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                start -= 1
            word = WORD_RE.match(text, start)
            if word is not None:
                found.setdefault(start, word)
        return (found[start] for start in sorted(found))

    def _confirmed(self, candidates: Iterable[re.Match]) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        for m in candidates:
            if (not out or m.start() >= out[-1][1]) and self.is_match(m.group()):
                out.append((m.start(), m.end(), m.group()))
        return out

    def first_match(self, text: str) -> int:
        """Where the first matched word spelled in ASCII starts (when there is none, the first
        matched word), -1 if none.

        Each word's leading letters are looked for with ``str.find`` (C speed, where the regex
        walks every character) in a lower-case ASCII copy of the text (a "?" for any other
        character, so places do not move), and each place is confirmed as :meth:`find`
        would."""
        if self._regex is None:
            return -1
        lower = _ascii_copy(text).lower()
        first = -1
        for head in self._heads:
            stop = len(text) if first == -1 else first  # only an earlier match matters now
            at = lower.find(head, 0, stop)
            while at != -1:
                word = self._regex.match(text, at)
                if word is not None and self.is_match(word.group()):
                    first = at
                    break
                at = lower.find(head, at + 1, stop)
        if first == -1 and not text.isascii():  # an accent inside a word's leading letters?
            found = self.find(text)
            return found[0][0] if found else -1
        return first


def _ascii_copy(text: str) -> str:
    """``text`` with a "?" for each non-ASCII character: the same places, searchable by ASCII
    words."""
    return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")


def highlighter(units: list[Unit]) -> Highlighter:
    return Highlighter(units)


def snippet(text: str, marker: Highlighter, width: int = SNIPPET_WIDTH) -> str:
    """An HTML snippet: the ~``width`` characters of ``text`` holding the most distinct matched
    words, escaped, with matches wrapped in ``<mark>``. Nothing from the text is left unescaped.
    """
    text = CONTROL.sub(" ", text or "")
    hits = marker.find(text)
    start = 0
    if hits:
        best, best_n = hits[0][0], 0
        j = 0
        for i in range(len(hits)):
            while hits[j][0] < hits[i][1] - width:
                j += 1
            n = len({h[2].lower() for h in hits[j:i + 1]})
            if n > best_n:
                best, best_n = hits[j][0], n
        start = max(0, best - 40)
        if start:
            space = text.find(" ", start, best)
            start = space + 1 if space != -1 else best
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    out: list[str] = ["\u2026 "] if start else []
    pos = start
    for s, e, w in hits:
        if s < start:
            continue
        if e > end:
            break
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(w) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append(" \u2026")
    return "".join(out).strip()


def snippet_near_first_match(text: str, marker: Highlighter, width: int = SNIPPET_WIDTH,
                             reach: int = SNIPPET_CHARS) -> str:
    """:func:`snippet` of a long text, looking for the best window only within ``reach``
    characters of its first matched word (see :meth:`Highlighter.first_match`); "" when no
    word matches.

    For a hit whose stored opening shows none of the words: scanning a whole article (tens of
    kilobytes) for the best window took a millisecond or more per hit, most of a search."""
    text = text or ""
    first = marker.first_match(text)
    if first == -1:
        return ""
    begin = text.rfind(" ", 0, first - width) + 1 if first > width else 0
    stop = min(len(text), first + reach)
    made = snippet(text[begin:stop], marker, width)
    if begin and not made.startswith("\u2026"):
        made = "\u2026 " + made
    if stop < len(text) and not made.endswith("\u2026"):
        made += " \u2026"
    return made
