"""Input is text, always, on the site's own forms: a readable message or page, never a 500."""

from __future__ import annotations

from tests.support.pages import post_form, signed_in
from tests.support import csrf_token

BIG = 2**63


def test_a_search_for_a_nul_character_answers_a_readable_400_page(client):
    response = client.get("/search?q=refund%00policy")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<html" in page and "NUL character" in page


def test_signing_in_with_a_nul_in_the_email_is_an_ordinary_refusal(client, make_user):
    user = make_user("agent")
    response = client.post("/login", data={"email": user.email + "\x00", "password": "password123",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)


def test_a_feedback_comment_with_a_nul_is_refused_readably(client, make_document):
    article = make_document("article", state="published")
    token = csrf_token(client, f"/en/articles/{article.slug}")
    response = client.post(f"/en/articles/{article.slug}/feedback",
                           data={"helpful": "no", "comment": "broken\x00link", "csrf_token": token})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_the_editor_refuses_a_title_of_zero_width_characters(app, make_user):
    client = signed_in(app, make_user("editor"))
    response = post_form(client, "/editor/articles/new", {"title": "\u200b\u200c\u2060", "body": "Kept body"})
    assert response.status_code == 400
    assert "a title is required" in response.get_data(as_text=True)


def test_the_editor_refuses_control_characters_in_the_body(app, make_user):
    client = signed_in(app, make_user("editor"))
    response = post_form(client, "/editor/macros/new", {"title": "Fine", "body": "escape \x1b[31m red"})
    assert response.status_code == 400
    assert "control character U+001B" in response.get_data(as_text=True)


def test_a_publish_time_in_year_9999_is_refused_on_the_review_screen(app, make_user, make_document):
    document = make_document("article", state="approved")
    client = signed_in(app, make_user("reviewer"))
    response = post_form(client, f"/editor/articles/{document.id}/schedule",
                         {"publish_at": "9999-12-31T23:30-05:00"}, page=f"/editor/articles/{document.id}")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Publish at must be between" in page


def test_ids_beyond_64_bits_in_page_urls_are_the_normal_404(app, client, make_user):
    staff = signed_in(app, make_user("admin"))
    for path in (f"/editor/articles/{BIG}", f"/editor/macros/{BIG}/history", f"/macros/{BIG}",
                 f"/editor/articles/{BIG * 1000}/edit"):
        assert staff.get(path).status_code == 404, path
    assert client.get("/en/articles/bad%00slug").status_code == 404


def test_the_editor_preview_refuses_deep_json_and_text_that_is_not_text(app, make_user):
    client = signed_in(app, make_user("agent"))
    token = csrf_token(client, "/editor/articles/new")
    for raw in ("[" * 100_000 + "]" * 100_000, '{"body":"lone \\ud800"}', '{"body":"nul \\u0000"}'):
        response = client.post("/editor/preview", data=raw, content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code == 400, raw[:20]
        assert response.get_json()["error"]["code"] == "invalid"


def test_the_audit_log_filters_refuse_what_cannot_match(app, make_user):
    admin = signed_in(app, make_user("admin"))
    assert admin.get("/editor/audit?action=publish").status_code == 200
    for query in (f"document={BIG}", "action=pub%00lish"):
        response = admin.get(f"/editor/audit?{query}")
        assert response.status_code == 400, query
        assert "<html" in response.get_data(as_text=True)
