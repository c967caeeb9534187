"""The editor under the render budget: refusals keep the author's text; previews are limited."""

from __future__ import annotations

import pytest

from kb.extensions import db
from kb.models import Document
from tests.support.pages import post_form, signed_in, textarea
from tests.support import csrf_token

BRACKETS = "Intro\n\n" + "[" * 50_000


@pytest.fixture
def app_config(tmp_path):
    return {"RENDER_TIMEOUT": 0.5, "PREVIEW_RATE_LIMIT_PER_MINUTE": 3}


def _fields(**overrides):
    return {"title": "Brackets", "body": BRACKETS, "tags": "", "section": "", "visibility": "public",
            "review_by": "", "message": "", **overrides}


def test_a_body_too_slow_to_render_is_refused_with_its_text_kept(app, make_user):
    client = signed_in(app, make_user("editor"))
    response = post_form(client, "/editor/articles/new", _fields())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "takes more than 0.5 seconds to render" in page
    assert textarea(page, "body") == BRACKETS
    assert db.session.execute(db.select(Document)).first() is None


def test_the_preview_refuses_a_body_too_slow_to_render_as_json(app, make_user):
    client = signed_in(app, make_user("agent"))
    token = csrf_token(client, "/editor/articles/new")
    response = client.post("/editor/preview", json={"body": BRACKETS}, headers={"X-CSRFToken": token})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "too_complex" and "0.5 seconds" in error["message"]


def test_previews_are_limited_per_user(app, make_user):
    first = signed_in(app, make_user("agent"))
    token = csrf_token(first, "/editor/articles/new")
    answers = [first.post("/editor/preview", json={"body": f"draft {n}"}, headers={"X-CSRFToken": token})
               for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].get_json()["error"]["code"] == "rate_limited"
    assert int(answers[3].headers["Retry-After"]) >= 1
    second = signed_in(app, make_user("agent"))  # another person still has their own allowance
    token = csrf_token(second, "/editor/articles/new")
    assert second.post("/editor/preview", json={"body": "x"}, headers={"X-CSRFToken": token}).status_code == 200
