"""Search reads each language as that language: French documents and French queries are stemmed
by the French stemmer (accents folded first), English keeps its Porter stemming, and a search
in a language with nothing to say falls back to the default language, read as English.

The expected stems below were worked out by hand from the Snowball French and Porter rules:
French reads "paiements", "paiement" and "payer" as one word (Porter does not: "paiement" and
"payer"), and keeps "général" apart from "génération" (Porter makes both "gener").
"""

from __future__ import annotations

import re

import pytest

from kb.content import translating
from tests.support import csrf_token


@pytest.fixture
def translate(people, edit, publish):
    """``translate(source, "fr", title=…, body=…)``: the source's published translation."""

    def run(source, locale, **changes):
        draft = translating.start_translation(source.kind, source.id, locale, people["editor"])
        edit(draft, **changes)
        return publish(draft)

    return run


@pytest.fixture
def payments(make_document, translate):
    """An English article on card payments and its French translation."""
    source = make_document("article", state="published", title="Declined card payments",
                           body="Your bank declined the payment. Check the general settings.",
                           section="billing/cards")
    french = translate(source, "fr", title="Paiements par carte refusés",
                       body="Votre banque a refusé les paiements. Vérifiez le compte général "
                            "et la date d'échéance.", slug="paiements-refuses")
    return source, french


def slugs(client, query, locale):
    found = client.get("/api/v1/search", query_string={"q": query, "locale": locale}).get_json()
    return [r["slug"] for r in found["results"]]


def test_a_french_article_is_found_by_the_forms_of_its_french_words(client, payments):
    for query in ("paiement", "paiements", "Paiements", "PAIEMENT", "payer", "refuse", "refusés",
                  "échéance", "echeance", "Échéances", "verifier"):
        assert slugs(client, query, "fr") == ["paiements-refuses"], query


def test_french_stop_words_need_not_be_in_the_article(client, payments):
    assert slugs(client, "le paiement", "fr") == ["paiements-refuses"]
    assert slugs(client, "les paiements des cartes", "fr") == ["paiements-refuses"]
    for stop_word in ("le", "les", "des"):
        found = client.get("/api/v1/search", query_string={"q": stop_word, "locale": "fr"}).get_json()
        assert found["total"] == 0, stop_word


def test_french_text_is_not_stemmed_as_english(client, payments):
    source, _ = payments
    # Porter reads "général" and "génération" as "gener"; French keeps "general" and "gener",
    # so the French article does not answer "génération" (the English source does, by Porter).
    assert slugs(client, "général", "fr") == ["paiements-refuses"]
    assert slugs(client, "génération", "fr") == [source.slug]
    # "payer" finds "paiements" only through the French stemmer ("pai"); Porter gives "payer".
    assert slugs(client, "payer", "fr") == ["paiements-refuses"]


def test_an_english_article_keeps_english_stemming(client, payments, make_document):
    source, _ = payments
    assert slugs(client, "generation", "en") == [source.slug]  # Porter: "general" is "gener"
    assert slugs(client, "declining", "en") == [source.slug]
    assert slugs(client, "payments", None) == [source.slug]


def test_a_french_search_that_finds_nothing_falls_back_to_english_read_as_english(client, payments):
    source, _ = payments
    # "declining" is no French article's word; read as English it is the source's "declined".
    assert slugs(client, "declining", "fr") == [source.slug]
    assert slugs(client, "declining", "de") == [source.slug]


@pytest.fixture
def refund_macros(make_document, translate):
    english = make_document("macro", state="published", title="Billing::Refund on its way",
                            body="Your refund was sent and reaches your card in five days.")
    french = translate(english, "fr", title="Facturation::Remboursement en cours",
                       body="Votre remboursement est parti et arrive sur votre carte sous cinq jours.")
    return english, french


def test_agents_search_macros_in_the_customers_language_with_fallback(api_as, refund_macros):
    english, french = refund_macros
    agent, _ = api_as("agent")

    def ids(query, locale):
        answer = agent.get("/search", query_string={"q": query, "type": "macro", "locale": locale,
                                                     "prefix": "true"})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return [r["id"] for r in answer.get_json()["results"]]

    assert ids("remboursements", "fr") == [french.id]
    assert ids("rembours", "fr") == [french.id]  # as typed, a prefix
    assert ids("refund", "fr") == [english.id]  # nothing French: the default language's
    assert ids("refund", "de") == [english.id]
    assert ids("remboursement", "en") == []


def test_the_library_page_searches_in_the_chosen_language(client, login, make_user, refund_macros):
    english, french = refund_macros
    login(make_user("agent"))
    page = client.get("/macros?q=remboursement&locale=fr").get_data(as_text=True)
    results = page[page.index('id="lib-results"'):page.index("</ul>", page.index('id="lib-results"'))]
    assert "Remboursement en cours" in results and "Refund on its way" not in results
    assert '<option value="fr" lang="fr" selected>' in page
    assert 'name="locale" value="fr" data-suggest-locale' in page
    fallback = client.get("/macros?q=refund&locale=fr").get_data(as_text=True)
    listing = fallback[fallback.index('id="lib-results"'):]
    assert "Refund on its way" in listing
    assert client.get("/macros?q=refund&locale=xx").status_code == 400


def test_suggest_from_a_ticket_reads_it_in_the_customers_language(api_as, refund_macros):
    english, french = refund_macros
    agent, _ = api_as("agent")
    answer = agent.post("/suggest", json={
        "text": "Bonjour, j'attends toujours mon remboursement sur ma carte.", "locale": "fr"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert [r["id"] for r in body["results"]][:1] == [french.id]
    assert "remboursement" in body["terms"]
    fallback = agent.post("/suggest", json={"text": "Where is my refund?", "locale": "fr"}).get_json()
    assert [r["id"] for r in fallback["results"]][:1] == [english.id]
    assert agent.post("/suggest", json={"text": "refund", "locale": "xx"}).status_code == 400


def test_the_library_suggest_form_without_javascript_takes_the_language(client, login, make_user,
                                                                        refund_macros):
    english, french = refund_macros
    login(make_user("agent"))
    token = csrf_token(client, "/macros")
    page = client.post("/macros/suggest", data={
        "csrf_token": token, "text": "Où en est mon remboursement ?", "locale": "fr"}).get_data(as_text=True)
    suggestions = page[page.index('class="suggestions"'):]
    assert "Remboursement en cours" in suggestions and "Refund on its way" not in suggestions


def test_contact_suggestions_answer_in_the_pages_language(client, payments):
    source, french = payments
    form = client.get("/contact", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'data-locale="fr"' in form
    answer = client.post("/api/v1/contact/suggest", json={
        "subject": "Paiement refusé", "description": "Ma banque refuse mon paiement par carte.",
        "locale": "fr"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert [r["url"] for r in answer.get_json()["results"]] == [f"/fr/articles/{french.slug}"]
    english = client.post("/api/v1/contact/suggest", json={
        "subject": "Payment declined", "description": "My bank declined my card payment.",
        "locale": "fr"}).get_json()
    assert [r["url"] for r in english["results"]] == [f"/en/articles/{source.slug}"]


def test_the_contact_form_without_javascript_suggests_in_the_readers_language(client, payments):
    _, french = payments
    page = client.get("/contact", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "form_session": re.search(r'name="form_session" value="([^"]+)"', page).group(1),
            "email": "ana@example.com", "subject": "Paiement refusé",
            "description": "Ma banque refuse mon paiement.", "topic": ""}
    html = client.post("/contact/suggest", data=data,
                       headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Paiements par carte refusés" in html and "Declined card payments" not in html


def test_the_ticket_sidebar_offers_the_customers_language(client):
    page = client.get("/sidebar").get_data(as_text=True)
    assert '<label for="sidebar-locale">Customer\'s language</label>' in page
    assert '<option value="fr" lang="fr">' in page and '<option value="de" lang="de">' in page
