"""Security and caching headers on every response."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from kb.auth import current_actor_or_none

_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(_POLICY)


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def host_origins() -> list[str]:
    """The ticketing tools' origins from ``KB_CORS_ORIGINS`` (comma-separated), in the order
    given: they may call the sidebar's API endpoints and frame the sidebar page."""
    raw = str(current_app.config.get("CORS_ORIGINS") or "")
    found: list[str] = []
    for origin in (o.strip().rstrip("/") for o in raw.split(",")):
        if origin and origin not in found:
            found.append(origin)
    return found


def frameable_policy(origins: list[str]) -> str:
    """The site's policy, except that the given origins may frame the page (the ticket sidebar);
    with no origins configured nobody may."""
    origins = [o for o in origins if _ORIGIN.fullmatch(o)]  # nothing that could end the directive
    ancestors = " ".join(origins) if origins else "'none'"
    return "; ".join(
        f"frame-ancestors {ancestors}" if rule.startswith("frame-ancestors") else rule for rule in _POLICY)


#: Blueprints whose pages are for signed-in staff: drafts, internal articles, review threads.
#: No cache anywhere may keep them (a shared proxy, the browser's back-forward history after
#: sign-out on a shared computer).
STAFF_BLUEPRINTS = frozenset({"agent", "editor", "admin"})
STAFF_CACHE_CONTROL = "private, no-store"


class CanonicalBaseURL:
    """WSGI middleware: absolute links (sitemap, canonical and share URLs) use the configured
    ``KB_BASE_URL`` instead of whatever ``Host`` header a client sent, so nobody can get a
    cached page or a sitemap to point readers at another site."""

    def __init__(self, wsgi_app, base_url: str) -> None:
        parts = urlsplit(base_url.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise RuntimeError(f"KB_BASE_URL must look like https://help.example.com, not {base_url!r}")
        self.wsgi_app = wsgi_app
        self.scheme, self.host, self.root = parts.scheme, parts.netloc, parts.path.rstrip("/")

    def __call__(self, environ, start_response):
        environ["HTTP_HOST"] = self.host
        environ["wsgi.url_scheme"] = self.scheme
        if self.root:
            environ["SCRIPT_NAME"] = self.root
        return self.wsgi_app(environ, start_response)


def _signed_in() -> bool:
    try:
        return current_actor_or_none() is not None
    except Exception:  # cannot tell (the database is down, say): assume the page is personal
        return True


def init_app(app: Flask) -> None:
    if app.config.get("BASE_URL"):
        app.wsgi_app = CanonicalBaseURL(app.wsgi_app, str(app.config["BASE_URL"]))

    @app.after_request
    def keep_staff_pages_out_of_caches(response: Response) -> Response:
        if request.blueprint in STAFF_BLUEPRINTS:
            response.headers["Cache-Control"] = STAFF_CACHE_CONTROL
        elif request.blueprint == "web":
            # Public pages differ for signed-in staff (Edit links, notices of drafts in review):
            # a signed-in copy may never be stored, and caches must key pages on the cookie.
            response.vary.add("Cookie")
            if _signed_in():
                response.headers["Cache-Control"] = STAFF_CACHE_CONTROL
        return response

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
            response.headers.setdefault("X-Frame-Options", "DENY")  # only the sidebar is framed
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
