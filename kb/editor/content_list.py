"""The staff content list (``/editor/content``) and its bulk actions.

The list is a GET form, so a filtered view is a bookmarkable address and works without
JavaScript; ``static/js/content_list.js`` fetches the same address as the person types and swaps
the table in. Bulk actions are a CSRF-protected POST: archiving first shows what would be
archived and asks to confirm; every action ends on a page saying what was done and what was
refused, and why.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kb.auth import page_requires
from kb.editor import forms
from kb.editor.views import bp, kind_path
from kb.errors import ValidationError
from kb.models import Role, User
from kb.review import bulk, listing, queries

#: The bulk actions as the page names them, in the page's language (values stay bulk's keys).
ACTION_LABELS = {bulk.SUBMIT: _l("Submit for review"), bulk.ARCHIVE: _l("Archive"),
                 bulk.MOVE: _l("Move to section"), bulk.REVIEW_BY: _l("Set review date"),
                 bulk.ADD_TAG: _l("Add tag"), bulk.REMOVE_TAG: _l("Remove tag")}
SEARCH_NOTES = {listing.SEARCH_UNAVAILABLE: _l("Search is unavailable just now; only titles were matched.")}


def outcome_text(wanted: bulk.Request, outcome: bulk.Outcome, group: str) -> str:
    """What happened to one document, in the page's language: ``group`` is the result's list it
    is in (done, unchanged, refused). The domain words its outcomes in English; a change made or
    not needed is said again here, and a refusal's own reason stays as the domain gave it."""
    if group == "unchanged":
        return _("already so")
    if group == "refused":
        return _("someone saved it meanwhile; try again") if outcome.message == bulk.STALE else outcome.message
    if wanted.action == bulk.SUBMIT:
        return _("submitted for review")
    if wanted.action == bulk.ARCHIVE:
        return _("archived")
    if wanted.action == bulk.MOVE:
        done = _("moved to %(section)s", section=wanted.section)
    elif wanted.action == bulk.REVIEW_BY:
        done = (_("review date set to %(date)s", date=wanted.review_by.isoformat()) if wanted.review_by
                else _("review date cleared"))
    elif wanted.action == bulk.ADD_TAG:
        done = _("tagged %(tag)s", tag=wanted.tag)
    else:
        done = _("tag %(tag)s removed", tag=wanted.tag)
    return _("%(done)s (revision %(number)s, a draft)", done=done, number=outcome.revision)


@bp.get("/content")
@page_requires(Role.EDITOR)
def content(user: User):
    try:
        filters = listing.parse_filters(request.args)
        found = listing.content_list(user, filters)
        error = None
    except ValidationError as refused:
        filters, error = listing.Filters(), refused
        found = listing.content_list(user, filters)
    status = 400 if error else 200
    if request.headers.get("X-Requested-With") == "content-list":
        return render_template("editor/_content_table.html", listing=found, kind_path=kind_path,
                               search_notes=SEARCH_NOTES), status
    sections = queries.sections()
    return render_template(
        "editor/content.html", listing=found, error=error, kind_path=kind_path,
        states=listing.STATES, sections=sections, categories=_categories(sections),
        authors=listing.authors(), actions=ACTION_LABELS, search_notes=SEARCH_NOTES,
    ), status


def _categories(sections: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The sections grouped by category, ``(slug, title, [(path, label), …])``, for the filter
    (a category's slug alone filters by the whole category)."""
    grouped: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    for path, label in sections:
        slug = path.split("/")[0]
        grouped.setdefault(slug, (slug, label.split(" › ")[0], []))[2].append((path, label))
    return list(grouped.values())


@bp.post("/content/bulk")
@page_requires(Role.EDITOR)
def content_bulk(user: User):
    form = request.form
    back = _back(form.get("back", ""))
    try:
        wanted = bulk.prepare(
            user, form.get("action", ""), form.getlist("ids"), section=form.get("section", ""),
            review_by=forms.parse_date(form.get("review_by", ""), "review_by"), tag=form.get("tag", ""))
    except ValidationError as error:
        return render_template("editor/content_bulk.html", error=error, back=back, result=None,
                               actions=ACTION_LABELS, kind_path=kind_path), 400
    if wanted.action == bulk.ARCHIVE and form.get("confirm") != "yes":
        return render_template("editor/content_confirm.html", request_=wanted, back=back,
                               documents=bulk.preview(wanted), kind_path=kind_path)
    result = bulk.apply(user, wanted)
    return render_template("editor/content_bulk.html", result=result, error=None, back=back,
                           actions=ACTION_LABELS, kind_path=kind_path,
                           outcome_text=lambda outcome, group: outcome_text(wanted, outcome, group))


def _back(raw: str) -> str:
    """The list view to go back to: only ever a query string of the list itself."""
    raw = raw if isinstance(raw, str) else ""
    return raw if raw.startswith("?") and "\n" not in raw and len(raw) < 2000 else ""
