"""Personal macros: an agent's private replies, created and edited outside review.

Only the owner ever sees one (``kb.permissions`` decides); each save is live at once. The
content services do the work, so a personal macro is versioned like every other document.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kb.agent.views import bp
from kb.auth import page_requires
from kb.content import queries, services
from kb.content.services import DocumentInput
from kb.errors import NotFoundError, StaleRevisionError, ValidationError
from kb.macros import services as macro_services
from kb.models import User
from kb.models.content import MACRO


def _form_input(meta: dict | None = None) -> DocumentInput:
    """The form's fields; an edit keeps the latest revision's ``meta`` (what Zendesk gave)."""
    return DocumentInput(
        title=request.form.get("title", ""), meta=dict(meta or {}),
        body=request.form.get("body", ""),
        tags=services.normalise_tags(request.form.get("tags", "")),
        message=request.form.get("message", "")[:500],
    )


def _form_values() -> dict:
    return {"title": request.form.get("title", ""), "body": request.form.get("body", ""),
            "tags": request.form.get("tags", "")}


@bp.route("/macros/new", methods=["GET", "POST"])
@page_requires()
def new_personal(user: User):
    if request.method == "GET":
        return render_template("agent/personal_form.html", document=None, values={}, error=None)
    try:
        document = services.create_document(MACRO, _form_input(), user, personal=True)
    except ValidationError as error:
        return render_template("agent/personal_form.html", document=None, values=_form_values(),
                               error=error), error.status
    flash(_("Your personal macro is saved. Only you can see it."), "success")
    return redirect(url_for("agent.macro", document_id=document.id))


def _own_personal(user: User, document_id: int):
    """The actor's own personal macro; anyone else's (or a shared one) is not found here."""
    document = queries.get_document(MACRO, document_id)
    if document.owner_id != user.id or document.published_revision_id is None:
        raise NotFoundError(f"no personal macro of yours with id {document_id}")
    return document


@bp.route("/macros/<int:document_id>/edit", methods=["GET", "POST"])
@page_requires()
def edit_personal(user: User, document_id: int):
    document = _own_personal(user, document_id)
    if request.method == "GET":
        latest = document.latest
        values = {"title": latest.title, "body": latest.body, "tags": ", ".join(latest.tags or ())}
        return render_template("agent/personal_form.html", document=document, values=values,
                               base_revision=latest.number, error=None)
    try:
        base = int(request.form.get("base_revision", ""))
    except ValueError:
        base = 0
    try:
        services.save_revision(MACRO, document.id, _form_input(document.latest.meta), base, user)
    except (ValidationError, StaleRevisionError) as error:
        return render_template("agent/personal_form.html", document=document, values=_form_values(),
                               base_revision=document.latest.number, error=error), error.status
    flash(_("Saved. The new wording is live."), "success")
    return redirect(url_for("agent.macro", document_id=document.id))


@bp.post("/macros/<int:document_id>/delete")
@page_requires()
def delete_personal(user: User, document_id: int):
    macro_services.delete_personal(user, document_id)
    flash(_("Your personal macro is deleted."), "success")
    return redirect(url_for("agent.library"))
