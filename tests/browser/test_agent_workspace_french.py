"""The agent workspace's scripts speak French to a French agent: the live result count, the
empty state, copy messages and the use count label come from the page's strings block."""

import pytest
from playwright.sync_api import expect


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def french_agent(page, context, live_server, make_user, browser_login):
    errors = []
    page.on("console",
            lambda message: errors.append(message.text) if message.type == "error" else None)
    context.add_cookies([{"name": "kb_locale", "value": "fr", "url": live_server.url}])
    browser_login(make_user("agent"), page=page)
    page.errors = errors
    return page


def test_search_as_you_type_and_copying_speak_french(french_agent, make_document):
    page = french_agent
    refund = make_document("macro", state="published", title="Billing::Refund timeline",
                           body="Hi {{ customer.first_name }}, your refund is on its way.")
    page.goto("/macros")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    page.keyboard.press("/")
    page.keyboard.type("refund", delay=50)
    expect(page.locator("[data-result-status]")).to_have_text("1 résultat pour « refund »")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-copy-status]")).to_have_text(
        "« Refund timeline » n'a pas été copiée. Reste à remplir : customer.first_name. "
        "Ouvrez-la pour les remplir.")
    page.fill("#macro-q", "zzzqqq")
    expect(page.locator("[data-empty]")).to_contain_text("Rien ne correspond à « zzzqqq ».")
    expect(page.locator("[data-empty]")).to_contain_text(
        "Créez une macro personnelle pour cette réponse.")

    page.goto(f"/macros/{refund.id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    page.get_by_role("button", name="Copier en texte", exact=True).click()
    expect(page.locator("[data-copy-status]")).to_have_text(
        "Non copiée. Reste à remplir : customer.first_name.")
    page.fill("#ph-customer-first-name", "Ana")
    expect(page.locator("[data-preview]")).to_contain_text("Hi Ana")
    page.get_by_role("button", name="Copier en texte", exact=True).click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copiée en texte.")
    expect(page.locator("[data-use-count]")).to_have_text("1")
    expect(page.locator("[data-use-label]")).to_have_text("fois")
    assert page.errors == []
