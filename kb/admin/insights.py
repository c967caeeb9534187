"""The insights pages (editors and up): searches, articles, macros and content health, each
with a date range, charts with their numbers in a table, and the same rows as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from kb.admin import charts, tables
from kb.auth import page_requires
from kb.errors import KbError, ValidationError
from kb.insights import articles, contact, health, macros, ranges, searches
from kb.models import User
from kb.search import promoted
from kb.permissions import INSIGHTS_ROLE

bp = Blueprint("insights", __name__, url_prefix="/admin/insights")

PAGES = (("insights.searches", "Searches"), ("insights.articles", "Articles"),
         ("insights.macros", "Macros"), ("insights.contact", "Contact"),
         ("insights.health", "Content health"))


def _span() -> ranges.DateRange:
    return ranges.parse(request.args.get("from") or None, request.args.get("to") or None)


def _csv(name: str, span: ranges.DateRange | None, rows: list[list]) -> Response:
    suffix = f"-{span.start.isoformat()}-{span.end.isoformat()}" if span else ""
    return Response(tables.to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kb-{name}{suffix}.csv"'})


def _page(template: str, status: int = 200, **context):
    return render_template(f"admin/insights/{template}", pages=PAGES, **context), status


def _refused(template: str, error: ValidationError):
    """A bad range answers the page with the message and the form to fix it."""
    return _page(template, error.status, error=error, span=None, report=None,
                 args={k: request.args.get(k, "") for k in ("from", "to", "scope", "sort")})


@bp.get("/")
@page_requires(INSIGHTS_ROLE)
def index(user: User):
    return redirect(url_for("insights.health"))


@bp.get("/charts.css")
def stylesheet():
    response = Response(charts.stylesheet(), mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


# -- searches -----------------------------------------------------------------------------------

@bp.get("/searches", endpoint="searches")
@bp.get("/searches.csv", endpoint="searches_csv")
@page_requires(INSIGHTS_ROLE)
def searches_page(user: User):
    try:
        span, scope = _span(), searches.parse_scope(request.args.get("scope") or None)
    except ValidationError as error:
        return _refused("searches.html", error)
    found = searches.report(span, scope)
    if request.path.endswith(".csv"):
        return _csv("searches", span, tables.searches_csv(found))
    days = [v.day.isoformat() for v in found.volume]
    volume = charts.line(
        "Searches per day", f"Searches per day from {days[0] if days else ''} to "
        f"{days[-1] if days else ''}: {found.total} in all, {found.zero_total} that found nothing.",
        days, {"Searches": [v.searches for v in found.volume],
               "Found nothing": [v.zero_results for v in found.volume]})
    top = charts.bars("Top queries", "The most searched queries and their number of searches.",
                      [r.query for r in found.top[:10]], [r.searches for r in found.top[:10]])
    zero = charts.bars("Top queries that found nothing",
                       "The queries that most often found no result, by number of searches.",
                       [r.query for r in found.zero_results[:10]],
                       [r.zero_results for r in found.zero_results[:10]])
    searched: dict[str, int] = {}
    for row in found.top:  # "Reset password?" and "reset password" are one pinned question
        key = promoted.normalise(row.query)
        searched[key] = searched.get(key, 0) + row.searches
    pins = [(pin, searched.get(pin.query, 0)) for pin in promoted.promoted_answers()]
    return _page("searches.html", report=found, span=span, scope=scope, volume=volume, top=top,
                 pins=pins,
                 zero=zero, volume_rows=[[d, v.searches, v.zero_results]
                                         for d, v in zip(days, found.volume)],
                 top_rows=[[r.query, r.searches] for r in found.top[:10]],
                 zero_rows=[[r.query, r.zero_results] for r in found.zero_results[:10]], head=tables.QUERY_HEAD, rows=tables.query_rows,
                 args={"from": span.start.isoformat(), "to": span.end.isoformat(),
                       "scope": scope or ""})


# -- articles -----------------------------------------------------------------------------------

@bp.get("/articles", endpoint="articles")
@bp.get("/articles.csv", endpoint="articles_csv")
@page_requires(INSIGHTS_ROLE)
def articles_page(user: User):
    try:
        span, sort = _span(), articles.parse_sort(request.args.get("sort") or None)
    except ValidationError as error:
        return _refused("articles.html", error)
    found = articles.report(span, sort)
    if request.path.endswith(".csv"):
        return _csv("articles", span, [tables.ARTICLE_HEAD, *tables.article_rows(found.rows)])
    voted = sorted((r for r in found.rows if r.votes), key=lambda r: (-r.votes, r.title))[:10]
    ratio = charts.bars("Helpful ratio", "Share of helpful votes for the most voted articles, "
                        "in percent.", [r.title for r in voted],
                        [round(100 * r.ratio) for r in voted], maximum=100)
    viewed = sorted(found.rows, key=lambda r: (-r.views, r.title))[:10]
    views = charts.bars("Most viewed articles", "Page views of the most viewed articles.",
                        [r.title for r in viewed], [r.views for r in viewed])
    return _page("articles.html", report=found, span=span, sort=sort, ratio=ratio, views=views,
                 ratio_rows=[[r.title, round(100 * r.ratio)] for r in voted],
                 view_rows=[[r.title, r.views] for r in viewed], min_votes=articles.MIN_VOTES,
                 head=tables.ARTICLE_HEAD, rows=tables.article_rows, review_url=_review_url(),
                 args={"from": span.start.isoformat(), "to": span.end.isoformat(), "sort": sort})


def _review_url() -> str:
    """The review page's address up to the article id: the table links every article, and
    building each link through the router cost more than the rest of its row."""
    return url_for("editor.review", kind="articles", document_id=0).removesuffix("0")


@bp.post("/comments/<int:feedback_id>/handled")
@page_requires(INSIGHTS_ROLE)
def comment_handled(user: User, feedback_id: int):
    try:
        articles.mark_handled(user, feedback_id)
        flash("Comment marked handled.", "success")
    except KbError as error:
        flash(f"That did not work: {error.message}.", "error")
    back = {k: v for k, v in request.form.items() if k in ("from", "to", "sort") and v}
    return redirect(url_for("insights.articles", **back, _anchor="comments"), code=303)


# -- macros -------------------------------------------------------------------------------------

@bp.get("/macros", endpoint="macros")
@bp.get("/macros.csv", endpoint="macros_csv")
@page_requires(INSIGHTS_ROLE)
def macros_page(user: User):
    try:
        span = _span()
    except ValidationError as error:
        return _refused("macros.html", error)
    found = macros.report(span)
    if request.path.endswith(".csv"):
        return _csv("macros", span, tables.macros_csv(found))
    days = [d.isoformat() for d, _ in found.volume]
    uses = charts.line("Macro uses per day", f"Macro uses per day: {found.total} in all.", days,
                       {"Uses": [n for _, n in found.volume]})
    used = [r for r in found.rows if r.uses][:10]
    top = charts.bars("Most used macros", "Uses of the most used macros in the range.",
                      [r.title for r in used], [r.uses for r in used])
    return _page("macros.html", report=found, span=span, uses=uses, top=top,
                 use_rows=[[d, n] for d, (_, n) in zip(days, found.volume)],
                 top_rows=[[r.title, r.uses] for r in used], rarely=macros.RARELY,
                 head=tables.MACRO_HEAD, rows=tables.macro_rows,
                 args={"from": span.start.isoformat(), "to": span.end.isoformat()})


# -- contact ------------------------------------------------------------------------------------

@bp.get("/contact", endpoint="contact")
@bp.get("/contact.csv", endpoint="contact_csv")
@page_requires(INSIGHTS_ROLE)
def contact_page(user: User):
    try:
        span = _span()
    except ValidationError as error:
        return _refused("contact.html", error)
    found = contact.report(span)
    if request.path.endswith(".csv"):
        return _csv("contact", span, tables.contact_csv(found))
    days = [d.day.isoformat() for d in found.days]
    totals = found.totals
    volume = charts.line(
        "Contact requests per day", f"Per day: {totals.started} started, {totals.deflected} "
        f"answered by an article (deflected), {totals.sent} sent.", days,
        {"Started": [d.started for d in found.days], "Deflected": [d.deflected for d in found.days],
         "Sent": [d.sent for d in found.days]})
    top = found.articles[:10]
    deflecting = charts.bars("Articles that deflect most", "Form sessions that ended on each "
                             "article instead of a request.", [a.title for a in top],
                             [a.deflections for a in top])
    return _page("contact.html", report=found, span=span, volume=volume, deflecting=deflecting,
                 volume_rows=[[d.day.isoformat(), d.started, d.deflected, d.sent]
                              for d in found.days],
                 article_rows=[[a.title, a.deflections] for a in top],
                 head=tables.CONTACT_HEAD, rows=tables.contact_rows,
                 window=int(contact.window().total_seconds() // 60),
                 args={"from": span.start.isoformat(), "to": span.end.isoformat()})


# -- content health -----------------------------------------------------------------------------

@bp.get("/health", endpoint="health")
@bp.get("/health.csv", endpoint="health_csv")
@page_requires(INSIGHTS_ROLE)
def health_page(user: User):
    found = health.report()
    if request.path.endswith(".csv"):
        return _csv("content-health", None, [tables.HEALTH_HEAD, *tables.health_rows(found)])
    parts = [("Review due", len(found.review_due)), ("Unhelpful", len(found.unhelpful)),
             ("Zero-result topics", len(found.zero_results)),
             ("Macro links", sum(len(f) for _, f in found.flagged)),
             ("Stale drafts", len(found.stale_drafts))]
    summary = charts.bars("What needs attention", "Items needing attention, by kind: " + ", ".join(
        f"{name} {n}" for name, n in parts) + ".", [p[0] for p in parts], [p[1] for p in parts])
    return _page("health.html", report=found, summary=summary, parts_rows=[list(p) for p in parts],
                 head=tables.HEALTH_HEAD, rows=tables.health_rows(found),
                 recent_days=health.RECENT_DAYS, stale_days=health.STALE_DRAFT_DAYS)
