"""Which article a locale-prefixed (or old, unprefixed) address shows, and its other languages.

A reader asking for an article in a locale it has no readable translation in gets the default
locale's version with a notice (a *fallback*), never a 404, as long as that version is readable.
A draft or internal translation is skipped exactly as a missing one is, so nothing tells it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for

from kb import locales, permissions
from kb.content import queries, translations
from kb.helpcenter import listings
from kb.models import Document
from kb.models.content import ARTICLE
from kb.web.locale import article_url

_ARTICLE_PATH = re.compile(r"^/([A-Za-z0-9-]{2,16})/articles/([^/?#]+)")


@dataclass(frozen=True)
class Found:
    """What an article address answers: a page (maybe a fallback) or a redirect."""

    document: Document | None = None
    redirect: str | None = None
    code: int = 302

    def fallback(self, locale: str) -> bool:
        return self.document is not None and self.document.locale != locale


def readable(actor, document: Document | None) -> Document | None:
    return document if document is not None and permissions.readable_published(actor, document) else None


def member(actor, document: Document, locale: str) -> Document | None:
    """The readable version of ``document`` in ``locale``, if there is one."""
    if document.locale == locale:
        return readable(actor, document)
    return readable(actor, translations.in_locale(document, locale))


def find(actor, locale: str, slug: str) -> Found:
    """What ``/<locale>/articles/<slug>`` shows."""
    own = readable(actor, listings.article(slug, locale))
    if own is not None:
        return Found(own)
    moved = readable(actor, queries.moved_to(ARTICLE, slug, locale))
    if moved is not None:
        return Found(redirect=article_url(moved), code=301)
    default = locales.default()
    if locale == default:
        return Found()
    source = readable(actor, listings.article(slug, default))
    code = 302
    if source is None:
        source, code = readable(actor, queries.moved_to(ARTICLE, slug, default)), 301
    if source is None:
        return Found()
    translated = member(actor, source, locale)
    if translated is not None:
        return Found(redirect=article_url(translated), code=code)
    if code == 301:
        return Found(redirect=url_for("web.article", locale=locale, slug=source.slug), code=301)
    return Found(source)


def unprefixed(actor, best: str, slug: str) -> Found:
    """Where the old ``/articles/<slug>`` sends a reader whose best locale is ``best``."""
    default = locales.default()
    source, code = readable(actor, listings.article(slug, default)), 302
    if source is None:
        source, code = readable(actor, queries.moved_to(ARTICLE, slug, default)), 301
    if source is None:  # a translation's own slug, for a reader of that language
        own = readable(actor, listings.article(slug, best))
        return Found(redirect=article_url(own)) if own is not None else Found()
    translated = member(actor, source, best) if best != default else source
    if translated is not None:
        return Found(redirect=article_url(translated), code=code)
    return Found(redirect=url_for("web.article", locale=best, slug=source.slug), code=code)


def alternates(actor, document: Document) -> list[tuple[str, str]]:
    """(locale, absolute URL) of every readable language version of ``document``, the
    document's own included, in the configured order (for ``hreflang``)."""
    found = {m.locale: m for m in translations.family(document) if readable(actor, m) is not None}
    return [(locale, article_url(found[locale], _external=True))
            for locale in locales.configured() if locale in found]


def switch_target(actor, next_url: str | None, wanted: str) -> str | None:
    """The page the picker goes to for ``wanted``: the article on ``next_url`` in that
    language (or its fallback address there); None when ``next_url`` is not an article."""
    match = _ARTICLE_PATH.match(next_url or "")
    if match is None or locales.find(match.group(1)) is None:
        return None
    current = readable(actor, listings.article(match.group(2), match.group(1)))
    if current is None:
        return url_for("web.article", locale=wanted, slug=match.group(2))
    source = translations.source_of(current)
    translated = member(actor, source, wanted)
    if translated is not None:
        return article_url(translated)
    return url_for("web.article", locale=wanted, slug=source.slug)
