"""The public help center: home, categories, sections, articles, search, feedback, sitemap, health.

Every page asks :mod:`kb.permissions` (through :mod:`kb.helpcenter.listings` and the search service)
what the reader may see; anything else answers the one 404 page, so a draft, an internal
article or an archived one is indistinguishable from a page that never existed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload
from werkzeug.http import is_resource_modified

from kb import locales, permissions
from kb.auth import current_actor_or_none
from kb.content import queries
from kb.errors import NotFoundError, ValidationError
from kb.extensions import db
from kb.extensions import csrf
from kb.helpcenter import feedback, listings, localized
from kb.insights import events as insight_events
from kb.models import Document
from kb.models.content import ARTICLE, KINDS, Section
from kb.models.types import utcnow
from kb.search import failures as index_failures, indexer, promoted, service as search_service
from kb.throttle import client_address, public_form
from kb.web import locale as reader
from kb.web.locale import article_url

bp = Blueprint("web", __name__)

PAGE_SIZE = 10
#: The search service stops paging at MAX_OFFSET results.
LAST_PAGE = search_service.MAX_OFFSET // PAGE_SIZE


@bp.get("/")
def home():
    tree = listings.tree(current_actor_or_none(), feedback.helpful_counts(), reader.reader_locale())
    return reader.varies(Response(render_template("help/home.html", tree=tree,
                                                  top=listings.TOP_PER_SECTION)))


@bp.get("/categories/<slug>")
def category(slug: str):
    listing = listings.category(current_actor_or_none(), slug, reader.reader_locale())
    if listing is None:
        abort(404)
    return reader.varies(Response(render_template("help/category.html", listing=listing)))


@bp.get("/categories/<category_slug>/<section_slug>")
def section(category_slug: str, section_slug: str):
    found = listings.section(current_actor_or_none(), category_slug, section_slug, reader.reader_locale())
    if found is None:
        abort(404)
    listing, item = found
    return reader.varies(Response(render_template("help/section.html", listing=listing, item=item)))


@bp.get("/articles/<slug>")
def article_any_locale(slug: str):
    """The address articles had before locales: to the article in the reader's best locale
    (an old slug answers 301 as before, now to the locale's address)."""
    found = localized.unprefixed(current_actor_or_none(), reader.reader_locale(), slug)
    if found.redirect is None:
        abort(404)
    return reader.varies(redirect(found.redirect, code=found.code))


@bp.post("/language")
@csrf.exempt  # only a preference cookie: a forged choice changes nothing but a language
def choose_locale():
    """The language picker: remember the choice, then the same page in that language."""
    wanted = request.form.get("locale", "")
    if locales.find(wanted) is None:
        abort(400)
    target = localized.switch_target(current_actor_or_none(), request.form.get("next"), locales.find(wanted))
    return reader.choose(wanted, request.form.get("next"), target)


@bp.get("/<locale>/articles/<slug>")
def article(locale: str, slug: str):
    """An article from its stored HTML; 304 when the reader's copy is current. A locale with no
    readable translation shows the default locale's version with a notice."""
    actor = current_actor_or_none()
    if locales.find(locale) != locale:
        abort(404)
    # Redirects go only to a page the reader may read: a 301 to a draft's or an internal
    # page's new address would tell that it exists and what it is called.
    found = localized.find(actor, locale, slug)
    if found.redirect is not None:
        return redirect(found.redirect, code=found.code)
    document = found.document
    reader.page_locale(locale)
    revision = _readable_revision(actor, document)
    insight_events.count_view(document.id)
    vote = feedback.reader_vote(document, feedback.voter_key(_reader(actor)[0]))
    staff_summary = feedback.summary(document) if permissions.is_staff(actor) else None
    tools = staff_tools(actor, document)
    etag, modified = _article_validators(actor, document, revision, vote, staff_summary, tools)
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        response = Response(status=304)
    else:
        response = Response(render_template(
            "help/article.html", document=document, revision=revision, vote=vote,
            staff_summary=staff_summary, neighbours=listings.neighbours(actor, document, revision),
            related=_related_articles(actor, document), staff_tools=tools,
            max_comment=feedback.MAX_COMMENT, fallback=found.fallback(locale),
            alternates=localized.alternates(actor, document), locale=locale,
        ))
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.private = True
    response.cache_control.no_cache = True
    if actor is not None:  # staff links and notices: no cache may keep a signed-in page
        response.cache_control.no_store = True
    return response


#: The states of an unpublished revision staff are told about on the live page.
PENDING = {
    "draft": _l("A newer draft of this article is being written"),
    "changes_requested": _l("A newer draft of this article has changes requested"),
    "in_review": _l("A newer draft is in review"),
    "approved": _l("A newer revision is approved and waiting to be published"),
}


def staff_tools(actor, document) -> dict | None:
    """What staff who may edit see on the public page: the Edit link, and a notice of a newer
    revision still in the workflow with a link to its review. None for everyone else."""
    if document is None or not permissions.may_edit(actor, document):
        return None
    latest = document.latest
    pending = (PENDING.get(latest.state) if latest is not None and document.published_revision_id
               != latest.id else None)
    return {"edit_url": url_for("editor.edit", kind="articles", document_id=document.id),
            "review_url": url_for("editor.review", kind="articles", document_id=document.id),
            "pending": pending and str(pending), "latest_id": latest.id if latest else None}


@bp.post("/articles/<slug>/feedback", defaults={"locale": None})
@bp.post("/<locale>/articles/<slug>/feedback")
@public_form("feedback")
def article_feedback(slug: str, locale: str | None):
    """Record the reader's "Was this helpful?" answer, then back to the article."""
    actor = current_actor_or_none()
    if locale is not None and locales.find(locale) != locale:
        abort(404)
    document, _moved = queries.find_by_slug(ARTICLE, slug, locale)  # old slugs redirect for reading only
    revision = _readable_revision(actor, document)
    helpful = feedback.parse_helpful(request.form.get("helpful"))
    reader, remember = _reader(actor)
    feedback.record_vote(document, revision, feedback.voter_key(reader), helpful,
                         request.form.get("comment"))
    response = redirect(article_url(document, _anchor="feedback"), code=303)
    if remember:
        response.set_cookie(
            feedback.VOTER_COOKIE, feedback.sign_reader_id(current_app.secret_key, reader),
            max_age=feedback.VOTER_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


@bp.get("/search")
@public_form("search", only_when=lambda: bool(request.args.get("q", "").strip()))
def search_page():
    actor = current_actor_or_none()
    query = request.args.get("q", "").strip()
    page = _page_number(request.args.get("page", "1"))
    filters = _search_filters(actor)
    results = None
    if query:
        results = promoted.search(
            actor, query,
            kind=filters["type"] or (None if permissions.is_staff(actor) else ARTICLE),
            category=filters["category"] or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
            surface="page", locale=reader.reader_locale(),
        )
    categories = [listing.category for listing in listings.tree(actor, locale=reader.reader_locale())]
    clicks = _click_links(results, (page - 1) * PAGE_SIZE)
    return reader.varies(Response(render_template("help/search.html", query=query, results=results, page=page,
                           clicks=clicks,
                           page_size=PAGE_SIZE, filters=filters, categories=categories,
                           staff=permissions.is_staff(actor),
                           edit_url=lambda document: (url_for(
                               "editor.edit", kind="articles" if document.kind == ARTICLE else "macros",
                               document_id=document.id) if permissions.may_edit(actor, document) else None),
                           may_pin=permissions.may_pin_answers(actor),
                           sections=_sections_of(results))))


@bp.get("/search/click/<token>")
def search_click(token: str):
    """Follow a search result: record the click (which search, which result, its rank), then
    redirect to the result's page. The target comes from the document id, never the URL."""
    actor = current_actor_or_none()
    try:
        click = insight_events.read_click(token)
    except NotFoundError:
        abort(404)
    document = db.session.get(Document, click.document_id)
    if document is None or permissions.readable_published(actor, document) is None:
        abort(404)
    if document.kind == ARTICLE:
        target = article_url(document)
    elif "agent.macro" in current_app.view_functions:
        target = url_for("agent.macro", document_id=document.id)
    else:
        abort(404)
    insight_events.record_click(click)
    return redirect(target, code=302)


def _click_links(results, offset: int) -> dict[int, str]:
    """Document id -> the click-through URL of its result on this page."""
    if not results or not results.burst:
        return {}
    return {item.document.id: url_for("web.search_click", token=insight_events.click_token(
        results.burst, item.document.id, offset + n + 1)) for n, item in enumerate(results.results)}


@bp.get("/sitemap.xml")
def sitemap():
    articles = queries.published_public_articles()
    families: dict[int, list] = {}
    for document, _revision in articles:
        families.setdefault(document.translation_of_id or document.id, []).append(document)
    xml = render_template("help/sitemap.xml", articles=articles, families=families)
    return Response(xml, mimetype="application/xml")


@bp.get("/healthz")
def healthz():
    checks = {"database": "ok", "index": "ok"}
    status = 200
    try:
        db.session.execute(db.select(1))
    except Exception as exc:  # a health check reports, it never raises
        checks["database"] = f"error: {exc.__class__.__name__}"
        status = 503
    lag = None
    try:
        lag = indexer.lag()
    except Exception as exc:
        checks["index"] = f"error: {exc.__class__.__name__}"
        status = 503
    body = {"status": "ok" if status == 200 else "unavailable", "checks": checks, "index": lag}
    try:
        failing = index_failures.listing()
    except Exception as exc:
        failing = []
        checks["index_failures"] = f"error: {exc.__class__.__name__}"
    stuck = [f.document_id for f in failing if f.set_aside]
    if stuck and status == 200:
        checks["index"] = "degraded"
        body["status"], status = "degraded", 503
    body["stuck_documents"] = stuck
    # Ids and counts only: this page is public, and an error may quote an internal document
    # (``kb reindex`` and the log give the errors).
    body["index_failures"] = [{"document_id": f.document_id, "revision_id": f.revision_id,
                               "tries": f.tries, "set_aside": f.set_aside} for f in failing]
    return jsonify(body), status


def _readable_revision(actor, document):
    """The published revision the actor may read; anything else aborts with the one 404 page."""
    revision = permissions.readable_published(actor, document) if document else None
    if revision is None:
        abort(404)
    return revision


def _reader(actor) -> tuple[str, bool]:
    """(who is voting, whether to give them a voter cookie): the account when signed in, else
    the voter cookie, else one reader per address per day (see :mod:`kb.helpcenter.feedback`)."""
    if actor is not None:
        return feedback.account_reader_id(actor.id), False
    secret = current_app.secret_key
    from_cookie = feedback.reader_id_from_cookie(secret, request.cookies.get(feedback.VOTER_COOKIE))
    if from_cookie:
        return from_cookie, False
    return feedback.daily_reader_id(secret, client_address(), utcnow().date()), True


def _article_validators(actor, document, revision, vote, staff_summary,
                        tools=None) -> tuple[str, datetime]:
    """(ETag, Last-Modified) over everything an article page shows: its content, neighbours and
    related list (the content version), the reader's vote, staff tallies and the session's
    CSRF secret (a cached form must carry a token that still works)."""
    version, changed_at = listings.content_version()
    parts = (revision.id, document.slug, actor.id if actor else 0, version, _csrf_secret(), request.path,
             vote and (vote.helpful, vote.comment, vote.created_at),
             staff_summary and (staff_summary.total, staff_summary.yes, staff_summary.last_at),
             tools and (tools["latest_id"], tools["pending"]))
    etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    modified = max(t for t in (revision.created_at, changed_at, vote and vote.created_at,
                               staff_summary and staff_summary.last_at) if t)
    return etag, modified


def _csrf_secret() -> str:
    """This session's CSRF secret (created if missing); the signed token on the page derives from
    it and never expires, so a cached page's form keeps working while the secret is the same."""
    generate_csrf()
    return str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))


def _page_number(value: str) -> int:
    """:raises ValidationError: the page is not a whole number from 1 up."""
    try:
        page = int(value)
    except ValueError:
        raise ValidationError(_("page must be a whole number"), field="page") from None
    if page < 1 or page > LAST_PAGE:
        raise ValidationError(_("page must be between 1 and %(last)s", last=LAST_PAGE), field="page")
    return page


def _search_filters(actor) -> dict[str, str]:
    """The filters the reader chose; ``type`` is a staff filter and ignored for everyone else."""
    kind = request.args.get("type", "").strip()
    if not permissions.is_staff(actor) or kind not in KINDS:
        kind = ""
    return {"category": request.args.get("category", "").strip()[:120], "type": kind}


def _sections_of(results) -> dict[int, object]:
    """Document id -> the section its published revision sits in, for result breadcrumbs."""
    if not results:
        return {}
    wanted = {item.document.section_id for item in results.results} - {None}
    sections = {s.id: s for s in db.session.execute(
        db.select(Section).where(Section.id.in_(wanted)).options(joinedload(Section.category))
    ).scalars()} if wanted else {}
    return {item.document.id: sections[item.document.section_id] for item in results.results
            if item.document.section_id in sections}


def _related_articles(actor, document) -> list[listings.Link]:
    """Related articles (never macros, which have their own screens); none if the index is down."""
    def find() -> list[int]:
        try:
            found = search_service.related(actor, document)
        except Exception:  # the page is still worth showing without its related list
            current_app.logger.warning("related articles unavailable for %s", document.slug,
                                       exc_info=True)
            return []
        return [item.document.id for item in found if item.hit.kind == ARTICLE]

    return listings.related(actor, document, find)
