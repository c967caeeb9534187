"""Plain text of a filled macro, for channels that show text as written (SMS, chat widgets, email
without HTML): a customer there must never see ``**``, ``[text](url)`` or ``#``.

Converted from the *filled, sanitised HTML* rather than from the Markdown: that HTML is what the
rich copy sends, values are already in it as text, and nh3 leaves only a small known set of tags
(:data:`kb.content.sanitize.ALLOWED_TAGS`), so a short walker over the standard library's
``HTMLParser`` covers all of it. Maintained converters were weighed and not taken: ``html2text``
emits Markdown (the very thing to avoid), and ``inscriptis`` renders tables well but brings lxml
and its own layout rules for links and lists that differ from what the issue asks for (links as
"text (url)", lists with "- " and "1. ", tables as aligned columns).

Layout: blocks are separated by one blank line; headings are lines of their own; emphasis keeps
its words and loses its markers; a link reads "text (url)", or just the url when the text is the
url; list items start with "- " or "1. " and nest by indentation; quotes and definitions are
indented; tables become columns padded to the widest cell, with a dashed line under a header row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

_VOID = frozenset({"br", "hr", "img"})
_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "li",
    "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "div", "details", "summary", "hr",
})
_SPACE = re.compile(r"[ \t\r\n\f]+")
_INDENT = "    "
_COLUMN_GAP = "  "


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Sanitised HTML is well formed, so a stack is all the tree building it needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("div")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def to_text(clean_html: str, base_url: str | None = None) -> str:
    """The plain text of sanitised HTML; site-relative links are made absolute on ``base_url``
    (a customer cannot follow ``/help/…``)."""
    builder = _TreeBuilder()
    builder.feed(clean_html)
    builder.close()
    lines = _Writer(base_url).blocks(builder.root)
    return "\n".join(line.rstrip() for line in lines).strip("\n")


class _Writer:
    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url

    # ------------------------------------------------------------------ blocks

    def blocks(self, node: _Node) -> list[str]:
        """Lines of a node's children, one blank line between blocks."""
        out: list[list[str]] = []
        inline: list[_Node | str] = []

        def flush() -> None:
            if inline:
                text = self.inline_lines(inline)
                if text:
                    out.append(text)
                inline.clear()

        for child in node.children:
            if isinstance(child, _Node) and child.tag in _BLOCKS:
                flush()
                block = self.block(child)
                if block:
                    out.append(block)
            else:
                inline.append(child)
        flush()
        lines: list[str] = []
        for block in out:
            if lines:
                lines.append("")
            lines.extend(block)
        return lines

    def block(self, node: _Node) -> list[str]:
        tag = node.tag
        if tag == "pre":
            return _text_of(node).strip("\n").split("\n")
        if tag == "hr":
            return ["-" * 10]
        if tag in ("ul", "ol"):
            return self.list_lines(node)
        if tag == "table":
            return self.table_lines(node)
        if tag in ("blockquote", "dd"):
            return [_INDENT + line if line else "" for line in self.blocks(node)]
        return self.blocks(node)

    def list_lines(self, node: _Node) -> list[str]:
        ordered = node.tag == "ol"
        try:
            number = int(node.attrs.get("start", "1"))
        except ValueError:
            number = 1
        items = [child for child in node.children if isinstance(child, _Node) and child.tag == "li"]
        loose = any(isinstance(c, _Node) and c.tag == "p" for item in items for c in item.children)
        lines: list[str] = []
        for item in items:
            marker = f"{number}. " if ordered else "- "
            number += 1
            body = self.blocks(item) or [""]
            if loose and lines:
                lines.append("")
            lines.append(marker + body[0])
            pad = " " * len(marker)
            lines.extend(pad + line if line else "" for line in body[1:] if loose or line)
        return lines

    def table_lines(self, node: _Node) -> list[str]:
        rows: list[tuple[bool, list[str]]] = []
        caption: list[str] = []
        for row in _descendants(node, "tr"):
            cells = [c for c in row.children if isinstance(c, _Node) and c.tag in ("th", "td")]
            header = bool(cells) and all(c.tag == "th" for c in cells)
            rows.append((header, [" ".join(self.inline_lines(c.children)) for c in cells]))
        for child in node.children:
            if isinstance(child, _Node) and child.tag == "caption":
                caption = self.blocks(child)
        columns = max((len(cells) for _, cells in rows), default=0)
        widths = [max((len(cells[i]) for _, cells in rows if i < len(cells)), default=0)
                  for i in range(columns)]
        lines = list(caption)
        for index, (header, cells) in enumerate(rows):
            lines.append(_COLUMN_GAP.join(cell.ljust(widths[i]) for i, cell in enumerate(cells)))
            following_is_body = index + 1 < len(rows) and not rows[index + 1][0]
            if header and following_is_body:
                lines.append(_COLUMN_GAP.join("-" * width for width in widths))
        return lines

    # ------------------------------------------------------------------ inline

    def inline_lines(self, children: list[_Node | str]) -> list[str]:
        """Inline content as lines: whitespace collapsed, ``<br>`` kept as a line break."""
        text = "".join(self.inline(child) for child in children)
        return [line.strip() for line in text.split("\n") if line.strip()]

    def inline(self, node: _Node | str) -> str:
        if isinstance(node, str):
            return _SPACE.sub(" ", node)
        tag = node.tag
        if tag == "br":
            return "\n"
        if tag == "img":
            return node.attrs.get("alt", "")
        if tag in _BLOCKS:  # a block where only inline is expected (a table cell's <p>)
            return " ".join(self.blocks(node)) + " "
        inner = "".join(self.inline(child) for child in node.children)
        if tag == "a":
            return self.link(node, inner)
        return inner

    def link(self, node: _Node, text: str) -> str:
        href = node.attrs.get("href", "")
        if href.startswith("#fnref:"):
            return ""  # a footnote's way back to its reference means nothing in text
        if href.startswith("#fn:"):
            return f"[{text.strip()}]"
        if not href or href.startswith("#"):
            return text
        url = urljoin(self.base_url, href) if self.base_url and href.startswith("/") else href
        label = text.strip()
        shown = url.removeprefix("mailto:")
        if not label or label in (href, url, shown):
            return text.replace(label, shown) if label else shown
        return f"{text} ({shown})"


def _descendants(node: _Node, tag: str) -> list[_Node]:
    found: list[_Node] = []
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_descendants(child, tag))
    return found


def _text_of(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(child) for child in node.children)
