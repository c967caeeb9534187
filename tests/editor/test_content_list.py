"""The staff content list: who may see it, what it lists, filters, sorts, pages and search."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from kb.helpcenter import feedback
from kb.macros import services as macro_services
from kb.review import services as review
from tests.support import csrf_token


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": "password123",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def listed(client, query: str = "") -> list[int]:
    """The document ids the list shows, in order."""
    response = client.get(f"/editor/content{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [int(n) for n in re.findall(r'<tr data-document-id="(\d+)"', response.get_data(as_text=True))]


@pytest.fixture
def editor(app, make_user):
    return make_user("editor")


@pytest.fixture
def as_editor(app, editor):
    return signed_in(app, editor)


def test_anonymous_are_sent_to_sign_in_and_agents_refused(app, client, make_user):
    assert client.get("/editor/content").status_code == 302
    assert signed_in(app, make_user("agent")).get("/editor/content").status_code == 403
    assert signed_in(app, make_user("reviewer")).get("/editor/content").status_code == 200


def test_lists_articles_and_team_macros_but_no_personal_macro(app, as_editor, make_document, make_user):
    article = make_document("article")
    macro = make_document("macro", state="published")
    owner = make_user("agent")
    from kb.content import services as content
    personal = content.create_document("macro", content.DocumentInput(title="Mine", body="x"), owner,
                                       personal=True)
    ids = listed(as_editor)
    assert set(ids) == {article.id, macro.id}
    assert personal.id not in ids
    # nor can a bulk action reach it
    response = as_editor.post("/editor/content/bulk", data={
        "action": "add_tag", "tag": "x", "ids": [str(personal.id)],
        "csrf_token": csrf_token(as_editor, "/editor/content")})
    assert response.status_code == 200
    assert "Refused" in response.get_data(as_text=True)
    assert f'<li data-document-id="{personal.id}">' in response.get_data(as_text=True).split("Refused")[1]


def test_each_row_links_to_its_editor_page(app, as_editor, make_document):
    article = make_document("article", title="Resetting a password")
    macro = make_document("macro", title="Billing::Refunds::Refund timeline")
    page = as_editor.get("/editor/content").get_data(as_text=True)
    assert f'href="/editor/articles/{article.id}/edit"' in page
    assert f'href="/editor/macros/{macro.id}/edit"' in page
    assert "Billing › Refunds" in page


def test_filters_by_state(app, as_editor, make_document, make_user):
    docs = {state: make_document("article", state=state) for state in
            ("draft", "in_review", "changes_requested", "approved", "published", "archived")}
    scheduled = make_document("article", state="approved")
    reviewer = make_user("reviewer")
    from kb.models.types import utcnow
    review.schedule("article", scheduled.id, reviewer, utcnow() + timedelta(days=2))
    for state, document in docs.items():
        assert listed(as_editor, f"?state={state}") == [document.id], state
    assert listed(as_editor, "?state=scheduled") == [scheduled.id]
    assert as_editor.get("/editor/content?state=bogus").status_code == 400


def test_filters_by_kind_section_category_author_visibility_tag_and_review_due(
        app, as_editor, make_document, make_user):
    other = make_user("editor")
    a1 = make_document("article", section="billing/refunds", tags=("payouts",), visibility="internal")
    a2 = make_document("article", section="billing/invoices", author=other,
                       review_by=date.today() - timedelta(days=1))
    a3 = make_document("article", section="account/login", review_by=date.today() + timedelta(days=30))
    m1 = make_document("macro", title="Billing::Refunds::Refund timeline", tags=("payouts", "refunds"))
    m2 = make_document("macro", title="Billing :: Refunds :: Partial :: Half refund")
    m3 = make_document("macro", title="Billing::Refundsmore::Not a child")
    m4 = make_document("macro", title="Shipping::Late parcel")
    assert set(listed(as_editor, "?kind=article")) == {a1.id, a2.id, a3.id}
    assert set(listed(as_editor, "?kind=macro")) == {m1.id, m2.id, m3.id, m4.id}
    assert set(listed(as_editor, "?section=billing")) == {a1.id, a2.id}
    assert listed(as_editor, "?section=billing/invoices") == [a2.id]
    assert as_editor.get("/editor/content?section=nowhere/none").status_code == 400
    assert set(listed(as_editor, "?category=billing::refunds")) == {m1.id, m2.id}
    assert listed(as_editor, "?category=Billing+::+Refunds+::+partial") == [m2.id]
    assert set(listed(as_editor, "?category=billing")) == {m1.id, m2.id, m3.id}
    assert listed(as_editor, f"?author={other.id}") == [a2.id]
    assert listed(as_editor, "?visibility=internal&kind=article") == [a1.id]
    assert set(listed(as_editor, "?tag=payouts")) == {a1.id, m1.id}
    assert listed(as_editor, "?tag=refunds") == [m1.id]
    assert listed(as_editor, "?tag=payout") == []
    assert listed(as_editor, "?due=1") == [a2.id]


def test_sorts(app, as_editor, make_document, make_user):
    b = make_document("macro", title="Bravo", state="published", review_by=date(2031, 1, 1))
    a = make_document("macro", title="alpha", state="published")
    c = make_document("article", title="Charlie", state="published", review_by=date(2030, 1, 1))
    agent = make_user("agent")
    for _ in range(3):
        macro_services.render_for_ticket(agent, a.id, {})
    macro_services.render_for_ticket(agent, b.id, {})
    for n, helpful in enumerate((True, True, False)):  # b: 2 of 3
        feedback.record_vote(b, b.published, f"voter-b{n}", helpful)
    feedback.record_vote(c, c.published, "voter-c", True)  # c: 1 of 1
    assert listed(as_editor) == [c.id, a.id, b.id]  # latest change first
    assert listed(as_editor, "?sort=updated&dir=asc") == [b.id, a.id, c.id]
    assert listed(as_editor, "?sort=title") == [a.id, b.id, c.id]
    assert listed(as_editor, "?sort=title&dir=desc") == [c.id, b.id, a.id]
    assert listed(as_editor, "?sort=review") == [c.id, b.id, a.id]  # no date last
    assert listed(as_editor, "?sort=uses") == [a.id, b.id, c.id]
    assert listed(as_editor, "?sort=helpful") == [c.id, b.id, a.id]  # 100 %, 67 %, no votes
    page = as_editor.get("/editor/content?sort=helpful").get_data(as_text=True)
    assert "67% of 3" in page and "3 uses" in page


def test_pages_of_fifty(app, as_editor, make_document):
    made = [make_document("article", title=f"Doc {n:03}").id for n in range(53)]
    first, second = listed(as_editor, "?sort=title"), listed(as_editor, "?sort=title&page=2")
    assert first == made[:50] and second == made[50:]
    assert listed(as_editor, "?sort=title&page=99") == made[50:]  # past the end: the last page
    page = as_editor.get("/editor/content?sort=title").get_data(as_text=True)
    assert "Page 1 of 2" in page and 'href="?sort=title&amp;page=2"' in page


def test_search_matches_draft_titles_and_published_text(app, as_editor, make_document):
    draft = make_document("article", title="Rotating your password")
    live = make_document("article", title="Account recovery", state="published",
                         body="If the password reset email never arrives, check the spam folder.")
    make_document("article", title="Shipping times", state="published", body="Parcels take a week.")
    assert listed(as_editor, "?q=Rotat") == [draft.id]  # part of a draft's title
    assert listed(as_editor, "?q=spam") == [live.id]  # published text, through the search index
    assert set(listed(as_editor, "?q=passw")) == {draft.id, live.id}
    assert listed(as_editor, "?q=passw&kind=article&state=draft") == [draft.id]
    assert listed(as_editor, "?q=50%25") == []  # a wildcard is just a character


def test_as_you_type_asks_for_the_table_alone(app, as_editor, make_document):
    make_document("article", title="Resetting your password")
    response = as_editor.get("/editor/content?q=reset", headers={"X-Requested-With": "content-list"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Resetting your password" in text
    assert "<html" not in text and "data-content-filter" not in text


def test_staff_navigation_links_to_the_list(app, as_editor, make_user):
    assert 'href="/editor/content"' in as_editor.get("/editor/").get_data(as_text=True)
    agent_page = signed_in(app, make_user("agent")).get("/").get_data(as_text=True)
    assert 'href="/editor/content"' not in agent_page
