"""What terms an index holds, over the parts of the kinds a query may see: membership,
document frequency, prefix expansion and the terms within an edit distance (typo corrections).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from kb.search.schema import PARTITIONED, part


def _text(t) -> str:
    return t.decode("utf-8") if isinstance(t, bytes) else t


class Lexicon:
    """The vocabulary of the searched fields over some kinds' parts, with the reader's names:
    ``(field, text) in lexicon``, ``doc_frequency``, ``expand_prefix``. Fields that are not
    partitioned (``vocab``, the filters) are the reader's own.

    Document frequencies are raw (deleted documents count until a merge drops them), as the
    reader's are.
    """

    def __init__(self, reader, kinds: tuple[str, ...],
                 words: Callable[[str], list[str] | None]) -> None:
        self.reader = reader
        self.kinds = kinds
        self._words = words

    @property
    def doc_count(self) -> int:
        """Documents in the whole index (every kind), deleted ones not counted."""
        return self.reader.doc_count()

    def _names(self, field: str) -> list[str]:
        return [part(field, k) for k in self.kinds] if field in PARTITIONED else [field]

    def __contains__(self, key: tuple[str, str]) -> bool:
        field, text = key
        return any((name, text) in self.reader for name in self._names(field))

    def doc_frequency(self, field: str, text: str) -> int:
        return sum(self.reader.doc_frequency(name, text) for name in self._names(field))

    def expand_prefix(self, field: str, prefix: str) -> Iterable[str]:
        """The terms starting with ``prefix``, in order, each once (lazily)."""
        streams = [map(_text, self.reader.expand_prefix(name, prefix))
                   for name in self._names(field)]
        if len(streams) == 1:
            yield from streams[0]
            return
        last = None
        for t in heapq.merge(*streams):
            if t != last:
                yield t
                last = t

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 0
                     ) -> Iterable[str]:
        """The terms within ``maxdist`` edits (insertions, deletions, substitutions) of
        ``text`` that share its first ``prefix`` letters, in order, as Whoosh's
        ``terms_within`` finds them: a Levenshtein automaton walked over the sorted terms."""
        if field in PARTITIONED:
            raise ValueError(f"{field}: a partitioned field has no single term list")
        words = self._words(field)
        if words is None:  # too many to hold: walk the term table on disk
            return map(_text, self.reader.terms_within(field, text, maxdist, prefix=prefix))

        def first_from(s: str) -> str | None:
            i = bisect_left(words, s)
            return words[i] if i < len(words) else None

        dfa = levenshtein_automaton(text, maxdist, prefix).to_dfa()
        return find_all_matches(dfa, first_from)
