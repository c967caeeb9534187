"""The macro library's "Customer's language" select in a real browser: reached by Tab, it makes
the search answer in that language (falling back to the default language's macros), and the
choice holds for the tab's session."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kb.content import services, translating
from kb.content.services import DocumentInput
from kb.review import services as review


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def declined(app, make_user):
    """An English macro and its French translation."""
    editor, reviewer = make_user("editor"), make_user("reviewer")

    def publish(document):
        review.submit("macro", document.id, editor)
        review.approve("macro", document.id, reviewer)
        review.publish("macro", document.id, reviewer)

    source = services.create_document("macro", DocumentInput(
        title="Billing::Payment declined", body="Your card payment was declined by your bank."), editor)
    publish(source)
    french = translating.start_translation("macro", source.id, "fr", editor)
    services.save_revision("macro", french.id, DocumentInput(
        title="Facturation::Paiement refusé", body="Votre banque a refusé le paiement par carte."),
        1, editor)
    publish(french)
    return source, french


def names(page):
    return page.locator("#lib-results [role=option] .lib-name")


def search_for(page, text):
    expect(page.locator("#macro-q")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def test_the_customers_language_steers_the_library_search_and_is_kept(page, make_user, browser_login,
                                                                     declined):
    browser_login(make_user("agent"), page=page)
    page.goto("/macros")
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    page.keyboard.press("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    language = page.get_by_label("Customer's language")
    expect(language).to_be_focused()
    expect(language).to_have_value("")
    language.select_option("fr")
    page.keyboard.press("Shift+Tab")  # back to the search box, past the type select
    page.keyboard.press("Shift+Tab")

    # "payer" is "paiement" only to the French stemmer: the query is read as French.
    search_for(page, "payer ")
    expect(names(page)).to_have_text(["Paiement refusé"])
    expect(page.locator("[data-suggest-locale]")).to_have_value("fr")
    # Nothing French says "declined": the default language's macro answers.
    search_for(page, "declined")
    expect(names(page)).to_have_text(["Payment declined"])

    page.goto("/macros")  # no choice in the address: the session's
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    expect(page.get_by_label("Customer's language")).to_have_value("fr")
    page.keyboard.press("/")
    search_for(page, "paiement")
    expect(names(page)).to_have_text(["Paiement refusé"])
