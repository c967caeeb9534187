"""Promoted answers: an editor pins an article to the top of the results for a query.

Pinned first on the help center, in the API and in the suggestions while typing, however the
query is typed (case, spaces, punctuation); never shown to someone who may not read it now;
marked "Pinned" for staff; managed on /editor/promoted by editors and up, not agents.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kb.content import services as content_services
from kb.content.services import copy_input
from kb.review import services as review_services
from kb import settings
from kb.extensions import db
from kb.models import PromotedAnswer
from kb.search import promoted
from kb.search.promoted import normalise, promoted_answers
from tests.support import csrf_token


@pytest.fixture
def site(make_document):
    """Articles that match "reset password" by their words, and the one an editor wants first,
    whose words do not match that query at all."""
    return {
        "words": make_document(state="published", title="Reset password links",
                               body="Reset password links expire after an hour. Reset password.",
                               section="account/security"),
        "rules": make_document(state="published", title="Password rules",
                               body="Reset password rules: twelve characters.", section="account/security"),
        "answer": make_document(state="published", title="Getting back into your account",
                                body="Use the link on the sign-in page to choose a new one.",
                                section="account/security"),
    }


def pin(client, query: str, article, **extra):
    return client.post("/editor/promoted", data={
        "query": query, "article": str(article), "csrf_token": csrf_token(client, "/editor/promoted"),
        **extra})


@pytest.fixture
def pinned(client, site, make_user, login):
    """An editor pins "Getting back into your account" for "Reset password?", then signs out."""
    editor = login(make_user("editor", name="Ed Itor"))
    response = pin(client, "  Reset PASSWORD?", site["answer"].id)
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/editor/promoted")})
    return editor


def page_titles(client, q: str) -> list[str]:
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", t).strip()
            for t in re.findall(r'<li class="result">\s*<h2><a href="[^"]+">(.*?)</a>', page, re.S)]


def api_results(client, q: str, headers=None, **filters) -> list[dict]:
    response = client.get("/api/v1/search", query_string={"q": q, **filters}, headers=headers or {})
    assert response.status_code == 200
    return response.get_json()["results"]


def make_internal(document, make_user):
    """Publish a new revision of ``document`` that is internal (author and reviewer differ)."""
    author, reviewer = make_user("editor"), make_user("reviewer")
    data = replace(copy_input(document.published), visibility="internal")
    content_services.save_revision("article", document.id, data, document.latest.number, author)
    for step in (review_services.submit, review_services.approve, review_services.publish):
        step("article", document.id, author if step is review_services.submit else reviewer)


def test_queries_are_normalised_for_case_spaces_and_punctuation():
    assert normalise("  Reset PASSWORD?!") == "reset password"
    assert normalise("reset,password") == "reset password"
    assert normalise("Reset\t your   password.") == "reset your password"
    assert normalise("Où est mon reçu ?") == "où est mon reçu"
    assert normalise("?!") == ""


def test_without_a_pin_the_words_decide(client, site):
    assert page_titles(client, "reset password")[0] != "Getting back into your account"


def test_a_pin_another_process_made_applies_at_this_process_next_check(client, site, monkeypatch):
    """Each process keeps the set of pinned queries; another process's pin moves the version
    in the database, and the next check (after ``CHECK_EVERY`` seconds) reads the set again."""
    assert page_titles(client, "reset password")[0] != "Getting back into your account"
    # What another process's pin leaves in the database: the pin and a new version.
    db.session.add(PromotedAnswer(query="reset password", document_id=site["answer"].id))
    db.session.commit()
    settings.put(promoted.VERSION_KEY, "41")
    monkeypatch.setattr(promoted, "CHECK_EVERY", 0.0)
    assert page_titles(client, "Reset password?")[0] == "Getting back into your account"


def test_the_pinned_article_comes_first_on_the_help_center(client, site, pinned):
    for typed in ("reset password", "Reset Password", "reset   password!", "RESET, PASSWORD"):
        titles = page_titles(client, typed)
        assert titles[0] == "Getting back into your account", typed
        assert titles.count("Getting back into your account") == 1
        assert {"Reset password links", "Password rules"} <= set(titles)
    # Only that query: another one ranks as usual.
    assert "Getting back into your account" not in page_titles(client, "password rules")


def test_the_pinned_article_comes_first_in_the_api(client, site, pinned):
    results = api_results(client, "reset password?")
    assert results[0]["id"] == site["answer"].id and results[0]["pinned"] is True
    assert [r["pinned"] for r in results[1:]] == [False] * (len(results) - 1)
    # A search of macros only, or one narrowed by a filter, is not the pinned question.
    narrowed = api_results(client, "reset password", category="account")
    assert narrowed and all(r["id"] != site["answer"].id for r in narrowed)


def test_the_pinned_article_comes_first_in_the_suggestions_while_typing(client, site, pinned):
    body = client.get("/search/suggestions", query_string={"q": "Reset password"}).get_json()
    assert body["results"][0]["title"] == "Getting back into your account"
    assert body["results"][0]["pinned"] is True


def test_staff_see_a_pinned_marker_and_readers_do_not(client, site, pinned, make_user, login):
    anonymous = client.get("/search?q=reset+password").get_data(as_text=True)
    assert "data-pinned" not in anonymous and ">Pinned<" not in anonymous
    login(make_user("agent"))
    staff = client.get("/search?q=reset+password").get_data(as_text=True)
    first = staff.split('<li class="result">')[1]
    assert "Getting back into your account" in first and ">Pinned</span>" in first
    assert staff.count(">Pinned</span>") == 1


def test_an_archived_pinned_article_is_not_shown_and_the_page_says_inactive(
        client, site, pinned, make_user, login):
    review_services.archive("article", site["answer"].id, make_user("reviewer"))
    assert "Getting back into your account" not in page_titles(client, "reset password")
    assert all(r["id"] != site["answer"].id for r in api_results(client, "reset password"))
    login(pinned)
    page = client.get("/editor/promoted").get_data(as_text=True)
    assert re.search(r'data-pin-query="reset password" data-pin-status="inactive"', page)
    assert [(p.query, p.status, p.active) for p in promoted_answers()] == [
        ("reset password", "inactive", False)]


def test_an_internal_pinned_article_is_first_for_staff_only(client, site, pinned, make_user,
                                                            login, token_for):
    make_internal(site["answer"], make_user)
    assert "Getting back into your account" not in page_titles(client, "reset password")
    assert all(r["id"] != site["answer"].id for r in api_results(client, "reset password"))
    suggestions = client.get("/search/suggestions?q=reset+password").get_json()["results"]
    assert "Getting back into your account" not in [r["title"] for r in suggestions]
    agent = make_user("agent")
    staff = api_results(client, "reset password",
                        headers={"Authorization": f"Bearer {token_for(agent)}"})
    assert staff[0]["id"] == site["answer"].id and staff[0]["pinned"] is True
    assert promoted_answers()[0].status == "staff only"


def test_agents_cannot_pin_or_manage_pins(client, site, make_user, login):
    login(make_user("agent"))
    assert client.get("/editor/promoted").status_code == 403
    token = csrf_token(client, "/editor/")
    response = client.post("/editor/promoted", data={"query": "reset password",
                                                     "article": site["answer"].id, "csrf_token": token})
    assert response.status_code == 403
    assert promoted_answers() == []
    assert "Pin for this query" not in client.get("/search?q=reset+password").get_data(as_text=True)
    assert "/editor/promoted" not in client.get("/editor/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, site):
    assert client.get("/editor/promoted").status_code == 302
    assert client.post("/editor/promoted", data={"query": "x"}).status_code in (302, 400)
    assert promoted_answers() == []


def test_the_page_lists_pins_with_their_count_and_removes_them(client, site, make_user, login):
    editor = login(make_user("editor", name="Ed Itor"))
    assert "<strong>0</strong> pins" in client.get("/editor/promoted").get_data(as_text=True)
    pin(client, "reset password", site["answer"].slug)  # by slug
    pin(client, "password rules", f"https://help.example.com/en/articles/{site['rules'].slug}")
    page = client.get("/editor/promoted").get_data(as_text=True)
    assert "<strong>2</strong> pins, 2 in force for everyone" in page
    rows = {p.query: p for p in promoted_answers()}
    assert rows["reset password"].document_id == site["answer"].id
    assert rows["reset password"].pinned_by == editor.name == "Ed Itor"
    assert rows["password rules"].document_id == site["rules"].id
    # Pinning a query again moves it to the new article.
    response = pin(client, "Reset password!", site["words"].id)
    assert response.status_code == 303
    assert "in place of" in client.get("/editor/promoted").get_data(as_text=True)
    assert {p.query: p.document_id for p in promoted_answers()} == {
        "reset password": site["words"].id, "password rules": site["rules"].id}
    removed = client.post(f"/editor/promoted/{rows['password rules'].id}/remove",
                          data={"csrf_token": csrf_token(client, "/editor/promoted")})
    assert removed.status_code == 303
    assert [p.query for p in promoted_answers()] == ["reset password"]
    assert page_titles(client, "password rules")[0] == "Password rules"


def test_bad_pins_are_refused_with_a_readable_message(client, site, make_document, make_user, login):
    login(make_user("editor"))
    draft = make_document(state="draft", title="Unfinished")
    macro = make_document("macro", state="published", title="Billing::Refund")
    for query, article, says in [
        ("?!", site["answer"].id, "type the words people search for"),
        ("reset password", "", "name the article"),
        ("reset password", "no-such-article", "no article with the address or slug"),
        ("reset password", 987654, "no article with id 987654"),
        ("reset password", draft.id, "only a published article can be pinned"),
        ("reset password", macro.id, "only a shared article can be pinned"),
    ]:
        page = pin(client, query, article, next="/editor/promoted")
        assert page.status_code == 303
        shown = client.get("/editor/promoted").get_data(as_text=True)
        assert "Not pinned: " + says in shown.replace("&#34;", '"'), (query, article)
    assert promoted_answers() == []


def test_pin_for_this_query_from_the_results_and_the_review_screen(client, site, make_user, login):
    login(make_user("editor"))
    results = client.get("/search?q=password+rules").get_data(as_text=True)
    assert results.count("Pin for this query") == len(page_titles(client, "password rules"))
    response = pin(client, "password rules", site["answer"].id, next="/search?q=password+rules")
    assert response.headers["Location"].endswith("/search?q=password+rules")
    assert page_titles(client, "password rules")[0] == "Getting back into your account"
    review = client.get(f"/editor/articles/{site['rules'].id}").get_data(as_text=True)
    assert "Pin for this query" in review
    response = pin(client, "twelve characters", site["rules"].id,
                   next=f"/editor/articles/{site['rules'].id}")
    assert response.headers["Location"].endswith(f"/editor/articles/{site['rules'].id}")
    assert "twelve characters" in client.get(f"/editor/articles/{site['rules'].id}").get_data(as_text=True)
    # Somewhere else entirely is never where a form sends you back to.
    response = pin(client, "rules", site["rules"].id, next="//evil.example/")
    assert response.headers["Location"].endswith("/editor/promoted")


def test_the_searches_insights_page_lists_each_pin_with_its_searches(client, site, pinned,
                                                                    make_user, login):
    client.get("/search", query_string={"q": "reset password"})
    client.get("/search", query_string={"q": "Reset Password!"})
    login(make_user("editor"))
    page = client.get("/admin/insights/searches").get_data(as_text=True)
    section = page[page.index('data-testid="promoted"'):]
    section = section[:section.index("</section>")]
    assert "Promoted answers (1)" in section
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", section, re.S)]
    assert cells == ["reset password", "Getting back into your account", "live", "2"]
