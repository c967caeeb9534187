"""The interface's own words, dates and numbers in the page's language (Flask-Babel).

The language is the page's locale (:func:`kb.web.locale.page_locale`): the article's for an
article page, otherwise the reader's saved choice, then ``Accept-Language``, then the default.
So a French reader's whole page is French: the article, the words around it and its dates.
A configured locale with no catalog shows the English words (gettext's fallback) but still
formats dates and numbers its own way, which Babel knows for every locale.

Catalogs live in ``kb/translations/<language>/LC_MESSAGES/messages.po`` and are compiled to
``.mo`` files that ship in the package; ``docs/translations.md`` has the pybabel commands, and
a test fails when a string in the code is missing from a catalog or a ``.mo`` is stale.
Templates use ``_()``; Python strings outside a request (module constants) use
``flask_babel.lazy_gettext``.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import Flask, has_request_context, request
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from kb import locales
from kb.web.locale import NAMES, page_locale

#: Where the catalogs are, inside the package so ``pip install .`` ships them.
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def babel_locale(tag: str) -> str:
    """Babel's name for a locale tag (see :func:`kb.locales.babel_name`)."""
    return locales.babel_name(tag)


def interface_locale() -> str:
    """The language of this request's interface (Flask-Babel's locale selector)."""
    if not has_request_context():
        return babel_locale(locales.default())
    return babel_locale(page_locale())


#: The words the page scripts write themselves (``static/js/strings.js`` reads them): one
#: list, so a script never carries English of its own and the catalogs hold every string.
#: Values may use ``%(name)s`` placeholders, filled in by the script.
#: A plural is two keys, ``<key>.one`` and ``<key>.other``, chosen by ``plural()`` in the script.
BROWSER_STRINGS = {
    "typeahead.label": _l("Suggested articles"),
    "typeahead.count.one": _l("%(count)s suggested article; use the up and down arrow keys to choose"),
    "typeahead.count.other": _l("%(count)s suggested articles; use the up and down arrow keys to choose"),
    "contact.matches.one": _l("%(count)s article may answer this."),
    "contact.matches.other": _l("%(count)s articles may answer this."),
    "contact.no_match": _l("No article matches yet; send the request and we will help."),
    # the editor's live preview (editor.js) and image upload (images.js)
    "editor.preview.empty": _l("Nothing to preview yet."),
    "editor.preview.status": _l("the server answered %(status)s"),
    "editor.preview.unavailable": _l("The preview is unavailable (%(reason)s); your text is safe and will still save."),
    "images.failed": _l("the upload failed (HTTP %(status)s)"),
    "images.uploading": _l("Uploading %(name)s…"),
    "images.uploading.unnamed": _l("Uploading the image…"),
    "images.not_added": _l("%(name)s was not added: %(reason)s"),
    "images.not_added.unnamed": _l("The image was not added: %(reason)s"),
    "images.alt_prompt": _l("Describe the image for readers who cannot see it (alt text):"),
    "images.added": _l("Added %(name)s (%(width)s×%(height)s)."),
    "images.added.unnamed": _l("Added the image (%(width)s×%(height)s)."),
    # The agent's macro library (static/js/library.js).
    "library.article": _l("Article"),
    "library.internal": _l("Internal"),
    "library.personal": _l("Personal"),
    "library.articles_match": _l("Help-center articles that match:"),
    "library.nothing_matches": _l("Nothing matches “%(query)s”."),
    "library.search_for": _l("Search for"),
    "library.instead": _l("instead?"),
    "library.create_personal": _l("Create a personal macro"),
    "library.for_this_answer": _l("for this answer."),
    "library.search_failed": _l("Search failed."),
    "library.not_answering": _l("Search is not answering; try again."),
    "library.results.one": _l("%(count)s result for “%(query)s”"),
    "library.results.other": _l("%(count)s results for “%(query)s”"),
    "library.copied": _l("Copied “%(name)s”."),
    "library.copied_link": _l("Copied the link to “%(name)s”."),
    "library.not_copied": _l("“%(name)s” was not copied. Still to fill: %(names)s. "
                             "Open it to fill them."),
    # A macro's page and the copying the library and the sidebar share (static/js/macro.js).
    "macro.not_copied": _l("Not copied. Still to fill: %(names)s."),
    "macro.server_answered": _l("the server answered %(status)s"),
    "macro.still_to_fill": _l("Still to fill:"),
    "macro.preview_failed": _l("Preview failed: %(reason)s"),
    "macro.copying": _l("Copying…"),
    "macro.copied_text": _l("Copied as text."),
    "macro.copied_rich": _l("Copied as rich text."),
    "macro.copy_failed": _l("Could not copy: %(reason)s"),
    "macro.times.one": _l("time"),
    "macro.times.other": _l("times"),
    # The ticket sidebar (static/js/sidebar.js).
    "sidebar.article": _l("article"),
    "sidebar.no_text": _l("The ticket has no text to suggest from yet."),
    "sidebar.no_match": _l("No macro or article matches this ticket."),
    "sidebar.suggestions_failed": _l("Suggestions failed: %(reason)s"),
    "sidebar.no_macro": _l("No macro matches."),
    "sidebar.search_failed": _l("Search failed: %(reason)s"),
    "sidebar.still_to_fill": _l("Still to fill: %(names)s"),
    "sidebar.preview_failed": _l("Preview failed: %(reason)s"),
    "sidebar.open_failed": _l("Could not open the macro: %(reason)s"),
    "sidebar.not_inserted": _l("Nothing inserted or copied. Still to fill: %(names)s."),
    "sidebar.failed": _l("Failed: %(reason)s"),
    "sidebar.copied_paste": _l("Copied: paste it into the ticket."),
    "sidebar.inserted": _l("Inserted into the ticket."),
    "sidebar.copied": _l("Copied."),
    "sidebar.connected": _l("Connected to %(host)s."),
    "sidebar.no_host": _l("Not inside a ticketing tool: paste the customer's message; "
                          "replies are copied."),
    "sidebar.paste": _l("Paste the customer's message to get suggestions."),
    "sidebar.host_default": _l("the ticketing tool"),
    "sidebar.host_refused": _l("the ticketing tool refused the reply"),
    # "Suggest from the ticket" in the library (static/js/suggest.js).
    "suggest.article": _l("Article"),
    "suggest.internal": _l("Internal"),
    "suggest.personal": _l("Personal"),
    "suggest.matched": _l("Matched:"),
    "suggest.paste": _l("Paste the customer's message to get suggestions."),
    "suggest.no_match": _l("No macro or article matches that message."),
    "suggest.failed": _l("Suggestions failed: %(reason)s"),
}


#: Keys only the agent workspace's scripts read (library, macro page, suggestions, sidebar):
#: other pages leave them out, so a reader's page carries no staff words.
AGENT_PREFIXES = ("library.", "macro.", "sidebar.", "suggest.")


def _wanted(key: str) -> bool:
    if not key.startswith(AGENT_PREFIXES):
        return True
    return has_request_context() and request.blueprint == "agent"


def language_name(tag: str) -> str:
    """A language's name in the words of the page ("anglais" in a French sentence, "English"
    in an English one), for notices such as an article's fallback. A page whose locale has no
    catalog reads English words, so it names languages in English too."""
    words = interface_locale()
    if not (TRANSLATIONS / words).is_dir():
        words = "en"
    try:
        return Locale.parse(babel_locale(tag)).get_display_name(words) or NAMES.get(tag, tag)
    except (ValueError, UnknownLocaleError):
        return NAMES.get(tag, tag)


def browser_strings() -> Markup:
    """The translated :data:`BROWSER_STRINGS` the page's scripts may need, as a JSON
    ``<script>`` block."""
    data = json.dumps({key: str(value) for key, value in BROWSER_STRINGS.items() if _wanted(key)},
                      ensure_ascii=False).replace("<", "\\u003c")
    return Markup(f'<script type="application/json" id="kb-strings">{data}</script>')


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")  # kb stores and shows UTC
    Babel(app, locale_selector=interface_locale)
    app.jinja_env.globals["browser_strings"] = browser_strings
    app.jinja_env.globals["language_name"] = language_name
