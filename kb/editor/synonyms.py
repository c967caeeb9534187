"""The synonym list page, ``/editor/synonyms``: editors and up list, add, edit and delete the
other ways people say what the help center calls things (see :mod:`kb.search.synonym_list`).

``?add=<query>`` opens the page with a new entry's variant filled in, so a search that found
nothing (the insights page lists them) becomes an entry in one step. A refused entry comes back
with its text and a readable message, never a crash.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kb.auth import page_requires
from kb.editor.views import bp
from kb.errors import ValidationError
from kb.models import Role, User
from kb.search import synonym_list

#: The longest ``?add=`` value taken into the form.
MAX_PREFILL = 200


def _page(user: User, *, error: ValidationError | None = None, editing: int | None = None,
          term: str = "", variants: str = "", status: int = 200):
    return render_template(
        "editor/synonyms.html", entries=synonym_list.entries(), error=error, editing=editing,
        term=term, variants=variants,
        limits=(synonym_list.MAX_TERM, synonym_list.MAX_VARIANT, synonym_list.MAX_VARIANTS),
    ), status


@bp.get("/synonyms")
@page_requires(Role.EDITOR)
def synonyms(user: User):
    prefill = " ".join(request.args.get("add", "").split())[:MAX_PREFILL]
    editing = request.args.get("edit", type=int)
    if editing is not None:
        entry = synonym_list.get(editing)
        return _page(user, editing=entry.id, term=entry.term, variants="\n".join(entry.variants))
    return _page(user, variants=prefill)


@bp.post("/synonyms")
@page_requires(Role.EDITOR)
def add_synonym(user: User):
    term, variants = request.form.get("term", ""), request.form.get("variants", "")
    try:
        entry = synonym_list.add(user, term, synonym_list.split_variants(variants))
    except ValidationError as error:
        return _page(user, error=error, term=term, variants=variants, status=400)
    flash(_("Added “%(term)s”: searches for its variants find it now.", term=entry.term), "success")
    return redirect(url_for("editor.synonyms"))


@bp.post("/synonyms/<int:synonym_id>")
@page_requires(Role.EDITOR)
def edit_synonym(user: User, synonym_id: int):
    term, variants = request.form.get("term", ""), request.form.get("variants", "")
    try:
        entry = synonym_list.update(user, synonym_id, term, synonym_list.split_variants(variants))
    except ValidationError as error:
        return _page(user, error=error, editing=synonym_id, term=term, variants=variants,
                     status=400)
    flash(_("Saved “%(term)s”.", term=entry.term), "success")
    return redirect(url_for("editor.synonyms"))


@bp.post("/synonyms/<int:synonym_id>/delete")
@page_requires(Role.EDITOR)
def delete_synonym(user: User, synonym_id: int):
    synonym_list.delete(user, synonym_id)
    flash(_("Deleted the entry."), "success")
    return redirect(url_for("editor.synonyms"))
