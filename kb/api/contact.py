"""Suggestions for the public request form: published public articles only, whoever asks."""

from __future__ import annotations

from flask import jsonify, url_for

from kb.api import api_blueprint as bp
from kb.api.args import json_body
from kb.api.contact_schemas import ContactSuggestBody
from kb.api.serializers import result_dict
from kb.contact import tracking
from kb.throttle import public_form


@bp.post("/contact/suggest")
@public_form("contact-suggest", setting="TYPEAHEAD_RATE_LIMIT_PER_MINUTE")
def contact_suggest():
    """The published public articles that may answer a request being written (anonymous).
    With `form_session`, each result carries `open_url`, which counts the opening for the
    contact insights before it redirects to the article.
    ---
    post:
      tags: [contact]
      security: [{}]
      requestBody: {required: true, content: {application/json: {schema: ContactSuggestBody}}}
      responses:
        200: {content: {application/json: {schema: ContactSuggestResponse}}}
        429: TooManyRequests
        503: SearchUnavailable
    """
    data = json_body(ContactSuggestBody())
    key = data.get("form_session")
    if key:
        tracking.start(key, data.get("topic", ""))
    found = tracking.suggestions(data["subject"], data["description"], key,
                                 locale=data.get("locale"))
    results = []
    for result in found:
        item = result_dict(result)
        if key:
            item["open_url"] = url_for("web.contact_open",
                                       token=tracking.open_token(key, result.document.id))
        results.append(item)
    return jsonify({"results": results})
