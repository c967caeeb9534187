"""The public request form: suggestions (published public articles only), storing a request
before any hand-over, plain text only, images through the media checks, spam refusals, and the
staff pages that list requests."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from kb.extensions import db
from kb.models import ContactFormSession, ContactRequest, ContactSuggestionOpen, Media
from tests.support import csrf_token
from tests.support.pages import signed_in

REFUND = "How refunds work"
REFUND_BODY = "A refund goes back to the card you paid with within five days of the cancellation."


@pytest.fixture
def articles(make_document):
    public = make_document("article", state="published", title=REFUND, body=REFUND_BODY)
    draft = make_document("article", state="draft", title="Refunds draft",
                          body="A refund draft about the card and cancellation.")
    internal = make_document("article", state="published", title="Refund playbook for agents",
                             body="Internal refund steps for the card and cancellation.",
                             visibility="internal")
    return public, draft, internal


def _form(client, **fields):
    page = client.get("/contact").get_data(as_text=True)
    key = re.search(r'name="form_session" value="([^"]+)"', page).group(1)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "form_session": key, "email": "ana@example.com", "subject": "Refund please",
            "description": "I cancelled and want a refund to my card.", "topic": ""}
    data.update(fields)
    return data


def test_the_form_has_the_contract_fields_and_is_linked_from_articles_and_the_footer(client, articles):
    page = client.get("/contact")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("email", "subject", "description", "topic", "csrf_token"):
        assert f'name="{name}"' in html
    assert '<option value="general">' in html  # the help center's category, as a topic
    article = client.get(f"/en/articles/{articles[0].slug}").get_data(as_text=True)
    assert 'href="/contact?topic=general"' in article
    assert 'data-testid="footer-contact"' in html


def test_suggestions_show_published_public_articles_only(client, articles):
    public, draft, internal = articles
    answer = client.post("/api/v1/contact/suggest",
                         json={"subject": "refund", "description": "I want a refund to my card"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    results = answer.get_json()["results"]
    assert [r["slug"] for r in results] == [public.slug]
    item = results[0]
    assert set(item) >= {"type", "id", "slug", "title", "snippet", "url", "score"}
    assert item["url"] == f"/en/articles/{public.slug}"
    assert "open_url" not in item


def test_signed_in_staff_get_the_public_answers_too(app, client, articles, make_user):
    browser = signed_in(app, make_user("admin"))
    token = csrf_token(browser, "/contact")
    answer = browser.post("/api/v1/contact/suggest", headers={"X-CSRFToken": token},
                          json={"description": "refund card cancellation"})
    assert [r["slug"] for r in answer.get_json()["results"]] == [articles[0].slug]


def test_suggest_refuses_bad_input_with_the_error_envelope(client):
    answer = client.post("/api/v1/contact/suggest", json={"subject": "x"})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid"
    answer = client.post("/api/v1/contact/suggest", json={"description": "x", "form_session": "no"})
    assert answer.status_code == 400


def test_a_tracked_suggestion_counts_the_opening_and_redirects_to_the_article(client, articles):
    key = "k" * 24
    results = client.post("/api/v1/contact/suggest", json={
        "description": "refund to my card", "form_session": key}).get_json()["results"]
    opened = client.get(results[0]["open_url"])
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/en/articles/{articles[0].slug}")
    session = db.session.scalar(db.select(ContactFormSession).where(ContactFormSession.key == key))
    assert session.opened_document_id == articles[0].id and session.submitted_at is None
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactSuggestionOpen)) == 1
    assert client.get("/contact/open/forged-token").status_code == 404


def test_a_request_is_stored_with_the_articles_shown_and_answers_a_confirmation(client, articles):
    answer = client.post("/contact", data=_form(client))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert "your request is in" in html
    stored = db.session.scalars(db.select(ContactRequest)).all()
    assert len(stored) == 1
    request = stored[0]
    assert (request.email, request.subject) == ("ana@example.com", "Refund please")
    assert [s["slug"] for s in request.suggested] == [articles[0].slug]
    assert request.suggested[0]["url"] == f"http://kb.test/en/articles/{articles[0].slug}"
    assert request.deliveries == []  # nothing configured: kept in kb only
    session = db.session.scalar(db.select(ContactFormSession).where(
        ContactFormSession.key == request.form_session))
    assert session.submitted_at is not None


def test_without_javascript_the_show_answers_button_lists_tracked_suggestions(client, articles):
    answer = client.post("/contact/suggest", data=_form(client))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert REFUND in html and "/contact/open/" in html
    assert "Refunds draft" not in html and "playbook" not in html
    assert 'value="Refund please"' in html  # what was typed stays in the form


@pytest.mark.parametrize("field, value", [
    ("description", "Click <a href='http://evil.example'>here</a>"),
    ("subject", "<b>urgent</b>"),
    ("email", "not-an-address"),
    ("subject", ""),
    ("topic", "no-such-category"),
])
def test_bad_input_is_refused_with_a_readable_message_and_the_text_kept(client, field, value):
    answer = client.post("/contact", data=_form(client, **{field: value}))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'data-testid="contact-error"' in html
    assert "I cancelled and want a refund" in html or field == "description"
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRequest)) == 0


def test_text_that_merely_mentions_brackets_is_kept_and_shown_escaped(app, client, make_user):
    text = "My balance shows 3 < 5 & the total is > 0"
    assert client.post("/contact", data=_form(client, description=text)).status_code == 200
    stored = db.session.scalar(db.select(ContactRequest))
    assert stored.description == text
    page = signed_in(app, make_user("agent")).get(f"/agent/requests/{stored.id}").get_data(as_text=True)
    assert "3 &lt; 5 &amp; the total is &gt; 0" in page


def test_the_honeypot_refuses_the_request(client):
    answer = client.post("/contact", data=_form(client, website="http://spam.example"))
    assert answer.status_code == 400
    assert "looks automated" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRequest)) == 0


@pytest.fixture
def app_config():
    return {"CONTACT_RATE_LIMIT_PER_HOUR": 2}


def test_the_rate_limit_refuses_a_flood_from_one_client(client):
    assert client.post("/contact", data=_form(client)).status_code == 200
    assert client.post("/contact", data=_form(client)).status_code == 200
    third = client.post("/contact", data=_form(client))
    assert third.status_code == 429
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRequest)) == 2
    assert client.get("/contact").status_code == 200  # reading the form is never limited


def test_a_body_over_the_size_limit_is_refused_unread(client):
    answer = client.post("/contact", data=_form(client, description="x" * (3 * 1024 * 1024)))
    assert answer.status_code == 413
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRequest)) == 0


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_images_go_through_the_media_checks_and_stay_staff_only(app, client, make_user):
    data = _form(client)
    data["attachments"] = (io.BytesIO(_png()), "screen.png")
    assert client.post("/contact", data=data, content_type="multipart/form-data").status_code == 200
    stored = db.session.scalar(db.select(ContactRequest))
    image = stored.attachments[0]
    assert image["ext"] == "png"
    assert db.session.scalar(db.select(Media).where(Media.sha256 == image["sha256"])) is not None
    url = f"/media/{image['sha256']}.png"
    assert client.get(url).status_code == 404  # not for the public
    staff = signed_in(app, make_user("agent"))
    assert staff.get(url).status_code == 200
    assert url in staff.get(f"/agent/requests/{stored.id}").get_data(as_text=True)

    bad = _form(client)
    bad["attachments"] = (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "x.svg")
    refused = client.post("/contact", data=bad, content_type="multipart/form-data")
    assert refused.status_code == 415
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRequest)) == 1


def test_staff_see_requests_and_readers_do_not(app, client, make_user):
    client.post("/contact", data=_form(client, subject="Where is my payout?"))
    assert client.get("/agent/requests").status_code == 302  # sign in first
    staff = signed_in(app, make_user("agent"))
    listing = staff.get("/agent/requests").get_data(as_text=True)
    assert "Where is my payout?" in listing and 'data-state="stored"' in listing
    request_id = db.session.scalar(db.select(ContactRequest.id))
    assert "Where is my payout?" in staff.get(f"/agent/requests/{request_id}").get_data(as_text=True)
    assert staff.get("/agent/requests/999999").status_code == 404
