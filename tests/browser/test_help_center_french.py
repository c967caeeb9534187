"""The contact form's script speaks French to a French reader: the suggestions' status line
comes from the catalogs (French plural rules), not from English in the script."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


def test_the_contact_form_suggests_articles_in_french(page, make_document):
    make_document("article", state="published", title="When payouts arrive",
                  body="A payout reaches your bank account within three business days.")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    page.get_by_role("button", name="Français").click()
    page.get_by_test_id("footer-contact").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacter l'assistance")
    expect(page.locator("form[data-contact-form][data-contact-ready=true]")).to_have_count(1)
    status = page.locator("[data-contact-status]")
    expect(status).to_have_text("Commencez à écrire : les réponses apparaîtront ici.")
    page.locator("#contact-subject").type("Payout missing", delay=20)
    page.locator("#contact-description").type("My payout never reached my bank account", delay=20)
    expect(page.locator("[data-contact-suggestions] a")).to_have_text(["When payouts arrive"])
    expect(status).to_have_text("1 article peut y répondre.")
    page.locator("#contact-subject").fill("")
    page.locator("#contact-description").fill("")
    page.locator("#contact-subject").type("zzqx vvkj", delay=20)
    expect(status).to_have_text("Aucun article ne correspond pour l'instant ; envoyez la demande et nous vous aiderons.")
    assert errors == []
