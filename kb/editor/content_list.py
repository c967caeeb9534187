"""The staff content list (``/editor/content``) and its bulk actions.

The list is a GET form, so a filtered view is a bookmarkable address and works without
JavaScript; ``static/js/content_list.js`` fetches the same address as the person types and swaps
the table in. Bulk actions are a CSRF-protected POST: archiving first shows what would be
archived and asks to confirm; every action ends on a page saying what was done and what was
refused, and why.
"""

from __future__ import annotations

from flask import render_template, request

from kb.auth import page_requires
from kb.editor import forms
from kb.editor.views import bp, kind_path
from kb.errors import ValidationError
from kb.models import Role, User
from kb.review import bulk, listing, queries


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
        return render_template("editor/_content_table.html", listing=found, kind_path=kind_path), status
    sections = queries.sections()
    return render_template(
        "editor/content.html", listing=found, error=error, kind_path=kind_path,
        states=listing.STATES, sections=sections, categories=_categories(sections),
        authors=listing.authors(), actions=bulk.ACTIONS,
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
                               actions=bulk.ACTIONS, kind_path=kind_path), 400
    if wanted.action == bulk.ARCHIVE and form.get("confirm") != "yes":
        return render_template("editor/content_confirm.html", request_=wanted, back=back,
                               documents=bulk.preview(wanted), kind_path=kind_path)
    result = bulk.apply(user, wanted)
    return render_template("editor/content_bulk.html", result=result, error=None, back=back,
                           actions=bulk.ACTIONS, kind_path=kind_path)


def _back(raw: str) -> str:
    """The list view to go back to: only ever a query string of the list itself."""
    raw = raw if isinstance(raw, str) else ""
    return raw if raw.startswith("?") and "\n" not in raw and len(raw) < 2000 else ""
