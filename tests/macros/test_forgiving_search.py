"""Forgiving macro search: typo tolerance and "did you mean" as in the help center, category
filters at any depth applied before the limit, and a no-results state that offers a way on."""

import re


def _titles(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(r["title"] for r in response.get_json()["results"])


def _listing(page: str) -> str:
    start = page.index('id="lib-results"')
    return page[start:page.index("</ul>", start)]


def test_a_misspelled_macro_query_finds_the_refund_macros_with_a_suggestion(api_as, make_document):
    make_document("macro", state="published", title="Billing::Refund timeline", body="Refunds take five days.")
    make_document("macro", state="published", title="Billing::Refund denied", body="We cannot refund this.")
    make_document("macro", state="published", title="Account::Password reset", body="Use the link.")
    api, _ = api_as("agent")
    for prefix in ("false", "true"):  # typed out, and as the library asks while typing
        response = api.get(f"/search?type=macro&q=refnd&prefix={prefix}")
        assert _titles(response) == ["Billing::Refund denied", "Billing::Refund timeline"], prefix
        assert response.get_json()["suggestion"] == "refund"


def test_a_category_filter_at_any_depth_is_applied_before_the_limit(api_as, make_document):
    for n in range(6):  # a crowd that outranks the deep category on "refund"
        make_document("macro", state="published", title=f"Billing::Invoices::Refund refund {n}",
                      body="Refund refund refund on the invoice.")
    for name in ("Partial", "Full", "Late"):
        make_document("macro", state="published", title=f"Billing::Refunds::{name}",
                      body=f"A {name.lower()} refund is on its way.")
    make_document("macro", state="published", title="Account::Refund of credits", body="Refund credits.")
    api, _ = api_as("agent")
    deep = api.get("/search?type=macro&q=refund&limit=5&category=billing::refunds")
    assert _titles(deep) == ["Billing::Refunds::Full", "Billing::Refunds::Late", "Billing::Refunds::Partial"]
    assert deep.get_json()["total"] == 3
    spelled = api.get("/search?type=macro&q=refund&limit=5&category=Billing :: Refunds")
    assert _titles(spelled) == _titles(deep)
    top = api.get("/search?type=macro&q=refund&limit=50&category=billing")
    assert top.get_json()["total"] == 9
    assert _titles(api.get("/search?type=macro&q=refund&category=account")) == ["Account::Refund of credits"]
    assert api.get("/search?type=macro&q=refund&category=billing::refunds::full").get_json()["total"] == 0


def test_the_library_filters_a_deep_category_before_the_limit(client, login, make_user, make_document,
                                                              monkeypatch):
    from kb.agent import views

    monkeypatch.setattr(views, "SEARCH_LIMIT", 3)
    for n in range(4):
        make_document("macro", state="published", title=f"Billing::Invoices::Refund refund {n}",
                      body="Refund refund refund.")
    make_document("macro", state="published", title="Billing::Refunds::Partial", body="A partial refund.")
    make_document("macro", state="published", title="Billing::Refunds::Full", body="A full refund.")
    login(make_user("agent"))
    listing = _listing(client.get("/macros?q=refund&category=Billing::Refunds").get_data(as_text=True))
    assert sorted(re.findall(r'class="lib-name">([^<]+)<', listing)) == ["Full", "Partial"]


def test_the_library_page_corrects_a_typo_and_says_so(client, login, make_user, make_document):
    make_document("macro", state="published", title="Billing::Refund timeline", body="Refunds take five days.")
    login(make_user("agent"))
    page = client.get("/macros?q=refnd&type=macro").get_data(as_text=True)
    assert "Refund timeline" in _listing(page)
    offer = page[page.index("data-did-you-mean"):]
    assert "hidden" not in offer[:offer.index(">")]
    assert re.search(r'href="/macros\?q=refund[^"]*"\s+data-suggestion>refund</a>', offer)


def test_no_results_offers_the_corrected_query_articles_and_a_personal_macro(client, login, make_user,
                                                                              make_document):
    make_document("macro", state="published", title="Account::Password reset", body="Use the link.")
    make_document("macro", state="published", title="Billing::Invoice copy", body="Download it.")
    make_document("article", state="published", title="Refund policy", body="Refunds take five days.")
    login(make_user("agent"))
    page = client.get("/macros?q=refnd&category=Account").get_data(as_text=True)
    assert _listing(page).count("lib-item") == 0
    empty = page[page.index("data-empty"):]
    assert "Nothing matches “refnd” in Account." in empty
    assert re.search(r'href="/macros\?q=refund&amp;category=Account"\s+data-suggestion>refund</a>', empty)
    articles = empty[empty.index("data-empty-articles"):empty.index("</ul>")]
    assert "Refund policy" in articles and 'href="/en/articles/' in articles
    assert 'href="/macros/new" data-create-macro>Create a personal macro</a>' in empty


def test_no_results_without_a_correction_still_offers_a_personal_macro(client, login, make_user, make_document):
    make_document("macro", state="published", title="Account::Password reset", body="Use the link.")
    login(make_user("agent"))
    page = client.get("/macros?q=zzzqqq").get_data(as_text=True)
    empty = page[page.index("data-empty"):]
    assert "Nothing matches “zzzqqq”." in empty
    assert "data-suggestion>" not in empty and "data-empty-articles" not in empty
    assert "Create a personal macro" in empty


def test_an_empty_macro_search_is_logged_once_not_with_the_articles_offered(app, client, login, make_user,
                                                                             make_document):
    from kb.extensions import db
    from kb.models import SearchLog
    from kb.search import service as search_service

    make_document("article", state="published", title="Refund policy", body="Refunds take five days.")
    login(make_user("agent"))
    page = client.get("/macros?q=refund&type=macro").get_data(as_text=True)
    assert "Refund policy" in page[page.index("data-empty"):]
    search_service.search_log().flush()
    db.session.rollback()  # see the log writer's commit
    rows = db.session.execute(db.select(SearchLog)).scalars().all()
    assert [(r.query, r.surface, r.result_count) for r in rows] == [("refund", "library", 0)]
