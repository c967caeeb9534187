"""The allow-list every page's HTML from authored text passes: the security boundary.

Split from :mod:`kb.content.markdown`, which turns Markdown into HTML and reads text back; here
**nh3** (ammonia) rebuilds any HTML from an explicit list of tags, attributes and URL schemes,
checks the values that need more than a name (ids with a known prefix, ``language-`` classes,
kb's own ``srcset``), and gives links to other sites ``rel="noopener noreferrer nofollow"``.
Whatever Markdown or an author produced, nothing outside the list reaches a page.
"""

from __future__ import annotations

import html
import re

import nh3

#: Prefix of the ids given to headings. Without it a heading such as "## Location" or
#: "## Forms" would get ``id="forms"`` and clobber ``document.forms`` or a ``window`` global.
HEADING_ID_PREFIX = "h-"

#: Prefixes of the ids the footnotes extension puts on ``<li>`` and ``<sup>``.
FOOTNOTE_ID_PREFIX = "fn:"
FOOTNOTE_REF_ID_PREFIX = "fnref:"

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
            return value if value.startswith(FOOTNOTE_ID_PREFIX) else None
        if tag == "sup":
            return value if value.startswith(FOOTNOTE_REF_ID_PREFIX) else None
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
TAG = re.compile(
    r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>'
)
_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')
_EXTERNAL_URL = re.compile(r"(?:https?:|[/\\]{2})", re.IGNORECASE)


def tag_attributes(source: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(source)}


def _is_external(href: str) -> bool:
    return bool(_EXTERNAL_URL.match(href.strip()))


def _mark_external_links(clean_html: str) -> str:
    def mark(match: re.Match[str]) -> str:
        closing, name, attributes = match.groups()
        if closing or name != "a":
            return match[0]
        found = tag_attributes(attributes)
        if "rel" in found or not _is_external(found.get("href", "")):
            return match[0]
        return f'<a{attributes} rel="{EXTERNAL_LINK_REL}">'

    return TAG.sub(mark, clean_html)


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
