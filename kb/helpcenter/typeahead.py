"""Suggestions while typing in the public search box: the titles of the matching articles.

``GET /search/suggestions?q=…`` runs the same as-you-type search the agents' screens use (the
search service, its last word read as a prefix), always in the public scope, whoever asks: it
lists published, public articles only, so the answer is the same for every reader and may be
cached by the browser and any shared cache in front of kb. An article pinned for the query
comes first (:mod:`kb.search.promoted`). ``static/js/typeahead.js`` calls it; without
JavaScript the search box simply submits to ``/search``.
"""

from __future__ import annotations

from flask import jsonify, request, url_for

from kb import validation
from kb.errors_web import json_errors
from kb.helpcenter.views import bp
from kb.models.content import ARTICLE
from kb.search import promoted
from kb.throttle import public_form
from kb.web import locale as reader
from kb.web.locale import article_url

#: Suggestions start once the query holds this many letters or digits.
MIN_CHARACTERS = 2
LIMIT = 6
MAX_QUERY = 256
#: Seconds a browser or shared cache may reuse an answer; an edit shows within this long.
MAX_AGE = 60


def _long_enough(query: str) -> bool:
    return len(promoted.normalise(query).replace(" ", "")) >= MIN_CHARACTERS


@bp.get("/search/suggestions")
@json_errors
@public_form("typeahead", setting="TYPEAHEAD_RATE_LIMIT_PER_MINUTE",
             only_when=lambda: _long_enough(request.args.get("q", "")))
def search_suggestions():
    """``{"query", "results": [{"id", "title", "url", "pinned"}]}``: at most six titles,
    none before two letters. ``burst`` is the page's id for one run of typing."""
    query = validation.text(request.args.get("q", ""), "q", multiline=False,
                            max_length=MAX_QUERY).strip()
    results = []
    if _long_enough(query):
        # One run of typing is one search in the log (the last query typed); a request
        # without the page's burst id is not a search anybody finished, so it is not logged.
        burst = request.args.get("burst") or None
        found = promoted.search(None, query, kind=ARTICLE, limit=LIMIT, as_you_type=True,
                                surface="typeahead", burst=burst, logged=burst is not None,
                                locale=reader.reader_locale())
        results = [{"id": r.hit.id, "title": r.hit.title,
                    "url": article_url(r.document),
                    "pinned": r.hit.id == found.pinned_id} for r in found.results]
    response = jsonify({"query": query, "results": results})
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return reader.varies(response)  # the reader's language decides the titles
