"""The editorial screens: dashboard, editor, conflict page, review screen, history, audit log.

Every page works without JavaScript; ``static/js/editor.js`` adds the live preview and keeps
unsaved text in the browser. Every change is a POST with the CSRF token that calls one service
function; a refused action (:class:`~kb.errors.KbError`) becomes a flash message and a redirect
back to the review screen, never a crash. Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import format_datetime, get_locale, gettext as _, lazy_gettext as _l

from kb import permissions, validation
from kb.auth import current_actor_or_none, page_requires
from kb.content import diffs, markdown, merging, queries as content_queries, services as content_services
from kb.errors import KbError, NotFoundError, SlugTakenError, StaleRevisionError, ValidationError
from kb.editor import forms, languages
from kb.errors_web import error_envelope
from kb.models import Document, Revision, Role, User
from kb.models.content import ARTICLE, MACRO
from kb.review import queries, services as review
from kb.search import promoted
from kb.throttle import per_user

bp = Blueprint("editor", __name__, url_prefix="/editor")

KIND = "<any(articles, macros):kind>"
KINDS = {"articles": ARTICLE, "macros": MACRO}
ACTION = "<any(submit, 'request-changes', approve, publish, archive):action>"
#: Session key naming the browser-side draft a successful save makes obsolete.
SAVED_DRAFT = "kb.saved_draft"
#: Session key keeping a refused comment's text so the review screen can offer it again.
KEPT_COMMENT = "kb.kept_comment"


def _document(kind: str, document_id: int, user: User) -> Document:
    """The shared document the user may work on; 404 when they may not see it at all."""
    document = content_queries.get_document(KINDS[kind], document_id)
    permissions.require_document_editor(user, document)
    return document


def draft_key(kind: str, document_id: int | None, base: int | None) -> str:
    """The browser-side key of unsaved text: per document and per revision it started from."""
    return f"kb.draft.{kind}.{document_id or 'new'}.{base or 0}"


# -- dashboard ------------------------------------------------------------------------------

@bp.get("/")
@page_requires()
def dashboard(user: User):
    idle_days = int(current_app.config.get("UNATTENDED_DRAFT_DAYS", 14))
    return render_template("editor/dashboard.html", queues=queries.dashboard_queues(user, idle_days=idle_days),
                           idle_days=idle_days,
                           kind_path=kind_path, is_admin=queries.holds_role(user, Role.ADMIN),
                           edits_synonyms=queries.holds_role(user, Role.EDITOR),
                           may_pin=permissions.may_pin_answers(user))


def kind_path(kind: str) -> str:
    return "articles" if kind == ARTICLE else "macros"


# -- editor ---------------------------------------------------------------------------------

def _editor(kind: str, form: forms.EditorForm, document: Document | None = None,
            error: ValidationError | None = None, status: int = 200):
    return render_template(
        "editor/edit.html", kind=kind, form=form, document=document, error=error,
        sections=queries.sections() if KINDS[kind] == ARTICLE else [],
        draft_key=draft_key(kind, document.id if document else None, form.base_revision),
    ), status


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
@page_requires()
def new(user: User, kind: str):
    if request.method == "GET":
        return _editor(kind, forms.EditorForm.blank(request.args.get("title", "").strip()))
    form = forms.EditorForm.from_request(request.form)
    form.base_revision = None
    try:
        document = content_services.create_document(KINDS[kind], form.to_input(), user)
    except ValidationError as error:
        return _editor(kind, form, error=error, status=error.status)
    session[SAVED_DRAFT] = draft_key(kind, None, None)
    flash(_("Created “%(title)s” as a draft. Submit it for review when it is ready.", title=document.latest.title),
          "success")
    return redirect(url_for("editor.review", kind=kind, document_id=document.id), code=303)


@bp.route(f"/{KIND}/<int:document_id>/edit", methods=["GET", "POST"])
@page_requires()
def edit(user: User, kind: str, document_id: int):
    document = _document(kind, document_id, user)
    if document.is_personal:
        return redirect(url_for("agent.edit_personal", document_id=document.id))
    if request.method == "GET":
        return _editor(kind, forms.EditorForm.from_revision(document, document.latest), document)
    form = forms.EditorForm.from_request(request.form)
    before = document.latest.number
    try:
        if form.base_revision is None:
            raise ValidationError(_("the form did not say which revision it started from; reload the page"),
                                  field="base_revision")
        saved = content_services.save_revision(KINDS[kind], document_id, form.to_input(document.latest.meta),
                                               form.base_revision, user)
    except StaleRevisionError:
        return _conflict(kind, _document(kind, document_id, user), form)
    except (ValidationError, SlugTakenError) as error:
        return _editor(kind, form, document, error=error, status=error.status)
    session[SAVED_DRAFT] = draft_key(kind, document_id, form.base_revision)
    if saved.latest.number == before:
        flash(_("Nothing changed, so no new revision was saved."), "info")
    else:
        flash(_("Saved revision %(number)s as a draft.", number=saved.latest.number), "success")
    return redirect(url_for("editor.review", kind=kind, document_id=document_id), code=303)


def _conflict(kind: str, document: Document, form: forms.EditorForm):
    """Someone saved since the form was opened: merge their change and the user's against the
    revision both started from, and offer the merged text in a form now based on the current
    latest. Overlaps keep both versions between markers, and the form refuses to save until
    none is left, so neither person's change is dropped."""
    current = document.latest
    try:
        base = content_queries.revision(document, form.base_revision or 0)
    except NotFoundError:
        base = None
    stale_key = draft_key(kind, document.id, form.base_revision)
    yours = dict(form.values, body=content_services.normalise_body(form.values["body"]))
    theirs = forms.EditorForm.from_revision(document, current).values
    merged = merging.merge_form(forms.EditorForm.from_revision(document, base).values if base else None,
                                yours, theirs | {"message": yours["message"]}, current.number)
    form = forms.EditorForm(merged.values, current.number)
    return render_template(
        "editor/conflict.html", kind=kind, document=document, form=form, base=base, current=current,
        merged=merged, rendered_diff=diffs.blocks_html(base.html if base else "", current.html),
        mine_vs_theirs=diffs.side_by_side(current.body, yours["body"]),
        sections=queries.sections() if KINDS[kind] == ARTICLE else [],
        draft_key=draft_key(kind, document.id, current.number), stale_key=stale_key,
    ), 409


def _too_many_previews(_limit):
    return error_envelope(429, "rate_limited", "too many previews in the last minute; wait a "
                                               "little and try again")


@bp.post("/preview")
@per_user("PREVIEW_RATE_LIMIT_PER_MINUTE", "preview", on_breach=_too_many_previews)
def preview():
    """The live preview: the same Markdown rendering and sanitising as a saved revision.

    Limited per user (``PREVIEW_RATE_LIMIT_PER_MINUTE``): each preview may spend a whole
    render budget, and the editor sends one per pause in typing.
    """
    actor = current_actor_or_none()
    if actor is None:
        return error_envelope(401, "unauthorized", "sign in to preview")
    try:
        permissions.require_role(actor, Role.AGENT)
    except KbError as error:
        return error_envelope(error.status, error.code, error.message)
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser's own stack
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("body"), str):
        return error_envelope(400, "invalid", 'send JSON like {"body": "Markdown text"}')
    try:
        validation.text(data["body"], "body")
    except ValidationError as error:
        return error_envelope(400, error.code, error.message, field=error.field)
    if len(data["body"]) > content_services.MAX_BODY:
        return error_envelope(413, "too_large", "the body is larger than 1 MB")
    try:
        return jsonify({"html": markdown.render_html(data["body"])})
    except KbError as error:
        return error_envelope(error.status, error.code, error.message)


# -- review screen --------------------------------------------------------------------------

def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(_("%(name)s must be a revision number", name=name), field=name) from None


def _diff_pair(document: Document) -> tuple[Revision | None, Revision | None]:
    """The two revisions to compare: the ones asked for, else live → latest, else previous → latest,
    else nothing → the first revision."""
    wanted_from, wanted_to = _int_arg("from"), _int_arg("to")
    latest = document.latest
    if wanted_from is not None or wanted_to is not None:
        old = content_queries.revision(document, wanted_from if wanted_from is not None else latest.number)
        new = content_queries.revision(document, wanted_to if wanted_to is not None else latest.number)
        return old, new
    if document.published is not None and document.published.id != latest.id:
        return document.published, latest
    if latest.number > 1:
        return content_queries.revision(document, latest.number - 1), latest
    return None, latest  # a new document: everything in it is new


def available_actions(user: User, document: Document) -> list[str]:
    """The buttons to show (the service refuses the others too)."""
    return permissions.allowed_actions(user, document, self_approval_allowed=review.self_approval_allowed())


@bp.get(f"/{KIND}/<int:document_id>", endpoint="review")
@page_requires()
def review_screen(user: User, kind: str, document_id: int):
    document = _document(kind, document_id, user)
    if document.is_personal:
        return redirect(url_for("agent.edit_personal", document_id=document.id))
    old, new = _diff_pair(document)
    return render_template(
        "editor/review.html", kind=kind, document=document, latest=document.latest, old=old, new=new,
        rendered_diff=diffs.blocks_html(old.html if old else "", new.html),
        source_rows=diffs.side_by_side(old.body if old else "", new.body),
        revisions=content_queries.revisions(document), thread=queries.review_thread(document),
        actions=available_actions(user, document),
        may_restore_archived=permissions.may_restore_archived(user, document), kept=session.pop(KEPT_COMMENT, None),
        saved_draft=session.pop(SAVED_DRAFT, None), own_approval_blocked=permissions.approval_blocked_as_own(
            user, document, self_approval_allowed=review.self_approval_allowed()),
        pins=promoted.pins_of(document.id) if permissions.may_pin_answers(user)
        and permissions.pinnable(document.kind, document.owner_id) else None,
        languages=languages.panel(user, document),
    )


_DONE = {
    "submit": _l("Submitted for review."),
    "request-changes": _l("Changes requested; the author will see your comment."),
    "approve": _l("Approved. Publish it now or schedule it."),
    "publish": _l("Published: readers now see this revision."),
    "archive": _l("Archived: it is off the help center and out of search."),
}


@bp.post(f"/{KIND}/<int:document_id>/{ACTION}")
@page_requires()
def act(user: User, kind: str, document_id: int, action: str):
    if action == "archive" and request.form.get("confirm") != "archive":
        # one click never archives: an old page's button or a stray POST lands on the question
        return redirect(url_for("editor.confirm_archive", kind=kind, document_id=document_id), code=303)
    comment = request.form.get("comment", "")
    k = KINDS[kind]
    steps = {
        "submit": lambda: review.submit(k, document_id, user),
        "request-changes": lambda: review.request_changes(k, document_id, user, comment),
        "approve": lambda: review.approve(k, document_id, user, comment),
        "publish": lambda: review.publish(k, document_id, user),
        "archive": lambda: review.archive(k, document_id, user),
    }
    return _attempt(kind, document_id, steps[action], _DONE[action], keep=(action, comment))


@bp.post(f"/{KIND}/<int:document_id>/comment")
@page_requires()
def comment(user: User, kind: str, document_id: int):
    text = request.form.get("comment", "")
    return _attempt(kind, document_id, lambda: review.comment(KINDS[kind], document_id, user, text),
                    _("Comment added."), keep=("comment", text))


@bp.post(f"/{KIND}/<int:document_id>/schedule")
@page_requires()
def schedule(user: User, kind: str, document_id: int):
    def run():
        when = None if request.form.get("clear") else forms.parse_utc_datetime(request.form.get("publish_at", ""))
        document = review.schedule(KINDS[kind], document_id, user, when)
        at = document.latest.publish_at
        return _("Scheduled to go live at %(when)s UTC.", when=_utc_minute(at)) if at else _("Schedule cleared.")

    return _attempt(kind, document_id, run, None)


@bp.post(f"/{KIND}/<int:document_id>/restore")
@page_requires()
def restore(user: User, kind: str, document_id: int):
    try:
        number = int(request.form.get("revision", ""))
    except ValueError:
        number = -1
    return _attempt(kind, document_id, lambda: review.restore(KINDS[kind], document_id, number, user),
                    _("Revision %(number)s's content is now the latest revision, a draft.", number=number))


REFUSED = {403: _l("Not allowed"), 409: _l("Not possible right now"), 404: _l("Not found"), 401: _l("Sign in first")}


def _utc_minute(at) -> str:
    """A time in a message, the way the pages' time macro shows it: ISO-like in English, the
    language's short form otherwise."""
    english = str(get_locale() or "en").split("_")[0] == "en"
    return format_datetime(at, "yyyy-MM-dd HH:mm" if english else "short")


def _attempt(kind: str, document_id: int, step, done: str | None, keep: tuple[str, str] | None = None):
    """Run one service call; success or refusal, go back to the review screen with a message."""
    try:
        result = step()
    except KbError as error:
        flash(_("%(refusal)s: %(reason)s.", refusal=REFUSED.get(error.status, _("That did not work")),
                reason=error.message), "error")
        if keep and keep[1].strip():
            session[KEPT_COMMENT] = {"form": keep[0], "text": keep[1]}
    else:
        flash(result if isinstance(result, str) else str(done), "success")
    return redirect(url_for("editor.review", kind=kind, document_id=document_id), code=303)


# -- history and audit ----------------------------------------------------------------------

@bp.get(f"/{KIND}/<int:document_id>/history")
@page_requires()
def history(user: User, kind: str, document_id: int):
    document = _document(kind, document_id, user)
    return render_template("editor/history.html", kind=kind, document=document,
                           revisions=content_queries.revisions(document))


@bp.get("/audit")
@page_requires()
def audit(user: User):
    permissions.require_role(user, Role.ADMIN)
    action = request.args.get("action", "").strip() or None
    document_id = _int_arg("document")
    page = _int_arg("page") or 1
    return render_template("editor/audit.html", log=queries.audit_page(page, action, document_id),
                           action=action, document_id=document_id, kind_path=kind_path)


from kb.editor import safety  # noqa: E402,F401  (routes register on import)
