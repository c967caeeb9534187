"""The ticket sidebar page: only it may be framed, and only by the configured ticketing tools."""

import pytest

ZENDESK = "https://acme.zendesk.com"
ZAF_FRAME = "https://1234.apps.zdusercontent.com"


@pytest.fixture
def hosts_app(app):
    app.config["CORS_ORIGINS"] = f"{ZENDESK}, {ZAF_FRAME}/"
    return app


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";")}


def test_the_sidebar_may_be_framed_by_the_configured_hosts_only(hosts_app, client):
    response = client.get("/sidebar")
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == f"frame-ancestors {ZENDESK} {ZAF_FRAME}"
    assert "X-Frame-Options" not in response.headers
    # the rest of the policy is the site's: scripts from the site only
    assert directives(response)["script-src"] == "script-src 'self'"
    assert directives(response)["connect-src"] == "connect-src 'self'"


def test_the_sidebar_page_is_never_cached(hosts_app, client):
    assert "no-store" in client.get("/sidebar").headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/", "/macros", "/login", "/search?q=refund"])
def test_every_other_page_still_refuses_framing(hosts_app, client, path):
    response = client.get(path)
    assert directives(response)["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_without_configured_hosts_nobody_may_frame_the_sidebar(app, client):
    response = client.get("/sidebar")
    assert directives(response)["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_sidebar_page_holds_no_token_and_no_ticket_data(hosts_app, client, make_document):
    make_document("macro", state="published", title="Billing::Duplicate charge", body="Refunded.")
    response = client.get("/sidebar?token=leaked")
    html = response.get_data(as_text=True)
    assert "leaked" not in html
    assert "Duplicate charge" not in html
    assert f'data-origins="[&#34;{ZENDESK}&#34;, &#34;{ZAF_FRAME}&#34;]"' in html
    assert 'data-api="/api/v1"' in html


def test_an_origin_that_is_not_one_cannot_widen_the_policy(app, client):
    app.config["CORS_ORIGINS"] = f"{ZENDESK}, https://x.example; script-src *, *"
    response = client.get("/sidebar")
    assert directives(response)["frame-ancestors"] == f"frame-ancestors {ZENDESK}"
    assert directives(response)["script-src"] == "script-src 'self'"
