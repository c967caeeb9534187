"""A body over 2 MiB answers 413 however it is sent."""

from __future__ import annotations

import io

import pytest



@pytest.fixture
def app_config():
    """These tests are about reading bodies, not rendering them: a 900 KB body must not be
    refused by the render budget on a machine busy with other work."""
    return {"RENDER_TIMEOUT": 60}


BIG = b'{"title": "t", "body": "' + b"x" * (3 * 1024 * 1024) + b'"}'


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_answers_413(api_as, chunked):
    api, _ = api_as("agent")
    headers = {"Content-Type": "application/json"}
    if chunked:
        # gunicorn terminates chunked input and says so; Werkzeug reads such a stream only then.
        response = api.post("/articles", input_stream=io.BytesIO(BIG),
                            headers={**headers, "Transfer-Encoding": "chunked"},
                            environ_base={"wsgi.input_terminated": True})
    else:
        response = api.post("/articles", data=BIG, headers=headers)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_a_chunked_body_under_the_limit_is_read_whole(api_as):
    api, _ = api_as("agent")
    body = b'{"title": "Chunked", "body": "' + b"y" * 900_000 + b'"}'
    response = api.post("/articles", input_stream=io.BytesIO(body),
                        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                        environ_base={"wsgi.input_terminated": True})
    assert response.status_code == 201
    assert response.get_json()["body"].rstrip("\n") == "y" * 900_000
