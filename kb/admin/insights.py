"""The insights pages (editors and up): searches, articles, macros and content health, each
with a date range, charts with their numbers in a table, and the same rows as CSV."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent, gettext as _
from flask_babel import lazy_gettext as _l

from kb.admin import charts, tables
from kb.auth import page_requires
from kb.errors import KbError, ValidationError
from kb.insights import articles, contact, health, macros, ranges, searches
from kb.models import User
from kb.search import promoted
from kb.permissions import INSIGHTS_ROLE
from kb.web.link_flags import flag_message

bp = Blueprint("insights", __name__, url_prefix="/admin/insights")

PAGES = (("insights.searches", _l("Searches")), ("insights.articles", _l("Articles")),
         ("insights.macros", _l("Macros")), ("insights.contact", _l("Contact")),
         ("insights.health", _l("Content health")))

#: The tables' column names on the page (the CSV keeps tables.*_HEAD, in English).
QUERY_LABELS = [_l("query"), _l("searches"), _l("zero results"), _l("clicked searches"),
                _l("click-through"), _l("average results"), _l("average click rank")]
ARTICLE_LABELS = [_l("id"), _l("slug"), _l("title"), _l("status"), _l("visibility"), _l("views"),
                  _l("helpful"), _l("not helpful"), _l("helpful ratio"), _l("comments"),
                  _l("search impressions"), _l("search clicks"), _l("review by")]
MACRO_LABELS = [_l("id"), _l("slug"), _l("title"), _l("uses"), _l("last used")]
HEALTH_LABELS = [_l("problem"), _l("kind"), _l("id"), _l("title"), _l("detail")]
CONTACT_LABELS = [_l("topic"), _l("started"), _l("deflected"), _l("sent"), _l("waiting"),
                  _l("deflection rate")]

#: Fixed values the reports show (states, visibility, kinds), in the page's language.
TERMS = {"published": _l("published"), "draft": _l("draft"), "in_review": _l("in review"),
         "changes_requested": _l("changes requested"), "approved": _l("approved"),
         "archived": _l("archived"), "scheduled": _l("scheduled"), "public": _l("public"),
         "internal": _l("internal"), "article": _l("article"), "macro": _l("macro"),
         "search": _l("search"), "live": _l("live"), "inactive": _l("inactive"),
         "staff only": _l("staff only")}

#: The article report's sort orders, as the select offers them.
SORTS = (("views", _l("Views")), ("helpful", _l("Helpful votes")),
         ("not_helpful", _l("Not helpful votes")), ("ratio", _l("Least helpful first")),
         ("comments", _l("Comments")), ("impressions", _l("Search impressions")),
         ("clicks", _l("Search clicks")), ("review_by", _l("Review date")), ("title", _l("Title")))


def term(value: str) -> str:
    """A report's fixed value (``published``, ``internal``…) in the page's language."""
    found = TERMS.get(value)
    return str(found) if found is not None else value


def _percent(value: float | None) -> str:
    return "" if value is None else format_percent(value)


def _number(value: float | None) -> str:
    return "" if value is None else format_decimal(value, format="#,##0.0")


def _day(value) -> str:
    return format_date(value, "medium")


def _minute(value) -> str:
    return format_datetime(value, "short")


def _span() -> ranges.DateRange:
    return ranges.parse(request.args.get("from") or None, request.args.get("to") or None)


def _csv(name: str, span: ranges.DateRange | None, rows: list[list]) -> Response:
    suffix = f"-{span.start.isoformat()}-{span.end.isoformat()}" if span else ""
    return Response(tables.to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kb-{name}{suffix}.csv"'})


def _page(template: str, status: int = 200, **context):
    return render_template(f"admin/insights/{template}", pages=PAGES, term=term,
                           flag_message=flag_message, **context), status


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
    days = [_day(v.day) for v in found.volume]
    volume = charts.line(
        _("Searches per day"), _("Searches per day from %(start)s to %(end)s: %(total)s in all, "
                                 "%(zero)s that found nothing.", start=days[0] if days else "",
                                 end=days[-1] if days else "", total=found.total,
                                 zero=found.zero_total),
        days, {_("Searches"): [v.searches for v in found.volume],
               _("Found nothing"): [v.zero_results for v in found.volume]})
    top = charts.bars(_("Top queries"),
                      _("The most searched queries and their number of searches."),
                      [r.query for r in found.top[:10]], [r.searches for r in found.top[:10]])
    zero = charts.bars(_("Top queries that found nothing"),
                       _("The queries that most often found no result, by number of searches."),
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
                 zero_rows=[[r.query, r.zero_results] for r in found.zero_results[:10]],
                 head=QUERY_LABELS,
                 rows=partial(tables.query_rows, percent=_percent, number=_number),
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
    ratio = charts.bars(_("Helpful ratio"), _("Share of helpful votes for the most voted "
                                              "articles, in percent."), [r.title for r in voted],
                        [round(100 * r.ratio) for r in voted], maximum=100)
    viewed = sorted(found.rows, key=lambda r: (-r.views, r.title))[:10]
    views = charts.bars(_("Most viewed articles"), _("Page views of the most viewed articles."),
                        [r.title for r in viewed], [r.views for r in viewed])
    return _page("articles.html", report=found, span=span, sort=sort, ratio=ratio, views=views,
                 ratio_rows=[[r.title, round(100 * r.ratio)] for r in voted],
                 view_rows=[[r.title, r.views] for r in viewed], min_votes=articles.MIN_VOTES,
                 head=ARTICLE_LABELS, review_url=_review_url(), sorts=SORTS,
                 sort_label=dict(SORTS).get(sort, sort),
                 rows=partial(tables.article_rows, term=term, percent=_percent, day=_day),
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
        flash(_("Comment marked handled."), "success")
    except KbError as error:
        flash(_("That did not work: %(reason)s.", reason=error.message), "error")
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
    days = [_day(d) for d, _n in found.volume]
    uses = charts.line(_("Macro uses per day"),
                       _("Macro uses per day: %(total)s in all.", total=found.total), days,
                       {_("Uses"): [n for _day_, n in found.volume]})
    used = [r for r in found.rows if r.uses][:10]
    top = charts.bars(_("Most used macros"), _("Uses of the most used macros in the range."),
                      [r.title for r in used], [r.uses for r in used])
    return _page("macros.html", report=found, span=span, uses=uses, top=top,
                 use_rows=[[d, n] for d, (_, n) in zip(days, found.volume)],
                 top_rows=[[r.title, r.uses] for r in used], rarely=macros.RARELY,
                 head=MACRO_LABELS, rows=partial(tables.macro_rows, _=_, when=_minute),
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
    days = [_day(d.day) for d in found.days]
    totals = found.totals
    volume = charts.line(
        _("Contact requests per day"), _("Per day: %(started)s started, %(deflected)s answered "
                                         "by an article (deflected), %(sent)s sent.",
                                         started=totals.started, deflected=totals.deflected,
                                         sent=totals.sent), days,
        {_("Started"): [d.started for d in found.days],
         _("Deflected"): [d.deflected for d in found.days],
         _("Sent"): [d.sent for d in found.days]})
    top = found.articles[:10]
    deflecting = charts.bars(_("Articles that deflect most"), _("Form sessions that ended on "
                                                              "each article instead of a request."),
                             [a.title for a in top],
                             [a.deflections for a in top])
    return _page("contact.html", report=found, span=span, volume=volume, deflecting=deflecting,
                 volume_rows=[[day, d.started, d.deflected, d.sent]
                              for day, d in zip(days, found.days)],
                 article_rows=[[a.title, a.deflections] for a in top],
                 head=CONTACT_LABELS, rows=partial(tables.contact_rows, percent=_percent),
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
    parts = [(_("Review due"), len(found.review_due)), (_("Unhelpful"), len(found.unhelpful)),
             (_("Zero-result topics"), len(found.zero_results)),
             (_("Macro links"), sum(len(f) for _doc, f in found.flagged)),
             (_("Stale drafts"), len(found.stale_drafts))]
    summary = charts.bars(_("What needs attention"), _(
        "Items needing attention, by kind: %(counts)s.",
        counts=", ".join(f"{name} {n}" for name, n in parts)),
        [p[0] for p in parts], [p[1] for p in parts])
    shown = tables.health_rows(found, _=_, term=term, percent=_percent, day=_day,
                               number=format_decimal, flag_text=flag_message)
    return _page("health.html", report=found, summary=summary, parts_rows=[list(p) for p in parts],
                 head=HEALTH_LABELS, rows=list(zip(tables.health_rows(found), shown)),
                 recent_days=health.RECENT_DAYS, stale_days=health.STALE_DRAFT_DAYS)
