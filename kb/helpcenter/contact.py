"""Contact support, with the answer first: the public request form and its tracked links.

``GET /contact`` is the form (e-mail, subject, description, topic, images); articles that may
answer it appear beside it as the person types (``static/js/contact.js`` calls ``POST
/api/v1/contact/suggest``), and without JavaScript the "Show answers" button posts to
``/contact/suggest``, which shows them in the page. ``POST /contact`` stores the request
before any hand-over, tries the hand-overs once (short timeouts) and answers a confirmation
page. Spam: a honeypot field, a per-client hourly limit, the site's body limit, plain text only.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kb import permissions
from kb.contact import handover, requests as contact_requests, tracking
from kb.errors import KbError, NotFoundError, SearchUnavailableError
from kb.errors_web import json_errors
from kb.extensions import db
from kb.helpcenter.views import bp
from kb.models import Document
from kb.models.content import ARTICLE
from kb.throttle import public_form, public_posts_per_hour
from kb.web import locale as reader
from kb.web.locale import article_url

#: The field people never see; a bot that fills every input fills it.
HONEYPOT = "website"
FIELDS = ("email", "subject", "description", "topic")


def _values() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in FIELDS}


def _form(status: int = 200, *, values=None, key=None, error=None, results=None):
    key = key or tracking.new_key()
    links = [{"title": r.hit.title, "snippet": r.hit.snippet,
              "url": url_for("web.contact_open", token=tracking.open_token(key, r.document.id))}
             for r in results or []]
    return render_template("help/contact.html", values=values or {}, key=key, error=error,
                           topics=tracking.topics(), suggestions=links,
                           searched=results is not None, honeypot=HONEYPOT,
                           max_attachments=contact_requests.MAX_ATTACHMENTS), status


def _session_key() -> str:
    key = request.form.get("form_session", "")
    try:
        return tracking.check_key(key)
    except KbError:
        return tracking.new_key()


@bp.get("/contact")
def contact():
    values = {"topic": request.args.get("topic", "")[:120],
              "subject": request.args.get("subject", "")[:200]}
    return _form(values=values)


@bp.post("/contact/suggest")
@public_form("contact-suggest", setting="TYPEAHEAD_RATE_LIMIT_PER_MINUTE")
def contact_suggest():
    """Without JavaScript: the form again, with the articles that may answer it."""
    key, values = _session_key(), _values()
    try:
        tracking.start(key, values["topic"])
        results = tracking.suggestions(values["subject"], values["description"], key,
                                       locale=reader.page_locale())
    except SearchUnavailableError as error:
        return _form(200, values=values, key=key, error=error.message)
    except KbError as error:
        return _form(error.status, values=values, key=key, error=error.message)
    return _form(values=values, key=key, results=results)


@bp.post("/contact")
@public_posts_per_hour("contact", "CONTACT_RATE_LIMIT_PER_HOUR")
def contact_submit():
    key, values = _session_key(), _values()
    if request.form.get(HONEYPOT):
        return _form(400, values=values, key=key,
                     error=_("This request looks automated and was not sent."))
    files = [f.read(contact_requests.MAX_ATTACHMENT_BYTES + 1)
             for f in request.files.getlist("attachments") if f.filename]
    data = contact_requests.RequestInput(form_session=key, attachments=files,
                                         locale=reader.page_locale(), **values)
    try:
        stored = contact_requests.submit(
            data, lambda document: article_url(document, _external=True))
    except KbError as error:
        return _form(error.status, values=values, key=key, error=error.message)
    handover.deliver_request(stored.id)
    return render_template("help/contact_sent.html", request_id=stored.id, email=stored.email)


@bp.post("/contact/start")
@json_errors
@public_form("contact-start", setting="TYPEAHEAD_RATE_LIMIT_PER_MINUTE")
def contact_start():
    """The beacon the form sends when the person begins typing: 204, nothing else."""
    data = request.get_json(silent=True) or request.form
    tracking.start(data.get("form_session"), data.get("topic", ""))
    return current_app.response_class(status=204)


@bp.get("/contact/open/<token>")
def contact_open(token: str):
    """Follow a suggestion from the form: note it for the deflection numbers, then go to the
    article. The target comes from the article's id, and only for a public, published one."""
    try:
        opened = tracking.read_open_token(token)
    except NotFoundError:
        abort(404)
    document = db.session.get(Document, opened.document_id)
    if (document is None or document.kind != ARTICLE or permissions.readable_published(
            permissions.contact_form_reader(), document) is None):
        abort(404)
    tracking.record_open(opened)
    return redirect(article_url(document), code=302)
