"""``/media/<sha256>.<ext>``: the images articles and macros show.

A file's name is the digest of its bytes, so it never changes under its URL: readers' browsers
and shared caches may keep a public image for a year without asking again. An image no
published public article shows yet is served to staff only, privately, and is the same 404
as a missing one for everybody else.
"""

from __future__ import annotations

from flask import Response, request

from kb.auth import current_actor_or_none
from kb.helpcenter.views import bp
from kb.media import store as media_store

YEAR = 365 * 24 * 3600


@bp.get("/media/<name>")
def media_file(name: str):
    served = media_store.served(current_actor_or_none(), name)
    response = Response(served.data, mimetype=served.content_type)
    response.set_etag(served.etag)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if served.public:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response.make_conditional(request)
