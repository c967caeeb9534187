"""Destructive actions that ask first and can be undone: the archive question and "Restore
from archive".

Archiving is never one click: the review screen links to a page that names the document and
says what archiving does, and only that page's form (with its ``confirm`` field) archives. An
archived document offers "Restore from archive" (see
:func:`kb.review.services.restore_archived` for what comes back live and what comes back as a
draft). Both work without JavaScript.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from kb import permissions
from kb.auth import page_requires
from kb.editor.views import KIND, KINDS, REFUSED, _attempt, _document, available_actions, bp
from kb.models import User
from kb.models.content import ARTICLE
from kb.review import services as review


@bp.get(f"/{KIND}/<int:document_id>/archive", endpoint="confirm_archive")
@page_requires()
def confirm_archive(user: User, kind: str, document_id: int):
    document = _document(kind, document_id, user)
    if "archive" not in available_actions(user, document):
        flash(_("%(refusal)s: you cannot archive this document now.",
                refusal=REFUSED[403 if not permissions.may_take(user, 'archive') else 409]), "error")
        return redirect(url_for("editor.review", kind=kind, document_id=document_id), code=303)
    return render_template("editor/archive_confirm.html", kind=kind, document=document,
                           latest=document.latest, is_article=KINDS[kind] == ARTICLE)


@bp.post(f"/{KIND}/<int:document_id>/unarchive")
@page_requires()
def unarchive(user: User, kind: str, document_id: int):
    def run() -> str:
        document = review.restore_archived(KINDS[kind], document_id, user)
        latest, live = document.latest, document.published
        place = _("the help center") if KINDS[kind] == ARTICLE else _("the macro library")
        if live is None:
            return _("Restored from the archive as a draft (revision %(number)s); it was never live.",
                     number=latest.number)
        if live.id == latest.id:
            return _("Restored from the archive: revision %(number)s is live again on %(place)s.",
                     number=live.number, place=place)
        return _("Restored from the archive: revision %(live)s is live again on %(place)s; "
                 "the unpublished revision %(number)s is back as a draft for review.",
                 live=live.number, place=place, number=latest.number)

    return _attempt(kind, document_id, run, None)
