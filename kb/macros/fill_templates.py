"""Fill templates: a macro body rendered once, with its placeholders filled in on each use.

Values must never be read as Markdown or HTML, so they never go into the Markdown source.
When a revision is saved, each placeholder becomes a unique alphanumeric marker that Markdown,
the toc slugifier and the sanitiser all leave intact, and the body is rendered once (within
the render budget). That HTML is the revision's *fill template*. Filling it for a ticket then
needs no Markdown at all: each marker is replaced with the HTML-escaped value, and the result is
sanitised once more, because a value may land in an attribute (a ``javascript:`` URL in
``[x]({{ url }})``) where escaping alone is not enough.

Missing placeholders show their original text in ``<mark class="missing-placeholder">`` so the
agent sees what to fill. That markup is ours and constant (the text of a missing placeholder is
a name in braces, escaped), so it goes in *after* the last sanitising pass, which would strip
the class. Inside an attribute, where markup would break the tag, the escaped text goes alone.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from kb.content import markdown
from kb.macros.placeholders import Filled, _Escape, _scan, flatten

#: What a revision's ``fill_marker`` holds when its body was refused by the renderer: the
#: template column then holds the reason, and the refusal is not tried again on every view.
REFUSED = "refused"


@dataclass(frozen=True)
class FillTemplate:
    """A body rendered with markers: ``marker + index + "e"`` stands for the index-th token."""

    marker: str
    html: str


def new_marker() -> str:
    """Lower-case hex, letters and digits only. The trailing "e" written after each index ends
    it, so "…i1e" followed by a "0" in the text is never read as index 10."""
    return f"kbph{secrets.token_hex(8)}i"


def build(body: str) -> FillTemplate:
    """Render ``body`` once with a marker in place of each placeholder and escape.

    :raises PlaceholderSyntaxError: malformed body.
    :raises kb.content.render_budget.RenderRefusedError: the body cannot render in time.
    """
    marker = new_marker()
    parts: list[str] = []
    position = 0
    for index, token in enumerate(_scan(body)):
        parts.append(body[position:token.start])
        parts.append(f"{marker}{index}e")
        position = token.end
    parts.append(body[position:])
    return FillTemplate(marker, markdown.render_html("".join(parts)))


def fill(body: str, template: FillTemplate, values: Mapping[str, Any]) -> Filled:
    """Put ``values`` into the template of ``body``; nothing is rendered again.

    :raises PlaceholderSyntaxError: malformed body.
    :raises ValidationError: unusable values (see :func:`flatten`).
    """
    flat = flatten(values)
    in_text: list[str | None] = []
    in_attribute: list[str] = []
    marks: list[str | None] = []
    missing: dict[str, None] = {}
    for token in _scan(body):
        if isinstance(token, _Escape):
            replacement = "{{"
        else:
            value = flat.get(token.name, token.default)
            if value is None:
                missing[token.name] = None
                original = html.escape(body[token.start:token.end], quote=True)
                in_text.append(None)
                in_attribute.append(original)
                marks.append(f'<mark class="missing-placeholder">{original}</mark>')
                continue
            replacement = html.escape(value, quote=True)
        in_text.append(replacement)
        in_attribute.append(replacement)
        marks.append(replacement)
    if not in_text:
        return Filled(template.html, [])
    # A fresh marker for this fill: a value can then never spell one out.
    sentinel = new_marker()
    rendered = template.html.replace(template.marker, sentinel)
    clean = markdown.sanitize_html(_replace_sentinels(rendered, sentinel, in_text, in_attribute))
    if missing:
        clean = _replace_sentinels(clean, sentinel, marks, in_attribute)
    return Filled(clean, list(missing))


def _tag_pattern(sentinel: str) -> re.Pattern[str]:
    # A tag (quoted attribute values may contain '>') or a sentinel in text.
    # Serialised HTML escapes '<' in text, so every '<' starts a tag.
    return re.compile(
        r"(?P<tag><[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)"
        r"|" + sentinel + r"(?P<index>\d+)e"
    )


def _replace_sentinels(rendered: str, sentinel: str,
                       in_text: list[str | None], in_attribute: list[str]) -> str:
    """Swap sentinels for their replacements, by context; ``None`` leaves one in place."""
    inner = re.compile(sentinel + r"(\d+)e")

    def in_tag(match: re.Match[str]) -> str:
        return in_attribute[int(match.group(1))]

    def replace(match: re.Match[str]) -> str:
        tag = match.group("tag")
        if tag is not None:
            return inner.sub(in_tag, tag) if sentinel in tag else tag
        replacement = in_text[int(match.group("index"))]
        return match.group() if replacement is None else replacement

    return _tag_pattern(sentinel).sub(replace, rendered)
