"""Markdown in, safe HTML out: the one place where authored text becomes markup.

Everything a page shows from an article or a macro passes through :func:`render` (or
:func:`sanitize_html` for HTML assembled afterwards, such as a macro with its placeholders
filled in). Two stages, deliberately kept apart:

1. **Python-Markdown** with a fixed extension list turns the Markdown into HTML. Raw HTML in
   the source is passed through here, because authors use it (``<kbd>``, ``<details>``).
2. **nh3** (ammonia) then rebuilds that HTML from an explicit allow-list of tags, attributes
   and URL schemes. This is the security boundary: whatever Markdown or an author produced,
   nothing outside the list reaches a page.

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
import nh3
from markdown.extensions.toc import slugify_unicode

from kb.content import render_budget

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

#: Prefix of the ids given to headings. Without it a heading such as "## Location" or
#: "## Forms" would get ``id="forms"`` and clobber ``document.forms`` or a ``window`` global.
HEADING_ID_PREFIX = "h-"

#: Prefixes of the ids the footnotes extension puts on ``<li>`` and ``<sup>``.
_FOOTNOTE_ID_PREFIX = "fn:"
_FOOTNOTE_REF_ID_PREFIX = "fnref:"

#: How many characters of text :attr:`Rendered.summary` keeps (a meta description's length).
SUMMARY_LENGTH = 160

#: ``rel`` for links that leave the site: no ``window.opener``, no referrer, no ranking credit.
EXTERNAL_LINK_REL = "noopener noreferrer nofollow"

ALLOWED_TAGS: frozenset[str] = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "code", "pre", "kbd", "samp", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "span", "div", "abbr", "details", "summary",
})

#: Attributes kept with any value (values are still checked by :func:`_filter_attribute`).
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(),  # replaces ammonia's default of ``lang`` and ``title`` on every tag
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "srcset"},  # srcset: kb's images only
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "ol": {"start"},  # sane_lists: a list that starts at 3 says so
    "code": {"class"},  # language-xxx only, see _filter_attribute
    "sup": {"id"},  # footnote references
    "li": {"id"},  # footnotes
    **{f"h{level}": {"id"} for level in range(1, 7)},
}

#: Attributes kept only with one of these exact values.
_ALIGNMENTS = {"left", "center", "right"}
_ALLOWED_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "th": {"align": _ALIGNMENTS},
    "td": {"align": _ALIGNMENTS},
    # Only the value this module sets itself, so the clean is idempotent and nothing else
    # (``rel="opener"``) gets through.
    "a": {"rel": {EXTERNAL_LINK_REL}},
    "img": {"loading": {"lazy"}},
}

#: Removed together with their content: the text of a script is not article text.
_CLEAN_CONTENT_TAGS = {"script", "style", "template", "iframe", "object", "embed"}

_URL_SCHEMES = {"http", "https", "mailto"}

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_BLANKS = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_DIMENSION = re.compile(r"[0-9]{1,5}%?")
_DIGITS = re.compile(r"[0-9]{1,9}")
#: A ``srcset`` as kb writes it for its own images (kb.media.html): nothing else, so no other
#: URL (or scheme) can arrive through it.
_MEDIA_SRCSET = re.compile(
    r"/media/[0-9a-f]{64}(?:-[0-9]{1,5}w)?\.(?:png|jpg|gif|webp) [0-9]{1,5}w"
    r"(?:, /media/[0-9a-f]{64}(?:-[0-9]{1,5}w)?\.(?:png|jpg|gif|webp) [0-9]{1,5}w){0,7}")

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
# Sanitising


def _has_safe_scheme(url: str) -> bool:
    """Whether ``url`` is relative or uses an allowed scheme, judged without any blanks.

    nh3 already rejects schemes the way a browser reads them (``java&#x09;script:`` included).
    This stricter second look also rejects what would only become a scheme if a browser, an
    email client or a later tool dropped spaces and control characters (``jav ascript:``).
    """
    scheme = _SCHEME.match(_BLANKS.sub("", url).lower())
    return scheme is None or scheme[1] in _URL_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Check the values of the allowed attributes that need more than a name check.

    Must never raise: nh3 would drop the attribute and report the error as unraisable.
    """
    if attribute == "id":
        if tag == "li":
            return value if value.startswith(_FOOTNOTE_ID_PREFIX) else None
        if tag == "sup":
            return value if value.startswith(_FOOTNOTE_REF_ID_PREFIX) else None
        return value if value.startswith(HEADING_ID_PREFIX) else None
    if attribute in ("href", "src"):
        return value if _has_safe_scheme(value) else None
    if attribute == "class":
        languages = [name for name in value.split() if _LANGUAGE_CLASS.fullmatch(name)]
        return " ".join(languages) if languages else None
    if attribute == "srcset":
        return value if _MEDIA_SRCSET.fullmatch(value) else None
    if attribute in ("width", "height"):
        return value if _DIMENSION.fullmatch(value.strip()) else None
    if attribute in ("start", "colspan", "rowspan"):
        return value if _DIGITS.fullmatch(value.strip()) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=_CLEAN_CONTENT_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    tag_attribute_values=_ALLOWED_ATTRIBUTE_VALUES,
    url_schemes=_URL_SCHEMES,
    strip_comments=True,
    link_rel=None,  # set by _mark_external_links, on external links only
)

#: A start or end tag as html5ever serialises it: lower-case names, every attribute value in
#: double quotes with ``"`` escaped, and ``<`` escaped in text. On that output this pattern
#: finds exactly the real tags, never a ``<`` inside an attribute value.
_TAG = re.compile(
    r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>'
)
_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')
_EXTERNAL_URL = re.compile(r"(?:https?:|[/\\]{2})", re.IGNORECASE)


def _attributes(source: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(source)}


def _is_external(href: str) -> bool:
    return bool(_EXTERNAL_URL.match(href.strip()))


def _mark_external_links(clean_html: str) -> str:
    def mark(match: re.Match[str]) -> str:
        closing, name, attributes = match.groups()
        if closing or name != "a":
            return match[0]
        found = _attributes(attributes)
        if "rel" in found or not _is_external(found.get("href", "")):
            return match[0]
        return f'<a{attributes} rel="{EXTERNAL_LINK_REL}">'

    return _TAG.sub(mark, clean_html)


def sanitize_html(html_text: str) -> str:
    """Reduce any HTML to the allow-list, so the result can go into a page as is.

    Removes every tag, attribute and URL scheme not explicitly allowed (``<script>`` and
    ``<style>`` together with their text), keeps ids only where they carry a known prefix,
    and gives links to other sites ``rel="noopener noreferrer nofollow"``. Idempotent, so it
    can run again on HTML that was rendered here and then had values substituted into it.

    :param html_text: untrusted HTML.
    :return: the sanitised HTML.
    """
    clean = _CLEANER.clean(html_text)
    marked = _mark_external_links(clean)
    # The rel pass works on text; cleaning what it changed again means that even a mistake
    # in it could not let anything outside the allow-list through.
    return clean if marked == clean else _CLEANER.clean(marked)


# --------------------------------------------------------------------------------------------
# Reading the sanitised HTML back

#: Tags that separate words; inline tags (``<em>``, ``<a>``, ``<code>``) do not.
_BLOCK_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "div", "details", "summary",
})
_FOOTNOTE_HREF_PREFIXES = ("#" + _FOOTNOTE_ID_PREFIX, "#" + _FOOTNOTE_REF_ID_PREFIX)


def _tokens(clean_html: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``("text", data, "")`` and ``("tag" or "/tag", name, attributes)`` in order."""
    position = 0
    for match in _TAG.finditer(clean_html):
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
        href = _attributes(attributes).get("href")
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
