""""Translate" on the review screen: start a new language version of a source document."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from kb.auth import page_requires
from kb.content import translating
from kb.editor.views import KIND, KINDS, _document, bp
from kb.errors import KbError
from kb.models import User


@bp.post(f"/{KIND}/<int:document_id>/translate")
@page_requires()
def translate(user: User, kind: str, document_id: int):
    """Start a translation: a new draft in the chosen locale, tied to this source; then its editor."""
    source = _document(kind, document_id, user)
    try:
        created = translating.start_translation(KINDS[kind], source.id, request.form.get("locale", ""), user)
    except KbError as exc:
        flash(exc.message, "error")
        return redirect(url_for("editor.review", kind=kind, document_id=source.id), code=303)
    flash(_("Started the %(locale)s translation: write it here, then submit it for review.", locale=created.locale),
          "success")
    return redirect(url_for("editor.edit", kind=kind, document_id=created.id), code=303)
