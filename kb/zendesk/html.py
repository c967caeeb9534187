"""Zendesk HTML bodies to Markdown, with markdownify.

The Markdown is only a source: the save renders and sanitises it like every other body, so
nothing here needs to be trusted. Placeholders and Liquid are set aside before converting
(markdownify would escape the underscores in ``first_name``) and put back after. Images stay
Markdown images pointing where they pointed; those on other hosts are listed so the import can
report them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdownify import MarkdownConverter

_TEMPLATE = re.compile(r"\\?\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_BLANKS = re.compile(r"\n{3,}")


class _Converter(MarkdownConverter):
    """Fenced code blocks keep their language from ``class="language-…"``; the lines under a
    list item are indented four spaces, as kb's Markdown (Python-Markdown) needs for nesting."""

    def __init__(self, **options):
        super().__init__(heading_style="ATX", bullets="-", code_language_callback=_language,
                         strip=["script", "style"], **options)

    def convert_li(self, el, text, parent_tags):
        item = super().convert_li(el, text, parent_tags)
        first, _, rest = item.partition("\n")
        width = len(first) - len(first.lstrip(" ")) + len(first.lstrip(" ").split(" ", 1)[0]) + 1
        pad = " " * max(0, 4 - width)
        rest = "\n".join(pad + line if line.strip() else line for line in rest.split("\n"))
        return first + "\n" + rest


def _language(element) -> str | None:
    code = element.find("code") if element.name == "pre" else element
    for name in (code.get("class") or []) if code is not None else []:
        if name.startswith("language-"):
            return name.removeprefix("language-")
    return None


def to_markdown(html: str) -> str:
    """Clean Markdown for an HTML body; template text is carried through unchanged."""
    kept: list[str] = []

    def aside(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"ZDKEEP{len(kept) - 1}ZD"

    protected = _TEMPLATE.sub(aside, html or "")
    markdown = _Converter().convert(protected)
    markdown = re.sub(r"ZDKEEP(\d+)ZD", lambda m: kept[int(m.group(1))], markdown)
    lines = [line.rstrip() for line in markdown.strip().splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines))


def external_images(html: str, own_hosts: set[str]) -> list[str]:
    """Image URLs in ``html`` on a host other than the help center's own."""
    found = []
    for src in _IMG_SRC.findall(html or ""):
        host = urlsplit(src).hostname
        if host and host not in own_hosts:
            found.append(src)
    return found
