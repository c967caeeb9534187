"""The words a person reads or hears on a page, for tests that a translated page has no
interface English left: text outside scripts, styles, code and form fields, plus the attributes
a browser shows or a screen reader speaks."""

from __future__ import annotations

from html.parser import HTMLParser

SKIPPED = {"script", "style", "code", "pre", "kbd", "textarea"}
SPOKEN = {"title", "aria-label", "placeholder", "alt", "data-confirm"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        self.parts.extend(value for name, value in attrs if name in SPOKEN and value)

    def handle_endtag(self, tag):
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str, *user_content: str) -> str:
    """The page's words on one line; ``user_content`` (titles and bodies a fixture wrote,
    which are not the interface) left out."""
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for content in user_content:
        text = text.replace(content, " ")
    return text
