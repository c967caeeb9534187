"""The agent workspace: the macro library, a macro's page, suggestions, favourites, flags.

Every page works without JavaScript (server-rendered lists, GET forms, POST forms with the
CSRF token); ``static/js/library.js``, ``macro.js`` and ``suggest.js`` make the same pages
answer as the agent types. Anonymous visitors are sent to sign in; nothing here is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_number, gettext as _
from werkzeug.routing import BuildError

from kb import locales, permissions
from kb.auth import page_requires
from kb.content import queries
from kb.content.render_budget import RenderRefusedError
from kb.errors import NotFoundError, ValidationError
from kb.insights import events as insight_events
from kb.macros import library, links, placeholders
from kb.macros import services as macro_services
from kb.models import Document, Role, User
from kb.models.content import ARTICLE, MACRO
from kb.search import service as search_service
from kb.search import suggesting
from kb.web.link_flags import flag_message
from kb.web.locale import article_url

bp = Blueprint("agent", __name__)

#: Macros listed per page when browsing without a query.
PAGE_SIZE = 100
#: Search results shown for a query (within the category, when one is chosen).
SEARCH_LIMIT = 50
#: Help-center articles offered when a macro search finds nothing.
NO_RESULT_ARTICLES = 3
MAX_QUERY = 512
MAX_TICKET = 20_000


@dataclass(frozen=True)
class SearchItem:
    """A search result as the library shows it: macros open in the workspace, articles on the site."""

    kind: str
    id: int
    name: str
    path: tuple[str, ...]
    snippet: str
    url: str
    personal: bool
    internal: bool
    #: Where opening the result goes: through the click redirect when the search was logged,
    #: so insights count the click for its search and rank.
    open_url: str = ""


def _search_item(result: search_service.Result, burst: str | None = None,
                 rank: int = 0) -> SearchItem:
    document, hit = result.document, result.hit
    if hit.kind == MACRO:
        path, name = library.split_title(hit.title)
        url = url_for("agent.macro", document_id=document.id)
    else:
        path, name = (), hit.title
        url = article_url(document)
    internal = hit.kind == ARTICLE and document.visibility == "internal"
    clicked = url_for("web.search_click", token=insight_events.click_token(
        burst, document.id, rank)) if burst else url
    return SearchItem(hit.kind, document.id, name, path, hit.snippet, url,
                      personal=document.owner_id is not None, internal=internal, open_url=clicked)


@dataclass(frozen=True)
class LibraryResults:
    """What a library search shows: its results, the engine's correction of a misspelled
    query, and for an empty result the help-center articles that match instead."""

    items: list[SearchItem]
    suggestion: str | None
    articles: list[SearchItem]


def library_search(actor: User, query: str, category: str | None, tag: str | None,
                   kind: str | None, locale: str | None = None) -> LibraryResults:
    """Macros (and, unless narrowed, the articles agents may read) for a query.

    The category, at any depth, is filtered by the index before the limit (the same search
    the API runs), so a deep category never loses matches to a crowded one. ``locale`` is the
    customer's language: the query is read in it and answered in it, or in the default
    locale's when it has nothing (None: every language)."""
    if category or kind == MACRO:
        kind = MACRO
    elif kind != ARTICLE:
        kind = None
    found = search_service.search(actor, query, kind=kind, category=category, tag=tag or None,
                                  limit=SEARCH_LIMIT, surface="library", locale=locale)
    items = [_search_item(r, found.burst, rank) for rank, r in enumerate(found.results, start=1)]
    articles: list[SearchItem] = []
    suggestion = found.suggestion
    if not items and kind == MACRO:
        # Nothing among the macros: the help center may still answer the customer, and its
        # words may correct a typo the (fewer) macros' words could not.
        others = search_service.search(actor, suggestion or query, kind=ARTICLE,
                                       limit=NO_RESULT_ARTICLES, logged=False, locale=locale)
        articles = [_search_item(r) for r in others.results]
        suggestion = suggestion or others.suggestion
    return LibraryResults(items, suggestion, articles)


def _args() -> tuple[str, str | None, str | None, str | None, int]:
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    category = request.args.get("category", "").strip() or None
    tag = request.args.get("tag", "").strip().lower() or None
    kind = request.args.get("type", "").strip() or None
    if kind not in (None, MACRO, ARTICLE):
        raise ValidationError("type must be macro or article", field="type")
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        raise ValidationError("page must be a whole number", field="page") from None
    return query, category, tag, kind, page


def _customer_locale(value: str | None) -> str | None:
    """The customer's language chosen in the library (``locale``), None for every language."""
    value = (value or "").strip()
    return locales.check(value, "locale") if value else None


def _library_page(user: User, suggestion=None, ticket: str = "", status: int = 200,
                  locale: str | None = None):
    query, category, tag, kind, page = _args()
    locale = locale or _customer_locale(request.args.get("locale"))
    everything = library.entries(user)
    found = library_search(user, query, category, tag, kind, locale) if query else None
    browse = library.filtered(everything, category, tag)
    context = {
        "query": query, "category": category, "tag": tag, "kind": kind, "page": page,
        "tree": library.category_tree(everything), "tags": library.tag_counts(everything),
        "browse": browse[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "browse_total": len(browse),
        "page_size": PAGE_SIZE,
        "found": found, "results": found.items if found else None,
        "favourites": library.entries_for(user, macro_services.favourites(user)),
        "recent": library.entries_for(user, macro_services.recently_used(user)),
        "suggestion": suggestion, "ticket": ticket, "may_flag": user.has_role(Role.EDITOR),
        "locale": locale,
    }
    return render_template("agent/library.html", **context), status


@bp.get("/macros", endpoint="library")
@page_requires()
def library_page(user: User):
    return _library_page(user)


@bp.post("/macros/suggest")
@page_requires()
def suggest(user: User):
    """The no-JavaScript path of the suggestion box; ``suggest.js`` calls the API instead."""
    ticket = request.form.get("text", "").strip()
    locale = _customer_locale(request.form.get("locale"))
    if not ticket:
        flash(_("Paste the customer's message to get suggestions."), "error")
        return _library_page(user, status=400)
    if len(ticket) > MAX_TICKET:
        flash(_("The message is longer than %(limit)s characters; paste the relevant part.",
                limit=format_number(MAX_TICKET)), "error")
        return _library_page(user, ticket=ticket[:MAX_TICKET], status=400)
    found = suggesting.suggest(user, ticket, limit=8, locale=locale)
    items = [(_search_item(r), list(r.hit.matched)) for r in found.results]
    return _library_page(user, suggestion=items, ticket=ticket, locale=locale)


def _published_macro(user: User, document_id: int):
    document = queries.get_document(MACRO, document_id)
    revision = permissions.readable_published(user, document)
    if revision is None:
        raise NotFoundError(f"no published macro with id {document_id}")
    return document, revision


def edit_url(document: Document) -> str | None:
    """Where this macro is edited: the personal form, or the editor's screen when it exists."""
    if document.owner_id is not None:
        return url_for("agent.edit_personal", document_id=document.id)
    if "editor.edit" not in current_app.view_functions:
        return None
    for arguments in ({"kind": "macros", "document_id": document.id}, {"document_id": document.id}):
        try:
            return url_for("editor.edit", **arguments)
        except BuildError:
            continue
    return None


def diff_url(flag: links.LinkFlag) -> str | None:
    """Where an editor reads what changed in a linked article since the macro was confirmed."""
    if flag.reason != links.CHANGED or "editor.review" not in current_app.view_functions:
        return None
    return url_for("editor.review", kind="articles", document_id=flag.article_id,
                   **{"from": flag.confirmed_number, "to": flag.live_number})


@bp.get("/macros/<int:document_id>")
@page_requires()
def macro(user: User, document_id: int):
    document, revision = _published_macro(user, document_id)
    fields = _placeholder_fields(user, revision.body)
    values = {f["name"]: request.args[f["name"]] for f in fields if request.args.get(f["name"], "").strip()}
    refusal, status = None, 200
    try:
        preview = macro_services.preview_for_ticket(user, document.id, values, request.host_url)
    except RenderRefusedError as error:  # still show the page, so the macro can be fixed
        preview, refusal, status = macro_services.RenderedMacro("", "", []), error.message, 422
    path, name = library.split_title(revision.title)
    return render_template(
        "agent/macro.html", document=document, revision=revision, name=name, path=path,
        fields=fields, values=values, preview=preview, refusal=refusal, flags=links.flags_for(document),
        favourite=macro_services.is_favourite(user, document), edit_url=edit_url(document),
        diff_url=diff_url, may_confirm=user.has_role(Role.EDITOR), flag_message=flag_message,
    ), status


@bp.post("/macros/<int:document_id>/confirm-links")
@page_requires(Role.EDITOR)
def confirm_links(user: User, document_id: int):
    """An editor read the changed articles and the macro still fits them."""
    links.confirm(user, document_id)
    flash(_("Confirmed: the macro fits the linked articles as they are now."), "success")
    if request.form.get("return_to") == "flagged":
        return redirect(url_for("agent.flagged"))
    return redirect(url_for("agent.macro", document_id=document_id))


def _placeholder_fields(user: User, body: str) -> list[dict]:
    """The fill-in form: each placeholder once, with its default or the agent's own details."""
    defaults: dict[str, str | None] = {}
    for found in placeholders.parse(body):
        defaults.setdefault(found.name, found.default)
    own = {"agent.name": user.name, "agent.email": user.email}
    fields, ids = [], set()
    for name, default in defaults.items():
        field_id = "ph-" + name.replace(".", "-").replace("_", "-").lower()
        while field_id in ids:  # "a_b" and "a.b" would otherwise share an id
            field_id += "-"
        ids.add(field_id)
        fields.append({"name": name, "id": field_id, "hint": own.get(name) or default})
    return fields


@bp.post("/macros/<int:document_id>/favourite")
@page_requires()
def favourite(user: User, document_id: int):
    wanted = request.form.get("favourite") == "1"
    macro_services.set_favourite(user, document_id, wanted)
    flash(_("Added to your favourites.") if wanted else _("Removed from your favourites."),
          "success")
    if request.form.get("return_to") == "library":
        return redirect(url_for("agent.library"))
    return redirect(url_for("agent.macro", document_id=document_id))


@bp.get("/macros/flagged")
@page_requires(Role.EDITOR)
def flagged(user: User):
    """Macros whose links point at archived, moved, missing or changed articles (editors and up)."""
    found = links.flagged(permissions.visible_documents(user, MACRO))
    items = [(document, library.split_title(document.published.title), flags, edit_url(document))
             for document, flags in found]
    return render_template("agent/flagged.html", items=items, diff_url=diff_url,
                           flag_message=flag_message)


from kb.agent import personal  # noqa: E402,F401  (routes register on import)
