"""The JSON API under ``/api/v1``: thin handlers that validate, call one service, serialise.

Callers authenticate with ``Authorization: Bearer <token>``. The site's own pages may call it
with their session cookie, in which case a state-changing request must carry the CSRF token in
an ``X-CSRFToken`` header (the site's forms are protected the same way).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError as CSRFValidationError

from kb.auth import current_actor, token_authenticated
from kb.errors import KbError
from kb.extensions import csrf
from kb.web.headers import host_origins

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_blueprint)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CSRFRequiredError(KbError):
    status = 403
    code = "csrf"


@api_blueprint.before_request
def authenticate():
    if request.method == "OPTIONS":
        return _preflight()
    actor = current_actor()
    if actor is not None and not token_authenticated() and request.method not in SAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except CSRFValidationError:
            raise CSRFRequiredError("send the page's CSRF token in the X-CSRFToken header") from None
    return None


#: What a ticketing tool's sidebar app calls from the browser, and nothing more: suggestions for
#: the ticket, macro search, and filling a macro (preview while typing, render to insert, which
#: counts the use). Everything else (editing, review, accounts) stays same-origin only.
CORS_ENDPOINTS = {
    "api.suggest": "POST",
    "api.search": "GET",
    "api.preview_macro": "POST",
    "api.render_macro": "POST",
}
CORS_HEADERS = "Authorization, Content-Type"


@api_blueprint.after_request
def cors(response):
    origin = request.headers.get("Origin")
    method = CORS_ENDPOINTS.get(request.endpoint or "")
    if origin and method and origin in allowed_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Access-Control-Allow-Methods"] = f"{method}, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def allowed_origins() -> set[str]:
    """Origins from ``KB_CORS_ORIGINS`` (comma-separated), e.g. a ticketing tool's sidebar app."""
    return set(host_origins())


def _preflight():
    return current_app.response_class(status=204)


from kb.api import accounts, contact, documents, insights, macros, media, openapi, search  # noqa: E402,F401  (routes register on import)
