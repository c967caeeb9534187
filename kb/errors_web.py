"""Turn errors into responses: JSON envelopes under ``/api``, pages everywhere else."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.errors import KbError


TOO_MANY_REQUESTS = ("You have sent a lot of requests in a short time. Please wait a little "
                     "and try again.")
CSRF_EXPIRED = "The form expired or was sent from another site. Reload the page and try again."

#: What an error *page* says, in the page's language, for an HTTP error that carries no words
#: of its own (werkzeug's default descriptions are English only). The JSON envelopes keep
#: the English descriptions: programs read them.
PAGE_MESSAGES = {
    400: _l("The request could not be understood. Check the address or the form and try again."),
    401: _l("You need to sign in to see this page."),
    403: _l("You are not allowed to see this page or to do this."),
    405: _l("This page cannot be used that way."),
    413: _l("What you sent is too large. Send smaller files or less text."),
    # The same words as TOO_MANY_REQUESTS:
    429: _l("You have sent a lot of requests in a short time. Please wait a little and try again."),
    500: _l("Something went wrong on our side. It was logged; please try again later."),
}
#: :data:`CSRF_EXPIRED` on a page, in the page's language.
CSRF_EXPIRED_PAGE = _l("The form expired or was sent from another site. Reload the page and try again.")


def page_message(status: int, error: HTTPException) -> str:
    """The page's words for ``error``: its own description when the raiser wrote one,
    else :data:`PAGE_MESSAGES` in the reader's language."""
    own = error.description not in (type(error).description, TOO_MANY_REQUESTS)
    if own or status not in PAGE_MESSAGES:
        return error.description
    return str(PAGE_MESSAGES[status])


def wants_json() -> bool:
    """Under ``/api``, and for the few page endpoints a script calls (marked with
    :func:`json_errors`), errors are JSON envelopes."""
    if request.path.startswith("/api/"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "kb_json_errors", False))


def json_errors(view):
    """Mark a page endpoint that answers JSON (to a script) so its errors are JSON too, rate
    limits and bad input included. Put it right under the route decorator."""
    view.kb_json_errors = True
    return view


def error_envelope(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(KbError)
    def on_kb_error(error: KbError):
        if wants_json():
            extra = {k: v for k, v in error.details.items() if v is not None}
            if getattr(error, "field", None):
                extra["field"] = error.field
            response = error_envelope(error.status, error.code, error.message, **extra)
            if "current_revision" in extra:  # the contract puts it at the top level too
                payload = response.get_json()
                payload["current_revision"] = extra["current_revision"]
                response = jsonify(payload)
                response.status_code = error.status
            return response
        return render_template("errors/error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(CSRFError)
    def on_csrf_error(error: CSRFError):
        if wants_json():
            return error_envelope(400, "csrf", CSRF_EXPIRED)
        return render_template("errors/error.html", status=400, message=str(CSRF_EXPIRED_PAGE)), 400

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException):
        if error.response is not None:  # the raiser built the answer itself (a JSON 429, say)
            return error.response
        status = error.code or 500
        if status == 429:
            error.description = TOO_MANY_REQUESTS
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            response = error_envelope(status, code, error.description or error.name)
            valid_methods = getattr(error, "valid_methods", None)
            if valid_methods:
                response.headers["Allow"] = ", ".join(valid_methods)
            return response
        template = "errors/404.html" if status == 404 else "errors/error.html"
        return render_template(template, status=status, message=page_message(status, error)), status

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return error_envelope(500, "internal", "something went wrong on our side; it was logged")
        return render_template("errors/error.html", status=500,
                               message=page_message(500, InternalServerError())), 500
