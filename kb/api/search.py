"""Search and suggest."""

from __future__ import annotations

from flask import jsonify, url_for

from kb import permissions
from kb.api import api_blueprint as bp
from kb.api.args import json_body, query_args
from kb.api.schemas import SearchArgs, SuggestBody
from kb.api.serializers import result_dict
from kb.auth import current_actor
from kb.insights import events as insight_events
from kb.models import Role
from kb.search import promoted, suggesting
from kb.throttle import public_form


@bp.get("/search")
@public_form("api-search", only_when=lambda: current_actor() is None)
def search():
    """Search what the caller may see. Anonymous: published public articles only. An article
    an editor pinned for the query comes first (``pinned``) when the caller may read it.
    ---
    get:
      tags: [search]
      parameters:
      - {in: query, schema: SearchArgs}
      responses:
        200: {content: {application/json: {schema: SearchResponse}}}
        429: TooManyRequests
        503: SearchUnavailable
    """
    args = query_args(SearchArgs())
    found = promoted.search(
        current_actor(), args["q"], kind=args.get("type"), category=args.get("category"),
        section=args.get("section"), tag=args.get("tag"), limit=args["limit"], offset=args["offset"],
        as_you_type=args["as_you_type"], burst=args.get("burst"), locale=args.get("locale"),
    )
    clicks = args.get("burst") and found.burst  # a page's search: its clicks are counted
    results = []
    for rank, r in enumerate(found.results, start=args["offset"] + 1):
        item = {**result_dict(r), "pinned": r.hit.id == found.pinned_id}
        if clicks:
            item["click_url"] = url_for("web.search_click", token=insight_events.click_token(
                found.burst, r.document.id, rank))
        results.append(item)
    return jsonify({"query": args["q"], "total": found.total, "results": results,
                    "suggestion": found.suggestion})


@bp.post("/suggest")
def suggest():
    """The macros and articles that best answer a customer's message (agents and up).
    ---
    post:
      tags: [search]
      requestBody: {required: true, content: {application/json: {schema: SuggestBody}}}
      responses:
        200: {content: {application/json: {schema: SuggestResponse}}}
        403: Forbidden
        503: SearchUnavailable
    """
    actor = permissions.require_role(current_actor(), Role.AGENT)
    data = json_body(SuggestBody())
    suggestion = suggesting.suggest(actor, data["text"], limit=data["limit"], burst=data.get("burst"),
                                    locale=data.get("locale"))
    return jsonify({
        "terms": suggestion.terms,
        "results": [{**result_dict(r), "matched": list(r.hit.matched)} for r in suggestion.results],
    })
