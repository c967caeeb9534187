"""Insights for Product Education (editors and up): the same numbers as the report pages."""

from __future__ import annotations

from flask import jsonify

from kb import permissions
from kb.api import api_blueprint as bp
from kb.api.args import query_args
from kb.api.insights_schemas import InsightsArgs
from kb.auth import current_actor
from kb.insights import articles, contact, macros, ranges, searches


def _range():
    permissions.require_insights_reader(current_actor())
    args = query_args(InsightsArgs())
    day = {k: v.isoformat() for k, v in args.items() if v is not None}
    return ranges.parse(day.get("from_"), day.get("to"), strict=False)


@bp.get("/insights/searches")
def insights_searches():
    """Searches in a date range: the total, the top queries and the queries that found nothing.
    A search-as-you-type burst counts once (its last query).
    ---
    get:
      tags: [insights]
      parameters:
      - {in: query, schema: InsightsArgs}
      responses:
        200: {content: {application/json: {schema: InsightsSearchesOut}}}
        403: Forbidden
    """
    found = searches.report(_range())
    return jsonify({
        "from": found.range.start.isoformat(), "to": found.range.end.isoformat(),
        "total": found.total,
        "top": [{"query": r.query, "count": r.searches, "clicks": r.clicked} for r in found.top],
        "zero_results": [{"query": r.query, "count": r.zero_results} for r in found.zero_results],
    })


@bp.get("/insights/articles")
def insights_articles():
    """Views and votes per article in a date range.
    ---
    get:
      tags: [insights]
      parameters:
      - {in: query, schema: InsightsArgs}
      responses:
        200: {content: {application/json: {schema: InsightsArticlesOut}}}
        403: Forbidden
    """
    found = articles.report(_range())
    return jsonify({"articles": [
        {"id": r.id, "slug": r.slug, "title": r.title, "views": r.views, "helpful": r.helpful,
         "not_helpful": r.not_helpful} for r in found.rows]})


@bp.get("/insights/macros")
def insights_macros():
    """Uses per shared macro in a date range, and when each was last used.
    ---
    get:
      tags: [insights]
      parameters:
      - {in: query, schema: InsightsArgs}
      responses:
        200: {content: {application/json: {schema: InsightsMacrosOut}}}
        403: Forbidden
    """
    found = macros.report(_range())
    return jsonify({"macros": [
        {"id": r.id, "title": r.title, "uses": r.uses,
         "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None}
        for r in found.rows]})


def _counts(row) -> dict:
    return {"started": row.started, "deflected": row.deflected, "sent": row.sent,
            "waiting": row.waiting}


@bp.get("/insights/contact")
def insights_contact():
    """Contact requests in a date range: form sessions started, deflected (an opened suggested
    article and no request within `KB_CONTACT_DEFLECTION_MINUTES`) and requests sent; per day
    and topic, the articles that deflect most and the topics that never do.
    ---
    get:
      tags: [insights]
      parameters:
      - {in: query, schema: InsightsArgs}
      responses:
        200: {content: {application/json: {schema: InsightsContactOut}}}
        403: Forbidden
    """
    found = contact.report(_range())
    return jsonify({
        "from": found.range.start.isoformat(), "to": found.range.end.isoformat(),
        **_counts(found.totals),
        "days": [{"day": d.day.isoformat(), **_counts(d)} for d in found.days],
        "topics": [{"topic": t.topic, "name": t.name, **_counts(t)} for t in found.topics],
        "articles": [{"id": a.id, "slug": a.slug, "title": a.title, "deflections": a.deflections}
                     for a in found.articles],
        "never_deflect": [{"topic": t.topic, "name": t.name, **_counts(t)}
                          for t in found.never_deflect],
    })
