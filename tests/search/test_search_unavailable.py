"""An index that cannot be opened answers "search unavailable" (503), never a 500."""

from __future__ import annotations

import pytest
from flask import g

from kb.extensions import db
from tests.support import make_app


@pytest.fixture
def app(tmp_path):
    """An app whose index folder cannot be created: a plain file sits where it should be."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("in the way\n")
    app = make_app(tmp_path, INDEX_DIR=str(blocked / "index"))

    @app.before_request
    def forget_the_previous_requests_user():
        g.pop("_login_user", None)

    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_search_api_answers_503_with_the_error_shape(api_as):
    for role in (None, "agent"):
        api, _ = api_as(role)
        response = api.get("/search?q=refund")
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "search_unavailable"


def test_the_search_page_answers_a_readable_503_page(client):
    response = client.get("/search?q=refund")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "<html" in page and "search is unavailable" in page


def test_healthz_says_the_index_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["checks"]["index"].startswith("error")
