"""Old Zendesk article URLs, ``/hc/<locale>/articles/<id>-<slug>``, answer 301 to the article.

Links to a help center that moved from Zendesk live on in e-mails, macros and search engines.
Only a published public article is redirected to: anything else answers 404, so an old URL
never tells that a draft or an internal article exists. The URL's locale picks the article's
translation in that locale when one is published (``/hc/fr/…`` to the French one), else the
article itself.
"""

from __future__ import annotations

import re

from flask import abort, redirect, url_for

from kb import permissions
from kb.helpcenter.views import bp
from kb.models.content import ARTICLE
from kb.content import translations
from kb.zendesk.importer import linked_document
from kb.zendesk.translations import kb_locale
from kb.web.locale import article_url

_ID = re.compile(r"^(\d{1,18})(?:-.*)?$")


@bp.get("/hc/<locale>/articles/<path:rest>")
def zendesk_article(locale: str, rest: str):
    """301 to the article imported from this Zendesk article id; 404 when there is none to read."""
    match = _ID.match(rest)
    document = linked_document(ARTICLE, int(match.group(1))) if match else None
    if document is None or permissions.readable_published(None, document) is None:
        abort(404)
    wanted, _ = kb_locale(locale)
    translated = translations.in_locale(document, wanted) if wanted else None
    if translated is not None and permissions.readable_published(None, translated) is not None:
        document = translated
    return redirect(article_url(document), code=301)
