"""Input is text, always: what is not valid text, or out of range, is a 400 naming the field
(or the normal 404 for an id no row can have), never a 500."""

from __future__ import annotations

import json

import pytest

BIG = 2**63  # one past the largest signed 64-bit id


def post_raw(api, path: str, raw: str):
    """POST a JSON text as written, so escapes like \\ud800 reach the server untouched."""
    return api.post(path, data=raw, content_type="application/json")


def assert_invalid(response, field: str | None):
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error.get("field") == field
    return error["message"]


def test_the_poisoned_personal_macro_of_the_report_is_refused(api_as):
    agent, _ = api_as("agent")
    response = post_raw(agent, "/macros",
                        '{"title":"poison","body":"x","tags":["\\ud800"],"personal":true}')
    assert "not valid Unicode" in assert_invalid(response, "tags")
    assert agent.get("/macros").get_json()["total"] == 0


@pytest.mark.parametrize("raw, field", [
    ('{"title":"\\ud800","body":"x"}', "title"),
    ('{"title":"Fine","body":"before \\udfff after"}', "body"),
    ('{"title":"Fine","body":"x","tags":["a\\u0000b"]}', "tags"),
    ('{"title":"Fine","body":"x","message":"a\\u0000b"}', "message"),
    ('{"title":"Fine\\u0000","body":"x"}', "title"),
    ('{"title":"Fine","body":"bell \\u0007 here"}', "body"),
    ('{"title":"\\u200b\\u200b","body":"x"}', "title"),
    ('{"title":" \\u3000\\u2060\\ufeff ","body":"x"}', "title"),
    ('{"title":"Two\\nlines","body":"x"}', "title"),
    ('{"title":"Fine","body":"x","slug":"a\\u0000b"}', "slug"),
    ('{"title":"Fine","body":"x","review_by":"9999-12-31"}', "review_by"),
])
def test_text_that_is_not_text_is_refused_with_its_field(api_as, raw, field):
    editor, _ = api_as("editor")
    assert_invalid(post_raw(editor, "/articles", raw), field)


def test_tabs_stay_and_carriage_returns_become_line_feeds(api_as):
    editor, _ = api_as("editor")
    response = editor.post("/articles", json={"title": "Tabs\tand returns", "body": "one\r\ntwo\rthree\tfour"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["title"] == "Tabs\tand returns"
    assert body["body"] == "one\ntwo\nthree\tfour\n"


@pytest.mark.parametrize("role", [None, "agent"])
@pytest.mark.parametrize("path", [
    f"/articles/{BIG}", f"/macros/{BIG}", f"/articles/{BIG * 10**6}", f"/macros/{BIG}/revisions",
])
def test_ids_beyond_64_bits_are_simply_not_found(api_as, role, path):
    api, _ = api_as(role)
    response = api.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_ids_beyond_64_bits_in_actions_are_not_found(api_as):
    reviewer, _ = api_as("reviewer")
    for path in (f"/articles/{BIG}/publish", f"/macros/{BIG}/render", f"/articles/{BIG}/comments"):
        assert reviewer.post(path, json={}).status_code == 404


def test_revision_numbers_beyond_64_bits_are_refused(api_as, make_document):
    document = make_document("article")
    reviewer, _ = api_as("reviewer")
    assert_invalid(reviewer.post(f"/articles/{document.id}/restore", json={"revision": BIG}), "revision")
    assert_invalid(reviewer.put(f"/articles/{document.id}", json={"title": "T", "body": "b", "base_revision": BIG}),
                   "base_revision")
    assert_invalid(reviewer.get(f"/articles/{document.id}/diff?from=1&to={BIG}"), "to")
    assert reviewer.get(f"/articles/{document.id}/revisions/{BIG}").status_code == 404


@pytest.mark.parametrize("role, status", [(None, 401), ("agent", 400)])
def test_deeply_nested_json_is_refused(api_as, role, status):
    api, _ = api_as(role)
    for raw in ("[" * 100_000 + "]" * 100_000, '{"title":' + '{"a":' * 5000 + "1" + "}" * 5001):
        response = post_raw(api, "/articles", raw)
        assert response.status_code == status, response.get_data(as_text=True)
    if status == 400:
        assert "nests deeper" in response.get_json()["error"]["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(api_as):
    editor, _ = api_as("editor")
    body = "[" * 500 + "{" * 500 + '"quoted \\" [' * 50
    response = editor.post("/articles", json={"title": "Brackets", "body": body})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_publish_time_in_year_9999_with_an_offset_is_refused(api_as, make_document):
    document = make_document("article", state="approved")
    reviewer, _ = api_as("reviewer")
    response = reviewer.post(f"/articles/{document.id}/schedule",
                             json={"publish_at": "9999-12-31T23:30:00-05:00"})
    assert_invalid(response, "publish_at")
    anonymous, _ = api_as(None)
    response = anonymous.post(f"/articles/{document.id}/schedule",
                              json={"publish_at": "9999-12-31T23:30:00-05:00"})
    assert response.status_code == 404  # an unpublished document does not exist for them


@pytest.mark.parametrize("raw", ['{"comment":"a\\u0000b"}', '{"comment":"a\\ud800b"}'])
def test_comments_must_be_text(api_as, make_document, raw):
    document = make_document("article", state="in_review")
    reviewer, _ = api_as("reviewer")
    assert_invalid(post_raw(reviewer, f"/articles/{document.id}/comments", raw), "comment")
    assert_invalid(post_raw(reviewer, f"/articles/{document.id}/request-changes", raw), "comment")


def test_a_comment_of_only_invisible_characters_is_no_comment(api_as, make_document):
    document = make_document("article", state="in_review")
    reviewer, _ = api_as("reviewer")
    response = reviewer.post(f"/articles/{document.id}/request-changes", json={"comment": "\u200b \u200d"})
    assert_invalid(response, "comment")


def test_placeholder_values_must_be_text(api_as, make_document):
    macro = make_document("macro", state="published", body="Hi {{ customer.first_name }}")
    agent, _ = api_as("agent")
    for raw in ('{"values":{"customer":{"first_name":"\\ud800"}}}',
                '{"values":{"customer":{"first_name":"A\\u0000"}}}',
                '{"values":{"cust\\udc00omer":{"first_name":"Ana"}}}'):
        assert_invalid(post_raw(agent, f"/macros/{macro.id}/render", raw), "values")
    ok = agent.post(f"/macros/{macro.id}/render", json={"values": {"customer": {"first_name": "Ana"}}})
    assert ok.status_code == 200 and "Ana" in ok.get_json()["text"]


@pytest.mark.parametrize("role", [None, "agent"])
def test_search_queries_must_be_text(api_as, role):
    api, _ = api_as(role)
    assert_invalid(api.get("/search?q=refund%00policy"), "q")
    assert_invalid(api.get("/search?q=refund&tag=a%00b"), "tag")


def test_a_pasted_message_must_be_text(api_as):
    agent, _ = api_as("agent")
    response = post_raw(agent, "/suggest", json.dumps({"text": "refund"})[:-2] + '\\ud800"}')
    assert_invalid(response, "text")
