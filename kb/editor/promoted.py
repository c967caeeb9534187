"""Promoted answers, for editors: the list of pins, adding one, removing one.

A pin puts one article first in the results for one query (see :mod:`kb.search.promoted`).
Pins are added here, from the search results page and from an article's review screen ("Pin
for this query"); each form posts here and comes back where it was sent from.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kb.auth import page_requires
from kb.editor.views import bp
from kb.errors import KbError
from kb.models import Role, User
from kb.search import promoted


@bp.get("/promoted")
@page_requires(Role.EDITOR)
def promoted_answers(user: User):
    pins = promoted.promoted_answers()
    return render_template("editor/promoted.html", pins=pins,
                           active=sum(1 for p in pins if p.active),
                           query=request.args.get("q", ""), article=request.args.get("article", ""))


@bp.post("/promoted")
@page_requires(Role.EDITOR)
def pin(user: User):
    query = request.form.get("query", "")
    try:
        document_id = promoted.article_id(request.form.get("article", ""))
        found, replaced = promoted.pin(user, query, document_id)
    except KbError as error:
        flash(_("Not pinned: %(reason)s.", reason=error.message), "error")
    else:
        title = found.document.published.title if found.document.published else found.document.slug
        flash(_("Pinned “%(title)s” first for “%(query)s”, in place of the article pinned for it before.",
                title=title, query=found.query) if replaced
              else _("Pinned “%(title)s” first for “%(query)s”.", title=title, query=found.query), "success")
    return redirect(_back(), code=303)


@bp.post("/promoted/<int:pin_id>/remove")
@page_requires(Role.EDITOR)
def unpin(user: User, pin_id: int):
    try:
        query = promoted.unpin(user, pin_id)
    except KbError as error:
        flash(_("Not removed: %(reason)s.", reason=error.message), "error")
    else:
        flash(_("Removed the pin for “%(query)s”: its results are ranked as usual again.", query=query), "success")
    return redirect(_back(), code=303)


def _back() -> str:
    """Where the form asked to go back to, when that is a page of this site; else the list."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("editor.promoted_answers")
