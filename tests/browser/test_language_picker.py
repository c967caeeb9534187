"""The language picker in a real browser: it works as a plain form, goes to the same article in
the chosen language, and the choice holds on the next pages."""

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
def translated(app, make_user):
    editor, reviewer = make_user("editor"), make_user("reviewer")

    def publish(document):
        review.submit("article", document.id, editor)
        review.approve("article", document.id, reviewer)
        review.publish("article", document.id, reviewer)

    source = services.create_document("article", DocumentInput(
        title="Payout schedule", body="Payouts go out every Friday.", section="payments/payouts"),
        editor, create_sections=True)
    publish(source)
    french = translating.start_translation("article", source.id, "fr", editor)
    data = DocumentInput(title="Calendrier des virements", body="Les virements partent chaque vendredi.",
                         section="payments/payouts", slug="calendrier-des-virements")
    services.save_revision("article", french.id, data, 1, editor)
    publish(french)
    return source, french


def test_the_picker_switches_language_and_the_choice_holds(page, translated):
    page.goto("/en/articles/payout-schedule")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/fr/articles/calendrier-des-virements")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendrier des virements")
    expect(page.locator(".language-picker button[aria-current=true]")).to_have_text("Français")

    page.goto("/")
    expect(page.get_by_role("link", name="Calendrier des virements")).to_be_visible()
    expect(page.get_by_role("link", name="Payout schedule")).to_have_count(0)

    page.goto("/articles/payout-schedule")  # the browser asks for English; the saved choice wins
    page.wait_for_url("**/fr/articles/calendrier-des-virements")

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/articles/payout-schedule")
    page.goto("/")
    expect(page.get_by_role("link", name="Payout schedule")).to_be_visible()


def test_the_picker_fits_a_phone(page, translated):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/articles/payout-schedule")
    expect(page.locator(".language-picker")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390


def test_after_choosing_french_the_interface_and_its_scripts_speak_french(page, translated):
    page.goto("/en/articles/payout-schedule")
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/fr/articles/calendrier-des-virements")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_attached()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    page.goto("/")  # not an article: the saved choice sets the interface's language
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    box = page.locator("#q-big")
    expect(box).to_have_attribute("data-typeahead-ready", "true")
    box.focus()
    page.keyboard.type("calend")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    expect(listbox).to_have_attribute("aria-label", "Articles suggérés")
    expect(listbox.locator("[role=option]")).to_have_count(1)
    expect(page.locator("[data-typeahead-status], [role=status]").filter(
        has_text="1 article suggéré ; utilisez les flèches haut et bas pour choisir")).to_have_count(1)
