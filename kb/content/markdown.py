"""Markdown in, safe HTML out: the one place where authored text becomes markup.

Everything a page shows from an article or a macro passes through :func:`render` (or
:func:`sanitize_html` for HTML assembled afterwards, such as a macro with its placeholders
filled in). Two stages, deliberately kept apart:

1. **Python-Markdown** with a fixed extension list turns the Markdown into HTML. Raw HTML in
   the source is passed through here, because authors use it (``<kbd>``, ``<details>``).
2. **nh3** (ammonia) then rebuilds that HTML from an explicit allow-list of tags, attributes
   and URL schemes (:mod:`kb.content.sanitize`). This is the security boundary: whatever
   Markdown or an author produced, nothing outside the list reaches a page.

The plain text, the headings and the links are all read back from the *sanitised* HTML, so
the search index, snippets and tables of contents never see anything a reader could not.

:func:`render` and :func:`render_html` run the conversion in a render process within the
time budget (:mod:`kb.content.render_budget`); :func:`render_now` is the conversion itself.
No database. Safe to call from many threads at once.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from typing import Any, Iterator

import markdown
from markdown.extensions.toc import slugify_unicode

from kb.content import render_budget
from kb.content.sanitize import (  # noqa: F401 - ALLOWED_TAGS and sanitize_html are used from here too
    ALLOWED_TAGS, FOOTNOTE_ID_PREFIX, FOOTNOTE_REF_ID_PREFIX, HEADING_ID_PREFIX, TAG, sanitize_html,
    tag_attributes,
)

__all__ = [
    "Heading",
    "Rendered",
    "render",
    "render_html",
    "render_now",
    "sanitize_html",
    "to_plain_text",
]

#: The Markdown dialect, fixed so every revision renders the same way. ``attr_list`` and
#: ``md_in_html`` are left out on purpose: they let authors set arbitrary attributes.
EXTENSIONS: tuple[str, ...] = (
    "tables",
    "fenced_code",
    "sane_lists",
    "toc",
    "def_list",
    "abbr",
    "footnotes",
)

#: How many characters of text :attr:`Rendered.summary` keeps (a meta description's length).
SUMMARY_LENGTH = 160

#: Control characters that mean nothing in Markdown; STX/ETX would collide with
#: Python-Markdown's own placeholders. Tab, newline and carriage return stay. (A regex, not
#: ``str.translate`` with a dict: twice as fast on long documents, same result.)
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")


@dataclass(frozen=True)
class Heading:
    """A heading worth listing in a table of contents.

    :param level: 2 or 3.
    :param id: the anchor id, always prefixed with :data:`HEADING_ID_PREFIX`.
    :param text: the heading as plain text (escape it when putting it in a page).
    """

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """Everything the rest of kb needs from one Markdown document, computed in one pass."""

    #: Sanitised HTML, safe to insert into a page as is.
    html: str
    #: Plain text for the search index and snippets: no markup, whitespace collapsed,
    #: code kept, link text kept, URLs dropped.
    text: str
    #: ``h2``/``h3`` headings in document order, for a table of contents.
    headings: list[Heading]
    #: Link targets after sanitising, in document order, without duplicates and without the
    #: footnote links the footnotes extension generates.
    links: list[str]
    #: The start of :attr:`text`, at most :data:`SUMMARY_LENGTH` characters, cut between words.
    summary: str


# --------------------------------------------------------------------------------------------
# Markdown


def _heading_slug(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + slugify_unicode(value, separator)


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=list(EXTENSIONS),
        extension_configs={
            # No [TOC] marker: pages build their own table of contents from ``headings``.
            "toc": {"slugify": _heading_slug, "marker": ""},
            # ``align="…"`` rather than ``style="text-align: …"``: no style attribute survives.
            "tables": {"use_align_attribute": True},
        },
        output_format="html",
    )


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown instance, reset and ready.

    A ``Markdown`` object keeps per-document state (footnotes, abbreviations, the toc), so it
    must never be shared between threads; building one costs more than the conversion of a
    short macro, so each thread keeps its own and resets it before every document.
    """
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _new_markdown()
    return md.reset()


def _convert(markdown_text: str) -> tuple[str, list[dict[str, Any]]]:
    md = _markdown()
    raw = md.convert(_CONTROL_CHARS.sub("", markdown_text))
    return sanitize_html(raw), list(getattr(md, "toc_tokens", []))


# --------------------------------------------------------------------------------------------
# Reading the sanitised HTML back

#: Tags that separate words; inline tags (``<em>``, ``<a>``, ``<code>``) do not.
_BLOCK_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "div", "details", "summary",
})
_FOOTNOTE_HREF_PREFIXES = ("#" + FOOTNOTE_ID_PREFIX, "#" + FOOTNOTE_REF_ID_PREFIX)


def _tokens(clean_html: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``("text", data, "")`` and ``("tag" or "/tag", name, attributes)`` in order."""
    position = 0
    for match in TAG.finditer(clean_html):
        if match.start() > position:
            yield "text", clean_html[position:match.start()], ""
        closing, name, attributes = match.groups()
        yield ("/tag" if closing else "tag"), name, attributes
        position = match.end()
    if position < len(clean_html):
        yield "text", clean_html[position:], ""


def _read(clean_html: str) -> tuple[str, list[str]]:
    """The plain text and the link targets of sanitised HTML."""
    parts: list[str] = []
    links: list[str] = []
    skipping = 0  # depth inside footnote links, whose "1" and "↩" are not text
    for kind, value, attributes in _tokens(clean_html):
        if kind == "text":
            if not skipping:
                parts.append(html.unescape(value))
            continue
        if value in _BLOCK_TAGS:
            parts.append(" ")
        if value != "a":
            continue
        if kind == "/tag":
            skipping = max(skipping - 1, 0)
            continue
        href = tag_attributes(attributes).get("href")
        if skipping or (href is not None and href.startswith(_FOOTNOTE_HREF_PREFIXES)):
            skipping += 1
        elif href is not None and href not in links:
            links.append(href)
    return _collapse("".join(parts)), links


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _summarise(text: str, limit: int = SUMMARY_LENGTH) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit - 1]  # leave room for the ellipsis
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"


def _headings(tokens: list[dict[str, Any]]) -> Iterator[Heading]:
    """The h2 and h3 headings among the toc extension's tokens, with sanitised text.

    A token's ``html`` is the heading's content before sanitising, so it is cleaned here
    like the page was: a heading's ``<script>`` text must not reach a table of contents.
    Headings left with no text are skipped: there would be nothing to show.
    """
    for token in tokens:
        if token["level"] in (2, 3):
            text = _read(sanitize_html(token.get("html", "")))[0]
            if text:
                yield Heading(level=token["level"], id=token["id"], text=text)
        yield from _headings(token.get("children", []))


# --------------------------------------------------------------------------------------------
# Public API


def render(markdown_text: str) -> Rendered:
    """Render a document once for everything that needs it: the page, search, the toc.

    Runs in a render process within the budget, so no body can hold the caller for long.

    :param markdown_text: the document body, in kb's Markdown dialect (see :data:`EXTENSIONS`);
        raw HTML is allowed and sanitised like everything else.
    :return: the sanitised HTML and what was read back from it.
    :raises render_budget.RenderRefusedError: the body nests too deeply or overran the budget.
    """
    return render_budget.run(render_now, markdown_text)


def render_now(markdown_text: str) -> Rendered:
    """:func:`render` in this process, unbounded: for render processes and trusted text only."""
    clean_html, toc_tokens = _convert(markdown_text)
    text, links = _read(clean_html)
    return Rendered(
        html=clean_html,
        text=text,
        headings=list(_headings(toc_tokens)),
        links=links,
        summary=_summarise(text),
    )


def render_html(markdown_text: str) -> str:
    """Only the sanitised HTML of :func:`render`, for callers that need nothing else.

    :param markdown_text: the document body.
    :return: HTML safe to insert into a page as is.
    :raises render_budget.RenderRefusedError: as :func:`render`.
    """
    return render_budget.run(_html_now, markdown_text)


def _html_now(markdown_text: str) -> str:
    return _convert(markdown_text)[0]


def links_of(clean_html: str) -> list[str]:
    """The link targets of HTML this module rendered (as :attr:`Rendered.links`), without
    rendering anything again."""
    return _read(clean_html)[1]


def to_plain_text(markdown_text: str) -> str:
    """The words of a document, for the search index: the same as ``render(...).text``.

    Read from the sanitised HTML, so the index holds exactly what a reader can see.

    :param markdown_text: the document body.
    :return: plain text with whitespace collapsed.
    """
    return render(markdown_text).text
