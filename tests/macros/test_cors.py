"""A ticketing tool's sidebar on a configured origin may call the API; other origins may not."""

import pytest

ALLOWED = "https://support.example.com"
REFUSED = "https://evil.example.net"


@pytest.fixture
def cors_app(app):
    app.config["CORS_ORIGINS"] = f"{ALLOWED}, https://other.example.org/"
    return app


def preflight(client, origin, path="/api/v1/suggest"):
    return client.options(path, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})


def test_a_preflight_from_an_allowed_origin_is_answered(cors_app, client):
    response = preflight(client, ALLOWED)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Origin" in response.headers["Vary"]


def test_a_preflight_from_another_origin_gets_no_permission(cors_app, client):
    response = preflight(client, REFUSED)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_an_allowed_origin_reads_the_suggestions(cors_app, client, api_as, make_document):
    make_document("macro", state="published", title="Duplicate charge", body="You were charged twice; refunded.")
    api, _ = api_as("agent")
    response = api.post("/suggest", json={"text": "I was charged twice"}, headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.get_json()["results"][0]["title"] == "Duplicate charge"


def test_a_refused_origin_gets_no_cors_headers_on_the_actual_request(cors_app, api_as):
    api, _ = api_as("agent")
    response = api.post("/suggest", json={"text": "I was charged twice"}, headers={"Origin": REFUSED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_without_configured_origins_nobody_is_allowed(app, client):
    assert "Access-Control-Allow-Origin" not in preflight(client, ALLOWED).headers


@pytest.mark.parametrize(("path", "method"), [
    ("/api/v1/suggest", "POST"),
    ("/api/v1/search?q=refund&type=macro", "GET"),
    ("/api/v1/macros/1/preview", "POST"),
    ("/api/v1/macros/1/render", "POST"),
])
def test_the_sidebar_endpoints_allow_exactly_their_method_and_headers(cors_app, client, path, method):
    response = client.options(path, headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Methods"] == f"{method}, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(("path", "method"), [
    ("/api/v1/macros/1", "DELETE"),
    ("/api/v1/macros/1/confirm-links", "POST"),
    ("/api/v1/articles", "POST"),
    ("/api/v1/openapi.json", "GET"),
])
def test_other_endpoints_give_no_cross_origin_permission(cors_app, client, path, method):
    response = client.options(path, headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers
