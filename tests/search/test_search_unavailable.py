"""An index that cannot be opened answers "search unavailable" (503), never a 500."""

from __future__ import annotations

import pytest



@pytest.fixture
def app_config(tmp_path):
    """An index folder that cannot be created: a plain file sits where it should be."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("in the way\n")
    return {"INDEX_DIR": str(blocked / "index")}


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
