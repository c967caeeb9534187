"""Security headers on every response: pages, redirects, errors, static files and the API."""

from __future__ import annotations

import pytest

from kb.web.headers import CONTENT_SECURITY_POLICY
from tests.support import csrf_token

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

ROUTES = [
    ("/", 200),
    ("/categories/payouts", 200),
    ("/categories/payouts/schedule", 200),
    ("/en/articles/{slug}", 200),
    ("/search?q=payouts", 200),
    ("/search", 200),
    ("/search?q=payouts&page=zero", 400),
    ("/sitemap.xml", 200),
    ("/healthz", 200),
    ("/login", 200),
    ("/no-such-page", 404),
    ("/en/articles/no-such-article", 404),
    ("/categories/nothing", 404),
    ("/en/articles/{slug}/feedback", 405),
    ("/static/css/kb.css", 200),
    ("/static/js/site.js", 200),
    ("/static/no-such-file.js", 404),
    ("/api/v1/search?q=payouts", 200),
    ("/api/v1/articles", 200),
    ("/api/v1/articles/999999", 404),
    ("/api/v1/openapi.json", 200),
]


def assert_secure(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize(("path", "status"), ROUTES)
def test_security_headers_on_every_route(client, site, path, status):
    with client.get(path.format(slug=site.long.slug)) as response:
        assert response.status_code == status
        assert_secure(response)


def test_security_headers_on_a_304(client, site):
    etag = client.get(f"/en/articles/{site.long.slug}").headers["ETag"]
    response = client.get(f"/en/articles/{site.long.slug}", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert_secure(response)


def test_security_headers_on_a_redirect_and_a_form_post(client, site):
    response = client.post(f"/en/articles/{site.long.slug}/feedback",
                           data={"helpful": "yes", "csrf_token": csrf_token(client, f"/en/articles/{site.long.slug}")})
    assert response.status_code == 303
    assert_secure(response)


def test_security_headers_on_the_rate_limit_page(app, client, site):
    app.config["RATE_LIMIT_PER_MINUTE"] = 1
    client.get("/search?q=payouts")
    response = client.get("/search?q=payouts")
    assert response.status_code == 429
    assert_secure(response)


def test_security_headers_on_a_csrf_failure(client, site):
    response = client.post(f"/en/articles/{site.long.slug}/feedback", data={"helpful": "yes"})
    assert response.status_code == 400
    assert_secure(response)


def test_help_center_pages_have_no_inline_scripts_or_styles(client, site, make_user, login):
    login(make_user("agent"))
    for path in ("/", "/categories/payouts", f"/en/articles/{site.long.slug}", "/search?q=payouts", "/nope"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert " onclick=" not in html
