"""Differences between two revisions: a unified diff of the Markdown and a word-level view."""

from __future__ import annotations

import difflib
import re
from html import escape
from html.parser import HTMLParser

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two Markdown sources, as ``diff -u`` would print it."""
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=old_label, tofile=new_label,
    ))


def words_html(old: str, new: str) -> str:
    """Escaped text of ``new`` with deleted words in ``<del>`` and inserted ones in ``<ins>``.

    Diffing words rather than lines shows a one-word fix as one word, which is what a
    reviewer needs to see.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


def side_by_side(old: str, new: str) -> list[tuple[str, str, str]]:
    """Rows of (tag, old line, new line) for a two-column source view; tag is
    ``equal``, ``replace``, ``delete`` or ``insert``."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((op, left[k] if k < len(left) else "", right[k] if k < len(right) else ""))
    return rows


#: Block tags whose changed text is shown inside the same tag, so a changed heading still
#: reads as a heading. Anything else (lists, tables, code) is shown as a plain changed block.
_TEXT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


class _BlockSplitter(HTMLParser):
    """Split sanitised HTML into its top-level blocks, keeping each block's source and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []  # (tag, source html, text)
        self._depth = 0
        self._tag = ""
        self._start = 0
        self._text: list[str] = []
        self._source = ""

    def split(self, source: str) -> list[tuple[str, str, str]]:
        self._source = source
        # Where each line starts, counting lines as HTMLParser.getpos() does: at "\n" only
        # (str.splitlines would also break at U+2028, "\x0c" and others, and shift offsets).
        self._lines = [0]
        newline = source.find("\n")
        while newline != -1:
            self._lines.append(newline + 1)
            newline = source.find("\n", newline + 1)
        self.feed(source)
        self.close()
        return self.blocks

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self._depth == 0:
            self._tag, self._start, self._text = tag, self._offset(), []
        if tag not in _VOID_TAGS:
            self._depth += 1
        elif self._depth == 0:
            self._end_block(self._offset() + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        self._depth = max(0, self._depth - 1)
        if self._depth == 0 and self._tag:
            end = self._source.find(">", self._offset()) + 1
            self._end_block(end)

    def handle_data(self, data):
        if self._depth > 0:
            self._text.append(data)
        elif data.strip():
            self.blocks.append(("#text", escape(data), data))

    def _end_block(self, end: int) -> None:
        self.blocks.append((self._tag, self._source[self._start:end], "".join(self._text)))
        self._tag = ""


_VOID_TAGS = frozenset({"br", "hr", "img", "input", "wbr", "col", "source", "area", "meta", "link"})


def blocks_html(old_html: str, new_html: str) -> str:
    """A rendered diff of two revisions' *sanitised* HTML, block by block.

    Unchanged blocks appear as they are (they are sanitised HTML already); added and removed
    blocks are wrapped whole in ``<ins>``/``<del>``; a changed block shows its words diffed
    with :func:`words_html`, which escapes them. Nothing but sanitised HTML or escaped text
    reaches the page.
    """
    old_blocks, new_blocks = _BlockSplitter().split(old_html), _BlockSplitter().split(new_html)
    keys_a = [b[1] for b in old_blocks]
    keys_b = [b[1] for b in new_blocks]
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(keys_b[j1:j2])
            continue
        olds, news = old_blocks[i1:i2], new_blocks[j1:j2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        for old, new in zip(olds[:paired], news[:paired]):
            out.append(_changed_block(old, new))
        for old in olds[paired:]:
            out.append(f'<del class="diff-block">{old[1]}</del>')
        for new in news[paired:]:
            out.append(f'<ins class="diff-block">{new[1]}</ins>')
    return "\n".join(out)


def _changed_block(old: tuple[str, str, str], new: tuple[str, str, str]) -> str:
    words = words_html(old[2], new[2])
    tag = new[0] if new[0] == old[0] and new[0] in _TEXT_BLOCKS else "div"
    return f'<{tag} class="diff-changed">{words}</{tag}>'
