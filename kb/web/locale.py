"""The reader's locale: negotiated once per request, chosen with the language picker.

Order: the choice saved by the picker (a cookie), then ``Accept-Language``, then the default
locale. Article URLs carry their locale (``/<locale>/articles/<slug>``); every other public page
lists what the negotiated locale reads. The picker is a plain form, so it works without
JavaScript, and it goes to the same page in the chosen language when there is one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask_babel
from flask import Flask, current_app, g, redirect, request, url_for

from kb import locales

#: The cookie the picker sets; a year, readable by the server only.
COOKIE = "kb_locale"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: What a page's answer depends on when it depends on the negotiated locale.
VARY = ("Accept-Language", "Cookie")


def reader_locale() -> str:
    """The locale this request's reader gets (remembered for the request)."""
    if "kb_reader_locale" not in g:
        g.kb_reader_locale = (locales.find(request.cookies.get(COOKIE)) or _from_header()
                              or locales.default())
    return g.kb_reader_locale


def _from_header() -> str | None:
    """The configured locale ``Accept-Language`` prefers: an exact tag first, then the same
    language (``fr-CA`` reads ``fr``, ``pt`` reads ``pt-BR``), best quality first."""
    configured = locales.configured()
    for value, quality in request.accept_languages:
        if quality <= 0:
            continue
        exact = locales.find(value)
        if exact:
            return exact
        language = value.split("-")[0].lower()
        for locale in configured:
            if locale.split("-")[0].lower() == language:
                return locale
    return None


def page_locale(locale: str | None = None) -> str:
    """Set (or read) the locale of the page being rendered: its ``lang`` and its links."""
    if locale is not None:
        g.kb_page_locale = locale
        flask_babel.refresh()  # the interface follows: forget a language read before this
    return g.get("kb_page_locale") or reader_locale()


def varies(response):
    """Mark a response that depends on the negotiated locale."""
    for header in VARY:
        response.vary.add(header)
    return response


def choose(wanted: str, next_url: str | None, target: str | None):
    """The picker's answer: save the choice and go to ``target`` (the page in that language),
    else back to ``next_url`` when it is a path on this site, else home."""
    locale = locales.check(wanted)
    where = target or _local_path(next_url) or url_for("web.home")
    response = redirect(where, code=303)
    response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _local_path(url: str | None) -> str | None:
    """``url`` when it is a path on this site (never another host: no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url


def init_app(app: Flask) -> None:
    # Globals, not context: imported template macros (help/_meta.html) link articles too.
    app.jinja_env.globals.update(article_url=article_url, page_locale=page_locale,
                                 locale_names=NAMES, configured_locales=locales.configured)

    @app.after_request
    def vary_on_the_negotiated_locale(response):
        # The interface's words follow the negotiated locale on every page (kb.web.i18n), so
        # a shared cache must not hand one reader's language to another.
        if response.mimetype == "text/html" and len(locales.configured()) > 1:
            varies(response)
        return response


def article_url(document, **values) -> str:
    """The public URL of an article (a document, or anything with ``slug`` and ``locale``)."""
    return url_for("web.article", locale=getattr(document, "locale", None) or locales.default(),
                   slug=document.slug, **values)


#: How each language names itself in the picker; a tag not listed shows as itself.
NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "pt-BR": "Português (Brasil)",
         "pt": "Português", "it": "Italiano", "nl": "Nederlands", "ja": "日本語", "zh": "中文"}
